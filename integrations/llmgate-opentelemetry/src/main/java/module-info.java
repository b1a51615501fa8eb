/**
 * OpenTelemetry for an {@code LlmGate}: a span per call, a child span per attempt, the GenAI client metrics and
 * llmgate's own (cost, cache hits, policy decisions, budget refusals, breaker states, audit queue depth), on the
 * OpenTelemetry API only. The {@code ...internal} package is not exported.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // OpenTelemetry jars: automatic module names
module dev.llmgate.opentelemetry {
    requires transitive dev.llmgate.core;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;

    exports dev.llmgate.opentelemetry;
}
