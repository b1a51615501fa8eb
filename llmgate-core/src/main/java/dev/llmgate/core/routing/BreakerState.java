package dev.llmgate.core.routing;

/** The state of a deployment's circuit breaker; see {@link CircuitBreakerPolicy}. */
public enum BreakerState {
    /** Calls flow; failures are counted. */
    CLOSED,
    /** Calls are not sent until the open duration has passed. */
    OPEN,
    /** One probe call is allowed; its outcome closes or re-opens the circuit. */
    HALF_OPEN
}
