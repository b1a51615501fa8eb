/** Redaction modes: mask, last four, keyed hash and reversible tokenization. */
package dev.llmgate.policy.redact;
