package dev.llmgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.core.LlmGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Calls a real Azure OpenAI deployment; runs only when AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and
 * AZURE_OPENAI_DEPLOYMENT (the deployment name to call) are set.
 */
@EnabledIfEnvironmentVariable(named = "AZURE_OPENAI_API_KEY", matches = ".+")
@EnabledIfEnvironmentVariable(named = "AZURE_OPENAI_ENDPOINT", matches = ".+")
@EnabledIfEnvironmentVariable(named = "AZURE_OPENAI_DEPLOYMENT", matches = ".+")
class AzureOpenAiLiveTest {

    @Test
    void blockingAndStreamingAgainstARealDeployment() {
        String deployment = System.getenv("AZURE_OPENAI_DEPLOYMENT");
        try (LlmGate gate = LlmGate.builder()
                .provider("azure", AzureOpenAiProvider.fromEnv())
                .build()) {
            ChatRequest request = ChatRequest.builder("azure:" + deployment)
                    .user("Reply with the single word: pong")
                    .maxOutputTokens(10)
                    .build();
            ChatResponse blocking = gate.chat(request);
            assertThat(blocking.text().toLowerCase()).contains("pong");
            ChatResponse streamed = gate.stream(request).collect();
            assertThat(streamed.text().toLowerCase()).contains("pong");
            assertThat(streamed.usage().inputTokens()).isPositive();
        }
    }
}
