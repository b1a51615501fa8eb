package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/** The credentials are valid but not allowed this request (HTTP 403), or billing/quota is exhausted for good. Not retryable. */
public class PermissionDeniedException extends LlmException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(message, details, cause);
    }

    public PermissionDeniedException(String message, ErrorDetails details) {
        this(message, details, null);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
