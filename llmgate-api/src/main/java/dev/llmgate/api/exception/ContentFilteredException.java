package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/** The provider's safety system refused the request or withheld the answer. */
public class ContentFilteredException extends LlmException {
    private static final long serialVersionUID = 1L;

    public ContentFilteredException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(message, details, cause);
    }

    public ContentFilteredException(String message, ErrorDetails details) {
        this(message, details, null);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
