/**
 * The typed errors of a call. Every error is an unchecked {@link dev.llmgate.api.exception.LlmException};
 * its subclass says what happened and {@code isRetryable()} whether trying again may help. Messages
 * never contain API keys or prompt text.
 */
package dev.llmgate.api.exception;
