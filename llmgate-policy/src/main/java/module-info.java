/**
 * Deterministic policy: detectors, rules, redaction and compliance presets, enforced by an
 * interceptor. The {@code ...internal} packages are not exported.
 */
module dev.llmgate.policy {
    requires transitive dev.llmgate.api;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;

    exports dev.llmgate.policy;
    exports dev.llmgate.policy.config;
    exports dev.llmgate.policy.detect;
    exports dev.llmgate.policy.preset;
    exports dev.llmgate.policy.redact;
}
