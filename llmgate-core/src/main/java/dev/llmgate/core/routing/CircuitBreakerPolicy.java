package dev.llmgate.core.routing;

import dev.llmgate.api.exception.ConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * When a deployment's circuit opens and for how long. Only failures that say something about the
 * deployment's health count ({@link ErrorClass#countsAsFailure()}: rate limits, overload, timeouts,
 * network, 5xx, cut streams); a context-length or invalid-request error, a content filter or a
 * rejected answer never do. A circuit opens after {@code consecutiveFailures} failures in a row, or
 * when at least {@code minimumCalls} of the last {@code windowSize} calls were made and the share of
 * failures among them reaches {@code failureRateThreshold}. An open circuit admits no call for
 * {@code openDuration}; then one probe call is let through (half-open): its success closes the
 * circuit, its failure opens it again. Independently, a failure with a Retry-After cools the
 * deployment down for that long.
 *
 * @param consecutiveFailures  failures in a row that open the circuit; at least 1
 * @param failureRateThreshold share of failures (0 exclusive to 1 inclusive) that opens it
 * @param windowSize           the count-based sliding window, 1 to 64 calls
 * @param minimumCalls         calls in the window before the rate counts, 1 to windowSize
 * @param openDuration         how long an open circuit rejects calls before a probe
 */
public record CircuitBreakerPolicy(
        int consecutiveFailures, double failureRateThreshold, int windowSize, int minimumCalls, Duration openDuration) {

    /** 5 failures in a row, or 50% of the last 20 calls (at least 10), open for 30 s. */
    public static final CircuitBreakerPolicy DEFAULT = new CircuitBreakerPolicy(5, 0.5, 20, 10, Duration.ofSeconds(30));

    public CircuitBreakerPolicy {
        Objects.requireNonNull(openDuration, "openDuration");
        if (consecutiveFailures < 1) {
            throw new ConfigurationException("consecutiveFailures must be at least 1, was " + consecutiveFailures);
        }
        if (!(failureRateThreshold > 0 && failureRateThreshold <= 1)) {
            throw new ConfigurationException(
                    "failureRateThreshold must be greater than 0 and at most 1, was " + failureRateThreshold);
        }
        if (windowSize < 1 || windowSize > 64) {
            throw new ConfigurationException("windowSize must be between 1 and 64 calls, was " + windowSize);
        }
        if (minimumCalls < 1 || minimumCalls > windowSize) {
            throw new ConfigurationException(
                    "minimumCalls must be between 1 and windowSize (" + windowSize + "), was " + minimumCalls);
        }
        if (openDuration.isNegative() || openDuration.isZero()) {
            throw new ConfigurationException("openDuration must be positive, was " + openDuration);
        }
    }
}
