package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/** The input (plus the requested output) does not fit the model's context window. Another deployment with a larger window may take it. */
public class ContextLengthExceededException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;

    public ContextLengthExceededException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(message, details, cause);
    }

    public ContextLengthExceededException(String message, ErrorDetails details) {
        this(message, details, null);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
