/**
 * Redis for a fleet of gates, on Lettuce: {@code RedisStateStore}, the {@code StateStore} that budgets, rate limits
 * and circuit breakers share across instances, and {@code RedisResponseStore}, the exact response cache they share.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Lettuce: an automatic module name
module dev.llmgate.redis {
    requires transitive dev.llmgate.core;
    requires lettuce.core;
    requires com.fasterxml.jackson.databind;

    exports dev.llmgate.redis;
}
