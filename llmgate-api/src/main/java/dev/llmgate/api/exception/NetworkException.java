package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/** The connection failed or broke (refused, reset, DNS). Retryable. */
public class NetworkException extends LlmException {
    private static final long serialVersionUID = 1L;

    public NetworkException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(message, details, cause);
    }

    public NetworkException(String message, ErrorDetails details) {
        this(message, details, null);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
