package dev.llmgate.core.events;

import dev.llmgate.core.routing.BreakerState;
import java.time.Instant;
import java.util.Objects;

/**
 * A deployment's circuit breaker changed state, as this process changed it ({@link CallListener#onBreakerTransition}):
 * opened after failures, half-opened for a probe, closed again. With a shared {@code StateStore} each transition is
 * reported by the instance that made it.
 *
 * @param deployment the deployment's {@code "provider:model"} address
 * @param from       the state before
 * @param to         the state after (never equal to {@code from})
 * @param at         when, by the router's call clock
 */
public record BreakerTransition(String deployment, BreakerState from, BreakerState to, Instant at) {
    public BreakerTransition {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        if (from == to) {
            throw new IllegalArgumentException("a transition changes the state, got " + from + " to " + to);
        }
    }
}
