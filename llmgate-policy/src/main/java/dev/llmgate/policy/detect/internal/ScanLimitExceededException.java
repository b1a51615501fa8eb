package dev.llmgate.policy.detect.internal;

/**
 * A scan counted more work than its bound allows ({@link MeteredText}): the scan stopped, and the
 * policy engine decides BLOCK with rule id {@code policy.scan-limit}. No stack trace (it is an
 * outcome, not a bug report) and no text in the message. Not API.
 */
public final class ScanLimitExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public ScanLimitExceededException(long steps, long limit) {
        super("the scan counted " + steps + " steps, more than its limit of " + limit, null, false, false);
        this.limit = limit;
    }

    /** The limit that was passed. */
    public long limit() {
        return limit;
    }
}
