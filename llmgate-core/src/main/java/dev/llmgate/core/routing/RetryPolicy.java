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
 * @param retriesPerDeployment how many times one deployment is retried after its first attempt
 * @param baseDelay            the backoff cap of the first retry
 * @param multiplier           the growth of the cap per retry, at least 1
 * @param maxDelay             the largest cap
 * @param maxRetryAfter        the longest Retry-After the route waits for on the same deployment
 * @param retryOn              the error classes retried on the same deployment
 */
public record RetryPolicy(int retriesPerDeployment, Duration baseDelay, double multiplier, Duration maxDelay, Duration maxRetryAfter,
                          Set<ErrorClass> retryOn) {

    /** One retry per deployment, 250 ms base, doubling, capped at 8 s, waiting for Retry-After up to 10 s, transient classes. */
    public static final RetryPolicy DEFAULT = builder().build();

    /** No retries on the same deployment (fallback still applies). */
    public static final RetryPolicy NONE = builder().retriesPerDeployment(0).build();

    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        retryOn = Set.copyOf(Objects.requireNonNull(retryOn, "retryOn"));
        if (retriesPerDeployment < 0) {
            throw new ConfigurationException("retriesPerDeployment must not be negative, was " + retriesPerDeployment);
        }
        if (baseDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()) {
            throw new ConfigurationException("retry delays must not be negative");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new ConfigurationException("retry multiplier must be a finite number of at least 1, was " + multiplier);
        }
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

    /** Builds a {@link RetryPolicy}. */
    public static final class Builder {
        private int retries = 1;
        private Duration baseDelay = Duration.ofMillis(250);
        private double multiplier = 2.0;
        private Duration maxDelay = Duration.ofSeconds(8);
        private Duration maxRetryAfter = Duration.ofSeconds(10);
        private Set<ErrorClass> retryOn = ErrorClass.TRANSIENT;

        private Builder() {
        }

        public Builder retriesPerDeployment(int value) {
            this.retries = value;
            return this;
        }

        public Builder baseDelay(Duration value) {
            this.baseDelay = value;
            return this;
        }

        public Builder multiplier(double value) {
            this.multiplier = value;
            return this;
        }

        public Builder maxDelay(Duration value) {
            this.maxDelay = value;
            return this;
        }

        public Builder maxRetryAfter(Duration value) {
            this.maxRetryAfter = value;
            return this;
        }

        public Builder retryOn(ErrorClass first, ErrorClass... rest) {
            this.retryOn = EnumSet.of(first, rest);
            return this;
        }

        public Builder retryOn(Set<ErrorClass> value) {
            this.retryOn = value;
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(retries, baseDelay, multiplier, maxDelay, maxRetryAfter, retryOn);
        }
    }
}
