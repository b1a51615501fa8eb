package dev.llmgate.api.spi;

import dev.llmgate.api.Usage;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One attempt of a call at one deployment, as routing reports it to listeners and audit.
 *
 * @param provider         the provider name
 * @param model            the model (or deployment) name
 * @param outcome          {@code "success"}, {@code "cache_hit"} or the failure's exception type, e.g. {@code "RateLimitedException"}
 * @param latency          from sending to the answer (or failure)
 * @param timeToFirstToken for streams, until the first token
 * @param usage            tokens as the provider reported them, or llmgate's estimate ({@code usageEstimated})
 * @param reason           why this attempt was made: {@code "primary"}, {@code "retry"}, {@code "fallback:<cause>"}, {@code "hedge"}
 * @param usageEstimated   true when {@code usage} is llmgate's estimate because the provider did not report it (see
 *                         {@link CallFacts#ESTIMATED_USAGE})
 */
public record AttemptRecord(String provider, String model, String outcome, Duration latency, Optional<Duration> timeToFirstToken,
                            Usage usage, String reason, boolean usageEstimated) {
    public AttemptRecord {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(reason, "reason");
    }

    /** An attempt whose usage, if any, the provider reported. */
    public AttemptRecord(String provider, String model, String outcome, Duration latency, Optional<Duration> timeToFirstToken,
                         Usage usage, String reason) {
        this(provider, model, outcome, latency, timeToFirstToken, usage, reason, false);
    }
}
