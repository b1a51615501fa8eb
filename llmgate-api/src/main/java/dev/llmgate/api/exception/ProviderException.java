package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/**
 * Any other provider failure: a 5xx, an unexpected status, or a body that could not be understood.
 * Whether it is retryable is decided by whoever raised it (5xx and malformed bodies are, by default).
 */
public class ProviderException extends LlmException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public ProviderException(String message, ErrorDetails details, boolean retryable, @Nullable Throwable cause) {
        super(message, details, cause);
        this.retryable = retryable;
    }

    public ProviderException(String message, ErrorDetails details, boolean retryable) {
        this(message, details, retryable, null);
    }

    @Override
    public boolean isRetryable() {
        return retryable;
    }
}
