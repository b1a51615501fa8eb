/**
 * Deterministic policy for llmgate: {@link dev.llmgate.policy.Policy} (detectors, rules, thresholds,
 * redaction, tool-call rules, approval) and {@link dev.llmgate.policy.PolicyInterceptor}, which
 * enforces it at input, output, streamed output and tool calls. See docs/policy.md.
 */
package dev.llmgate.policy;
