/** The policy engine's internals (evaluation, redaction, stream scanning, approval). Not API: may change in any release. */
package dev.llmgate.policy.internal;
