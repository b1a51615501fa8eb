package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/** The provider rejected the request as malformed or unsupported (HTTP 400, 404, 422). Not retryable as it is. */
public class InvalidRequestException extends LlmException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(message, details, cause);
    }

    public InvalidRequestException(String message, ErrorDetails details) {
        this(message, details, null);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
