package dev.llmgate.core.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of what a router knows about one deployment, from {@link Router#health()}. Only the
 * router creates these; read them.
 *
 * <p>Guarantees: immutable; no accessor returns {@code null}; equal when every
 * value is equal. The values are read one by one while calls may be running, so they need not be
 * consistent with each other.
 *
 * <p>A final class rather than a record so that values can be added in later versions without breaking
 * callers (docs/api-stability.md).
 */
public final class DeploymentHealth {
    private final Deployment deployment;
    private final BreakerState state;
    private final int consecutiveFailures;
    private final int recentCalls;
    private final int recentFailures;
    private final Optional<Instant> availableAt;
    private final Optional<Duration> latency;
    private final Optional<Duration> timeToFirstToken;

    DeploymentHealth(
            Deployment deployment,
            BreakerState state,
            int consecutiveFailures,
            int recentCalls,
            int recentFailures,
            Optional<Instant> availableAt,
            Optional<Duration> latency,
            Optional<Duration> timeToFirstToken) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.state = Objects.requireNonNull(state, "state");
        this.consecutiveFailures = consecutiveFailures;
        this.recentCalls = recentCalls;
        this.recentFailures = recentFailures;
        this.availableAt = Objects.requireNonNull(availableAt, "availableAt");
        this.latency = Objects.requireNonNull(latency, "latency");
        this.timeToFirstToken = Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    }

    /** The deployment. */
    public Deployment deployment() {
        return deployment;
    }

    /** Its circuit breaker's state. */
    public BreakerState state() {
        return state;
    }

    /** Counted failures in a row. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** Calls in the breaker's sliding window. */
    public int recentCalls() {
        return recentCalls;
    }

    /** Counted failures among them. */
    public int recentFailures() {
        return recentFailures;
    }

    /** When an open circuit admits a probe, or a cool-down (Retry-After) ends; empty when available now. */
    public Optional<Instant> availableAt() {
        return availableAt;
    }

    /** The moving average of latency (blocking calls), if measured. */
    public Optional<Duration> latency() {
        return latency;
    }

    /** The moving average of time to first token (streams), if measured. */
    public Optional<Duration> timeToFirstToken() {
        return timeToFirstToken;
    }

    /** Equal when every value is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof DeploymentHealth h
                        && deployment.equals(h.deployment)
                        && state == h.state
                        && consecutiveFailures == h.consecutiveFailures
                        && recentCalls == h.recentCalls
                        && recentFailures == h.recentFailures
                        && availableAt.equals(h.availableAt)
                        && latency.equals(h.latency)
                        && timeToFirstToken.equals(h.timeToFirstToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                deployment,
                state,
                consecutiveFailures,
                recentCalls,
                recentFailures,
                availableAt,
                latency,
                timeToFirstToken);
    }

    @Override
    public String toString() {
        return "DeploymentHealth[deployment=" + deployment + ", state=" + state + ", consecutiveFailures="
                + consecutiveFailures
                + ", recentCalls=" + recentCalls + ", recentFailures=" + recentFailures + ", availableAt=" + availableAt
                + ", latency="
                + latency + ", timeToFirstToken=" + timeToFirstToken + "]";
    }
}
