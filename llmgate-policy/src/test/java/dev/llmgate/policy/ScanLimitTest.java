package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.internal.Engine;
import dev.llmgate.policy.internal.ScanLimits;
import dev.llmgate.policy.preset.CompliancePreset;
import org.junit.jupiter.api.Test;

/**
 * A scan that counts more work than its bound (steps per character of the text, plus a constant)
 * stops and fails closed: the decision is BLOCK by rule {@code policy.scan-limit}, with no
 * findings (the scan did not finish, so none are claimed), and the interceptor refuses the call
 * with a {@link PolicyBlockedException} naming the rule before the provider sees the request.
 * The bound is lowered here through the engine's test hook; the built-in detectors never reach
 * the real one (LinearScanWorkTest measures their work).
 */
class ScanLimitTest {
    private static Policy allPresets() {
        return Policy.builder()
                .name("all")
                .preset(CompliancePreset.HIPAA)
                .preset(CompliancePreset.PCI_DSS)
                .preset(CompliancePreset.GDPR)
                .preset(CompliancePreset.SOC2)
                .build();
    }

    @Test
    void aScanPastItsBoundIsDecidedBlock() {
        Policy policy = allPresets();
        String text = "Please summarise the visit notes of last week for the team.";
        assertThat(policy.evaluate(text, PolicyStage.INPUT).verdict()).isEqualTo(Verdict.ALLOW);

        ScanLimits.lower(policy.engine(), 1, 0); // one step per character: less than any scan needs
        Decision d = policy.evaluate(text, PolicyStage.INPUT);
        assertThat(d.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(d.ruleIds()).containsExactly(Engine.SCAN_LIMIT_RULE).containsExactly("policy.scan-limit");
        assertThat(d.findings()).isEmpty();
        assertThat(policy.evaluate(text, PolicyStage.OUTPUT).verdict()).isEqualTo(Verdict.BLOCK);

        ScanLimits.restore(policy.engine());
        assertThat(policy.evaluate(text, PolicyStage.INPUT).verdict()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void theBoundGrowsWithTheText() {
        Policy policy = allPresets();
        assertThat(policy.engine().scanLimit(0)).isPositive();
        assertThat(policy.engine().scanLimit(1000) - policy.engine().scanLimit(0))
                .isEqualTo(
                        1000 * (policy.engine().scanLimit(1) - policy.engine().scanLimit(0)));
    }

    @Test
    void theInterceptorRefusesTheCallNamingTheRule() {
        Policy policy = allPresets();
        ScanLimits.lower(policy.engine(), 2, 0);
        dev.llmgate.testing.ScriptedProvider provider = dev.llmgate.testing.ScriptedProvider.echoing("you said: ");
        PolicyInterceptorTest.CaptureCall capture = new PolicyInterceptorTest.CaptureCall();
        try (LlmGate gate = PolicyInterceptorTest.gate(policy, provider, capture)) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "Please summarise the visit notes of last week.")))
                    .isInstanceOf(PolicyBlockedException.class)
                    .satisfies(e ->
                            assertThat(((PolicyBlockedException) e).ruleIds()).containsExactly("policy.scan-limit"))
                    .hasMessageContaining("policy.scan-limit")
                    .hasMessageNotContaining("visit notes");
            assertThat(provider.requests()).isEmpty();
            assertThat(capture.records()).singleElement().satisfies(r -> {
                assertThat(r.verdict()).isEqualTo("BLOCK");
                assertThat(r.ruleIds()).containsExactly("policy.scan-limit");
            });
        }
    }
}
