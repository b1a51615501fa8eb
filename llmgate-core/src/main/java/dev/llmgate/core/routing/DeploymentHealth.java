package dev.llmgate.core.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of what a router knows about one deployment, from {@link Router#health()}.
 *
 * @param deployment          the deployment
 * @param state               its circuit breaker's state
 * @param consecutiveFailures counted failures in a row
 * @param recentCalls         calls in the breaker's sliding window
 * @param recentFailures      counted failures among them
 * @param availableAt         when an open circuit admits a probe, or a cool-down (Retry-After) ends; empty when available now
 * @param latency             the moving average of latency (blocking calls), if measured
 * @param timeToFirstToken    the moving average of time to first token (streams), if measured
 */
public record DeploymentHealth(Deployment deployment, BreakerState state, int consecutiveFailures, int recentCalls, int recentFailures,
                               Optional<Instant> availableAt, Optional<Duration> latency, Optional<Duration> timeToFirstToken) {
    public DeploymentHealth {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(availableAt, "availableAt");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
    }
}
