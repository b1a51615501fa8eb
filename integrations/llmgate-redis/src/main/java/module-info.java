/**
 * Redis for a fleet of gates: {@code RedisStateStore}, the {@code StateStore} that budgets, rate limits and circuit
 * breakers share across instances, on Lettuce.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Lettuce: an automatic module name
module dev.llmgate.redis {
    requires transitive dev.llmgate.core;
    requires lettuce.core;

    exports dev.llmgate.redis;
}
