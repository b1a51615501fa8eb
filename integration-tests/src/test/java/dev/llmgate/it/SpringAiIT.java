package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.springai.GateAdvisor;
import dev.llmgate.springai.GateChatModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.prompt.ChatOptions;

/** Spring AI's ChatClient on a gate-backed model, and the advisor around it, against the real llama-server. */
class SpringAiIT {

    @Test
    void aChatClientOnAGateBlockingStreamedAndAdvised() {
        try (LlmGate gate = LlmGate.builder()
                .provider(
                        "llama",
                        OpenAiCompatibleProvider.builder(LlamaServer.URL + "/v1")
                                .name("llama")
                                .apiKey(LlamaServer.KEY)
                                .httpClient(LlamaServer.NO_REUSE)
                                .build())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .build()) {
            GateChatModel model = GateChatModel.builder(gate)
                    .model("llama:" + LlamaServer.MODEL)
                    .build();
            ChatClient client = ChatClient.builder(model)
                    .defaultOptions(ChatOptions.builder().temperature(0.0))
                    .build();
            assertThat(client.prompt().user("Hello").call().content()).isEqualTo(LlamaServer.REPLY);
            List<String> parts = client.prompt().user("Hello").stream()
                    .content()
                    .collectList()
                    .block();
            assertThat(String.join("", parts)).isEqualTo(LlamaServer.REPLY);

            // the advisor's chain around a model (here the same gate-backed one, as any Spring AI model would be)
            try (LlmGate outer = LlmGate.builder()
                    .addInterceptor(Policy.builder()
                            .preset(CompliancePreset.HIPAA)
                            .build()
                            .interceptor())
                    .build()) {
                ChatClient advised = ChatClient.builder(model)
                        .defaultOptions(ChatOptions.builder().temperature(0.0))
                        .defaultAdvisors(GateAdvisor.builder(outer).build())
                        .build();
                assertThat(advised.prompt().user("Hello").call().content()).isEqualTo(LlamaServer.REPLY);
            }
        }
    }
}
