/** Implementation of the audit trail: canonical JSON, hashing, Merkle trees, signatures, the writer. Not public API. */
package dev.llmgate.core.audit.internal;
