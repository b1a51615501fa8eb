package dev.llmgate.core.routing;

/** How a route orders its deployments for a call; the order is also the fallback order. */
public enum Strategy {
    /** In the order the deployments were added: the first is primary, the rest are fallbacks. */
    PRIORITY,
    /** Weighted random without replacement: the first pick is random by weight, fallbacks by weight among the rest. */
    WEIGHTED,
    /**
     * Lowest exponentially weighted moving average of recent latency (blocking calls) or time to first
     * token (streams) first; deployments not yet measured go first so that they get measured.
     */
    LEAST_LATENCY,
    /** Lowest estimated cost of this request (catalog prices, estimated input, requested or assumed output) first; unpriced last. */
    LOWEST_COST
}
