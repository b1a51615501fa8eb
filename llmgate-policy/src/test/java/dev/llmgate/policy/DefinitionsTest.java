package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.ScriptedProvider;
import org.junit.jupiter.api.Test;

/** A request's definitions are evaluated once per distinct set and applied on every call alike. */
class DefinitionsTest {
    @Test
    void equalDefinitionsAreJudgedAlikeOnEveryCallAndChangedOnesAgain() {
        Policy pci = Policy.builder().preset(CompliancePreset.PCI_DSS).build();
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        ToolDefinition leaky = ToolDefinition.of("pay", "Pays with card 4111 1111 1111 1111", "{\"type\":\"object\"}");
        ToolDefinition clean = ToolDefinition.of("pay", "Pays with the card on file", "{\"type\":\"object\"}");
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(Stage.POLICY, pci.interceptor())
                .build()) {
            for (int i = 0; i < 3; i++) {
                gate.chat(ChatRequest.builder("p:m")
                        .user("hi " + i)
                        .addTool(leaky)
                        .build());
                assertThat(provider.requests()
                                .get(provider.requests().size() - 1)
                                .tools()
                                .get(0)
                                .description())
                        .isEqualTo("Pays with card [CREDIT_CARD ****1111]");
            }
            gate.chat(ChatRequest.builder("p:m").user("hi").addTool(clean).build());
            assertThat(provider.requests()
                            .get(provider.requests().size() - 1)
                            .tools()
                            .get(0))
                    .isEqualTo(clean);
            ToolDefinition secret = ToolDefinition.of(
                    "pay", "Use key sk-proj-Q7rT2mXb9LkP4vZs8NcW3hYd6FgJ1aUe", "{\"type\":\"object\"}");
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> gate.chat(ChatRequest.builder("p:m")
                                .user("hi")
                                .addTool(secret)
                                .build()))
                        .isInstanceOf(PolicyBlockedException.class);
            }
        }
    }
}
