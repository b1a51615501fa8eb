/**
 * Deterministic policy for llmgate: detectors, rules, redaction and compliance presets, each an
 * {@link dev.llmgate.api.spi.Interceptor}. The engine itself is not written yet; this package
 * reserves the module's place in the build.
 */
package dev.llmgate.policy;
