/**
 * A signed, tamper-evident audit trail: one canonical-JSON record per call, hash-chained, with
 * Ed25519-signed Merkle checkpoints, pluggable sinks and an offline verifier. Start at
 * {@link dev.llmgate.core.audit.AuditLog}; auditors start at
 * {@link dev.llmgate.core.audit.AuditVerifier} or the command line in
 * {@link dev.llmgate.core.audit.AuditVerifierCli}. The format is specified in docs/audit-format.md.
 */
package dev.llmgate.core.audit;
