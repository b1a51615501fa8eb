package dev.llmgate.api.exception;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The provider is overloaded or unavailable (HTTP 503, Anthropic's 529). Retryable, ideally elsewhere. */
public class OverloadedException extends LlmException {
    private static final long serialVersionUID = 1L;

    private final transient Optional<Duration> retryAfter;

    public OverloadedException(
            String message, ErrorDetails details, Optional<Duration> retryAfter, @Nullable Throwable cause) {
        super(message, details, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter: use Optional.empty()");
    }

    public OverloadedException(String message, ErrorDetails details, Optional<Duration> retryAfter) {
        this(message, details, retryAfter, null);
    }

    /** How long the provider asked to wait, if it said. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
