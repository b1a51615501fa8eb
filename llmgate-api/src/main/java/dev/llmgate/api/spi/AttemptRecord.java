package dev.llmgate.api.spi;

import dev.llmgate.api.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One attempt of a call at one deployment, as routing reports it to listeners and audit
 * ({@link CallFacts#ATTEMPTS}). An interceptor that sends calls itself (a custom router) records its
 * attempts with {@link #builder(String, String)}.
 *
 * <p>Guarantees: immutable; no accessor returns {@code null}; the latency is not negative; equal when
 * every value is equal. Carries no prompt or answer text.
 *
 * <p>A final class rather than a record so that values can be added in later versions without breaking
 * callers (docs/api-stability.md).
 */
public final class AttemptRecord {
    private final String provider;
    private final String model;
    private final String outcome;
    private final Duration latency;
    private final Optional<Duration> timeToFirstToken;
    private final Usage usage;
    private final String reason;
    private final boolean usageEstimated;

    private AttemptRecord(Builder b) {
        this.provider = b.provider;
        this.model = b.model;
        this.outcome = Objects.requireNonNull(b.outcome); // build() checked both
        this.latency = Objects.requireNonNull(b.latency);
        this.timeToFirstToken = b.timeToFirstToken;
        this.usage = b.usage;
        this.reason = b.reason;
        this.usageEstimated = b.usageEstimated;
    }

    /**
     * A builder of the attempt at {@code provider}'s {@code model}. {@link Builder#outcome(String)} and
     * {@link Builder#latency(Duration)} must be set; the reason defaults to {@code "primary"}, the usage to
     * {@link Usage#ZERO}.
     */
    public static Builder builder(String provider, String model) {
        return new Builder(provider, model);
    }

    /** A builder that starts from this attempt. */
    public Builder toBuilder() {
        return new Builder(provider, model)
                .outcome(outcome)
                .latency(latency)
                .timeToFirstToken(timeToFirstToken)
                .usage(usage)
                .reason(reason)
                .usageEstimated(usageEstimated);
    }

    /** The provider name. */
    public String provider() {
        return provider;
    }

    /** The model (or deployment) name. */
    public String model() {
        return model;
    }

    /** {@code "success"}, {@code "cache_hit"} or the failure's exception type, e.g. {@code "RateLimitedException"}. */
    public String outcome() {
        return outcome;
    }

    /** From sending to the answer (or failure); never negative. */
    public Duration latency() {
        return latency;
    }

    /** For streams, until the first token. */
    public Optional<Duration> timeToFirstToken() {
        return timeToFirstToken;
    }

    /** Tokens as the provider reported them, or llmgate's estimate ({@link #usageEstimated()}). */
    public Usage usage() {
        return usage;
    }

    /** Why this attempt was made: {@code "primary"}, {@code "retry"}, {@code "fallback:<cause>"}, {@code "hedge"}. */
    public String reason() {
        return reason;
    }

    /**
     * True when {@link #usage()} is llmgate's estimate because the provider did not report it (see
     * {@link CallFacts#ESTIMATED_USAGE}).
     */
    public boolean usageEstimated() {
        return usageEstimated;
    }

    /** Equal when every value is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof AttemptRecord a
                        && provider.equals(a.provider)
                        && model.equals(a.model)
                        && outcome.equals(a.outcome)
                        && latency.equals(a.latency)
                        && timeToFirstToken.equals(a.timeToFirstToken)
                        && usage.equals(a.usage)
                        && reason.equals(a.reason)
                        && usageEstimated == a.usageEstimated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(provider, model, outcome, latency, timeToFirstToken, usage, reason, usageEstimated);
    }

    @Override
    public String toString() {
        return "AttemptRecord[" + provider + ":" + model + ", " + outcome + ", " + reason + ", " + latency.toMillis()
                + " ms"
                + timeToFirstToken.map(t -> ", ttft " + t.toMillis() + " ms").orElse("") + ", " + usage
                + (usageEstimated ? " (estimated)" : "") + "]";
    }

    /** Builds an {@link AttemptRecord}; {@link #build()} reports every missing or invalid value at once. Not thread-safe. */
    public static final class Builder {
        private final String provider;
        private final String model;
        private @Nullable String outcome;
        private @Nullable Duration latency;
        private Optional<Duration> timeToFirstToken = Optional.empty();
        private Usage usage = Usage.ZERO;
        private String reason = "primary";
        private boolean usageEstimated;

        private Builder(String provider, String model) {
            this.provider = provider;
            this.model = model;
        }

        /** {@code "success"}, {@code "cache_hit"} or the failure's exception type (required). */
        public Builder outcome(String value) {
            this.outcome =
                    Objects.requireNonNull(value, "outcome: e.g. \"success\" or the exception's simple class name");
            return this;
        }

        /** From sending to the answer or failure (required, not negative). */
        public Builder latency(Duration value) {
            this.latency = Objects.requireNonNull(value, "latency: e.g. Duration.ZERO");
            return this;
        }

        /** For streams, until the first token. */
        public Builder timeToFirstToken(Duration value) {
            this.timeToFirstToken =
                    Optional.of(Objects.requireNonNull(value, "timeToFirstToken: use Optional.empty() for none"));
            return this;
        }

        /** For streams, until the first token; empty for none. */
        public Builder timeToFirstToken(Optional<Duration> value) {
            this.timeToFirstToken = Objects.requireNonNull(value, "timeToFirstToken: use Optional.empty()");
            return this;
        }

        /** Tokens as the provider reported them; {@link Usage#ZERO} unless set. */
        public Builder usage(Usage value) {
            this.usage = Objects.requireNonNull(value, "usage: use Usage.ZERO");
            return this;
        }

        /** Why the attempt was made; {@code "primary"} unless set. */
        public Builder reason(String value) {
            this.reason = Objects.requireNonNull(
                    value, "reason: e.g. \"primary\", \"retry\", \"fallback:<cause>\" or \"hedge\"");
            return this;
        }

        /** Whether the usage is llmgate's estimate rather than the provider's report; false unless set. */
        public Builder usageEstimated(boolean value) {
            this.usageEstimated = value;
            return this;
        }

        /**
         * The attempt.
         *
         * @throws IllegalArgumentException naming every value that is missing or invalid
         */
        public AttemptRecord build() {
            List<String> problems = new ArrayList<>();
            if (provider == null) {
                problems.add(
                        "provider must not be null: pass the configured provider name to AttemptRecord.builder(provider, model)");
            }
            if (model == null) {
                problems.add(
                        "model must not be null: pass the model (or deployment) name to AttemptRecord.builder(provider, model)");
            }
            if (outcome == null) {
                problems.add(
                        "outcome is not set: call outcome(\"success\") or outcome(<the exception's simple class name>)");
            }
            if (latency == null) {
                problems.add("latency is not set: call latency(Duration)");
            } else if (latency.isNegative()) {
                problems.add("latency must not be negative, was " + latency);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid attempt record: " + String.join("; ", problems));
            }
            return new AttemptRecord(this);
        }
    }
}
