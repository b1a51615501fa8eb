package dev.llmgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.core.LlmGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Calls the real OpenAI API; runs only when OPENAI_API_KEY is set. */
@EnabledIfEnvironmentVariable(named = "OPENAI_API_KEY", matches = ".+")
class OpenAiLiveTest {

    @Test
    void blockingAndStreamingAgainstTheRealApi() {
        try (LlmGate gate =
                LlmGate.builder().provider("openai", OpenAiProvider.fromEnv()).build()) {
            ChatRequest request = ChatRequest.builder("openai:gpt-4o-mini")
                    .user("Reply with the single word: pong")
                    .maxOutputTokens(10)
                    .temperature(0)
                    .build();
            ChatResponse blocking = gate.chat(request);
            assertThat(blocking.text().toLowerCase()).contains("pong");
            assertThat(blocking.usage().inputTokens()).isPositive();
            ChatResponse streamed = gate.stream(request).collect();
            assertThat(streamed.text().toLowerCase()).contains("pong");
            assertThat(streamed.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(streamed.usage().outputTokens()).isPositive();
        }
    }
}
