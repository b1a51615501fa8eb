package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/** The provider did not answer in time: connect, read, time to first token, or the call's deadline. Retryable. */
public class RequestTimeoutException extends LlmException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(message, details, cause);
    }

    public RequestTimeoutException(String message, ErrorDetails details) {
        this(message, details, null);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
