package dev.llmgate.api.exception;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The provider's rate limit was hit (HTTP 429). Retryable, after {@link #retryAfter()} where the provider said. */
public class RateLimitedException extends LlmException {
    private static final long serialVersionUID = 1L;

    private final transient Optional<Duration> retryAfter;

    public RateLimitedException(
            String message, ErrorDetails details, Optional<Duration> retryAfter, @Nullable Throwable cause) {
        super(message, details, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter: use Optional.empty()");
    }

    public RateLimitedException(String message, ErrorDetails details, Optional<Duration> retryAfter) {
        this(message, details, retryAfter, null);
    }

    /** How long the provider asked to wait (from {@code retry-after}, {@code retry-after-ms} or a reset header). */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
