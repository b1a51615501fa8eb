/**
 * One configuration file for a whole gate ({@link dev.llmgate.config.GateConfig}): providers, aliases, routes,
 * budgets, cache, policy and audit. The {@code ...internal} package is not exported.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // the providers module needs okio
module dev.llmgate.config {
    requires transitive dev.llmgate.core;
    requires transitive dev.llmgate.policy;
    requires transitive dev.llmgate.providers;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.dataformat.yaml;

    exports dev.llmgate.config;
}
