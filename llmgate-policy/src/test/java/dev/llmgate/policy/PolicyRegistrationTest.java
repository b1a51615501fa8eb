package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.testing.ScriptedProvider;
import org.junit.jupiter.api.Test;

/** The policy interceptor knows its stage: a gate places it at POLICY and refuses it anywhere else. */
class PolicyRegistrationTest {
    private final Policy policy = Policy.builder()
            .name("no-secrets")
            .detector(dev.llmgate.policy.detect.SecretDetector.all())
            .rule(Rule.of("no-secrets", Verdict.BLOCK, "SECRET_*"))
            .build();

    @Test
    void addInterceptorPlacesThePolicyAtItsStageAndItEnforces() {
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(policy.interceptor())
                .build()) {
            assertThat(gate.describeChain()).anySatisfy(line -> assertThat(line).startsWith("POLICY: "));
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "my key is AKIAIOSFODNN7EXAMPLE")))
                    .isInstanceOf(PolicyBlockedException.class);
            assertThat(provider.requests()).isEmpty();
        }
    }

    @Test
    void thePolicyAtAnotherStageFailsAtBuild() {
        for (Stage wrong : Stage.values()) {
            if (wrong != Stage.POLICY) {
                assertThatThrownBy(() -> LlmGate.builder()
                                .addInterceptor(wrong, policy.interceptor())
                                .build())
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("was added at stage " + wrong + ", but it belongs at stage POLICY");
            }
        }
        assertThatThrownBy(() -> LlmGate.builder()
                        .addAttemptInterceptor(PolicyInterceptor.of(() -> policy))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("was added as an attempt interceptor, but it belongs at stage POLICY");
    }

    @Test
    void theStageNameIsAStage() {
        assertThat(Stage.valueOf(policy.interceptor().stageName())).isEqualTo(Stage.POLICY);
    }
}
