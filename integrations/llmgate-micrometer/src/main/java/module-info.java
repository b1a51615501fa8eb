/**
 * Micrometer for an {@code LlmGate}: an observation per call and per attempt (timers, and spans where the
 * application has micrometer-tracing) and meters for tokens, cost, policy decisions, budget refusals, breaker states
 * and the audit queue. The {@code ...internal} package is not exported.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Micrometer jars: automatic module names
module dev.llmgate.micrometer {
    requires transitive dev.llmgate.core;
    requires transitive micrometer.observation;
    requires transitive micrometer.core;
    requires micrometer.commons;

    exports dev.llmgate.micrometer;
}
