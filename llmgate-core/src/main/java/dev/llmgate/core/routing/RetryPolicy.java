package dev.llmgate.core.routing;

import dev.llmgate.api.exception.ConfigurationException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a route retries the same deployment: exponential backoff with full jitter, honouring the
 * provider's Retry-After. The delay before retry {@code n} (0-based) is a uniformly random duration
 * in {@code [0, min(maxDelay, baseDelay x multiplier^n)]}; when the failure carries a Retry-After, the
 * delay is exactly that instead, unless it is longer than {@code maxRetryAfter}, in which case the
 * route does not wait but falls over to the next deployment (and the deployment cools down for that
 * long, see {@link CircuitBreakerPolicy}). Routing is the one retry layer: configure providers with
 * their own retries off.
 *
 * <p>Guarantees: immutable; validated on {@link Builder#build()} ({@link ConfigurationException}); equal
 * when every value is equal. A final class rather than a record so that settings can be added in
 * later versions without breaking callers (docs/api-stability.md).
 */
public final class RetryPolicy {

    /** One retry per deployment, 250 ms base, doubling, capped at 8 s, waiting for Retry-After up to 10 s, transient classes. */
    public static final RetryPolicy DEFAULT = builder().build();

    /** No retries on the same deployment (fallback still applies). */
    public static final RetryPolicy NONE = builder().retriesPerDeployment(0).build();

    private final int retriesPerDeployment;
    private final Duration baseDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final Duration maxRetryAfter;
    private final Set<ErrorClass> retryOn;

    private RetryPolicy(Builder b) {
        this.retriesPerDeployment = b.retries;
        this.baseDelay = Objects.requireNonNull(b.baseDelay, "baseDelay");
        this.multiplier = b.multiplier;
        this.maxDelay = Objects.requireNonNull(b.maxDelay, "maxDelay");
        this.maxRetryAfter = Objects.requireNonNull(b.maxRetryAfter, "maxRetryAfter");
        this.retryOn = Set.copyOf(Objects.requireNonNull(b.retryOn, "retryOn"));
        if (retriesPerDeployment < 0) {
            throw new ConfigurationException("retriesPerDeployment must not be negative, was " + retriesPerDeployment);
        }
        if (baseDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()) {
            throw new ConfigurationException("retry delays must not be negative");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new ConfigurationException(
                    "retry multiplier must be a finite number of at least 1, was " + multiplier);
        }
    }

    /** How many times one deployment is retried after its first attempt. */
    public int retriesPerDeployment() {
        return retriesPerDeployment;
    }

    /** The backoff cap of the first retry. */
    public Duration baseDelay() {
        return baseDelay;
    }

    /** The growth of the cap per retry, at least 1. */
    public double multiplier() {
        return multiplier;
    }

    /** The largest cap. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** The longest Retry-After the route waits for on the same deployment. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** The error classes retried on the same deployment. */
    public Set<ErrorClass> retryOn() {
        return retryOn;
    }

    /** A builder that starts from this policy. */
    public Builder toBuilder() {
        return new Builder()
                .retriesPerDeployment(retriesPerDeployment)
                .baseDelay(baseDelay)
                .multiplier(multiplier)
                .maxDelay(maxDelay)
                .maxRetryAfter(maxRetryAfter)
                .retryOn(retryOn);
    }

    /** Equal when every value is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof RetryPolicy p
                        && retriesPerDeployment == p.retriesPerDeployment
                        && baseDelay.equals(p.baseDelay)
                        && Double.compare(multiplier, p.multiplier) == 0
                        && maxDelay.equals(p.maxDelay)
                        && maxRetryAfter.equals(p.maxRetryAfter)
                        && retryOn.equals(p.retryOn);
    }

    @Override
    public int hashCode() {
        return Objects.hash(retriesPerDeployment, baseDelay, multiplier, maxDelay, maxRetryAfter, retryOn);
    }

    @Override
    public String toString() {
        return "RetryPolicy[retriesPerDeployment=" + retriesPerDeployment + ", baseDelay=" + baseDelay + ", multiplier="
                + multiplier + ", maxDelay=" + maxDelay + ", maxRetryAfter=" + maxRetryAfter + ", retryOn=" + retryOn
                + "]";
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The backoff cap of retry {@code retryIndex} (0-based): {@code min(maxDelay, baseDelay x multiplier^retryIndex)}. */
    public Duration backoffCap(int retryIndex) {
        double millis = baseDelay.toMillis() * Math.pow(multiplier, retryIndex);
        return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
    }

    /** Builds a {@link RetryPolicy}; {@link #build()} checks the values. Not thread-safe. */
    public static final class Builder {
        private int retries = 1;
        private Duration baseDelay = Duration.ofMillis(250);
        private double multiplier = 2.0;
        private Duration maxDelay = Duration.ofSeconds(8);
        private Duration maxRetryAfter = Duration.ofSeconds(10);
        private Set<ErrorClass> retryOn = ErrorClass.TRANSIENT;

        private Builder() {}

        /** How many times one deployment is retried after its first attempt; 1 unless set. */
        public Builder retriesPerDeployment(int value) {
            this.retries = value;
            return this;
        }

        /** The backoff cap of the first retry; 250 ms unless set. */
        public Builder baseDelay(Duration value) {
            this.baseDelay = Objects.requireNonNull(value, "baseDelay");
            return this;
        }

        /** The growth of the cap per retry, at least 1; 2 unless set. */
        public Builder multiplier(double value) {
            this.multiplier = value;
            return this;
        }

        /** The largest cap; 8 s unless set. */
        public Builder maxDelay(Duration value) {
            this.maxDelay = Objects.requireNonNull(value, "maxDelay");
            return this;
        }

        /** The longest Retry-After waited for on the same deployment; 10 s unless set. */
        public Builder maxRetryAfter(Duration value) {
            this.maxRetryAfter = Objects.requireNonNull(value, "maxRetryAfter");
            return this;
        }

        /** The error classes retried on the same deployment (replaces the default, {@link ErrorClass#TRANSIENT}). */
        public Builder retryOn(ErrorClass first, ErrorClass... rest) {
            this.retryOn = EnumSet.of(first, rest);
            return this;
        }

        /** The error classes retried on the same deployment (empty: none). */
        public Builder retryOn(Set<ErrorClass> value) {
            this.retryOn = Objects.requireNonNull(value, "retryOn: use Set.of() for none");
            return this;
        }

        /** @throws ConfigurationException naming the value that is wrong */
        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
