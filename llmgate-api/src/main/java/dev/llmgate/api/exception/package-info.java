/**
 * The typed errors of a call. Every error is an unchecked {@link dev.llmgate.api.exception.LlmException};
 * its subclass says what happened and {@code isRetryable()} whether trying again may help. Messages
 * never contain API keys or prompt text.
 */
@NullMarked
package dev.llmgate.api.exception;

import org.jspecify.annotations.NullMarked;
