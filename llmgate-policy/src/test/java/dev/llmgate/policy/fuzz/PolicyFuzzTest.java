package dev.llmgate.policy.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.config.PolicyLoader;
import dev.llmgate.policy.preset.CompliancePreset;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of the policy config loader and of the detectors: a config file
 * either loads or fails with a {@link ConfigurationException}; any text is scanned and redacted
 * without an exception or a hang; a value a preset finds stays found however it is written
 * ({@link FoldingInvariant}: separators, invisible characters, digits of other scripts, JSON, HTML
 * and URL escapes). Seeds run under {@code mvn verify}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class PolicyFuzzTest {
    static final Policy ALL = Policy.builder()
            .preset(CompliancePreset.HIPAA)
            .preset(CompliancePreset.PCI_DSS)
            .preset(CompliancePreset.GDPR)
            .preset(CompliancePreset.SOC2)
            .build();

    @FuzzTest(maxDuration = "10s")
    void config(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (boolean yaml : new boolean[] {true, false}) {
            try {
                PolicyLoader.parse(text, yaml, "fuzz").build();
            } catch (ConfigurationException expected) {
                // the documented failure
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void foldedValuesStayFound(FuzzedDataProvider data) {
        FoldingInvariant.check(n -> data.consumeInt(0, n - 1));
    }

    @FuzzTest(maxDuration = "10s")
    void scan(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        ALL.evaluate(text, PolicyStage.INPUT);
        ALL.redact(text, PolicyStage.OUTPUT);
    }
}
