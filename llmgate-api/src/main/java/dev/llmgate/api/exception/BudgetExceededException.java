package dev.llmgate.api.exception;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A configured budget or rate limit (requests, tokens or money per window) would be exceeded by this call. */
public class BudgetExceededException extends LlmException {
    private static final long serialVersionUID = 1L;

    private final String limit;
    private final transient Duration window;
    private final transient Instant resetsAt;

    /**
     * @param limit    which limit, e.g. {@code "tenant=acme tokens<=100000"}
     * @param window   the limit's time window
     * @param resetsAt when enough of the budget frees up again
     */
    public BudgetExceededException(String message, String limit, Duration window, Instant resetsAt) {
        super(message, ErrorDetails.NONE, null);
        this.limit = Objects.requireNonNull(limit, "limit");
        this.window = Objects.requireNonNull(window, "window");
        this.resetsAt = Objects.requireNonNull(resetsAt, "resetsAt");
    }

    public String limit() {
        return limit;
    }

    public Duration window() {
        return window;
    }

    public Instant resetsAt() {
        return resetsAt;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
