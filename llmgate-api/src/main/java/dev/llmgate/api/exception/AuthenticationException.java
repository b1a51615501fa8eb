package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/** The provider rejected the credentials (HTTP 401): check the API key. Not retryable. */
public class AuthenticationException extends LlmException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(message, details, cause);
    }

    public AuthenticationException(String message, ErrorDetails details) {
        this(message, details, null);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
