package dev.llmgate.spring.boot.internal;

import dev.llmgate.api.exception.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up failing on llmgate's configuration: every problem listed, and where the keys are documented. */
public final class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
        return new FailureAnalysis(
                "llmgate's configuration is not valid:\n  - " + String.join("\n  - ", cause.problems()),
                "Fix the llmgate.* properties (or the file llmgate.config-file names); every key is listed in"
                        + " docs/configuration.md.",
                cause);
    }
}
