package dev.llmgate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.providers.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Against the real Gemini API; runs only when {@code GEMINI_API_KEY} is set. The model is
 * {@code GEMINI_TEST_MODEL}, default {@code gemini-2.5-flash}.
 */
@EnabledIfEnvironmentVariable(named = "GEMINI_API_KEY", matches = ".+")
class GeminiLiveTest {
    final GeminiProvider provider = GeminiProvider.fromEnv();
    final String model = System.getenv().getOrDefault("GEMINI_TEST_MODEL", "gemini-2.5-flash");

    @Test
    void blockingAndStreamedAnswers() {
        ChatResponse r = provider.chat(
                ChatRequest.builder(model)
                        .system("Answer with one word.")
                        .user("Capital of France?")
                        .build(),
                Fixtures.blocking());
        assertThat(r.text()).containsIgnoringCase("Paris");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().inputTokens()).isPositive();

        ChatResponse s = provider.stream(ChatRequest.of(model, "Count from 1 to 5, digits only."), Fixtures.streaming())
                .collect();
        assertThat(s.text()).contains("1").contains("5");
        assertThat(s.usage().outputTokens()).isPositive();
    }

    @Test
    void functionCallRoundTrip() {
        ChatRequest first = ChatRequest.builder(model)
                .user("What is the weather in Paris? Use the tool.")
                .addTool(
                        ToolDefinition.of(
                                "get_weather",
                                "Current weather for a city",
                                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"))
                .toolChoice(ToolChoice.required())
                .build();
        ChatResponse r = provider.chat(first, Fixtures.blocking());
        assertThat(r.toolCalls()).isNotEmpty();
        ToolCall call = r.toolCalls().get(0);
        assertThat(call.name()).isEqualTo("get_weather");
        ChatRequest.Builder next =
                first.toBuilder().toolChoice(ToolChoice.auto()).addMessage(r.message());
        for (ToolCall c : r.toolCalls()) {
            next.addMessage(Message.tool(c.id(), "{\"temperature_c\":21,\"sky\":\"clear\"}"));
        }
        ChatResponse answer =
                provider.stream(next.build(), Fixtures.streaming()).collect();
        assertThat(answer.text()).contains("21");
    }

    @Test
    void embeddings() {
        var r = provider.embed(
                EmbeddingRequest.of(
                        System.getenv().getOrDefault("GEMINI_TEST_EMBEDDING_MODEL", "gemini-embedding-001"),
                        "hello",
                        "world"),
                Fixtures.blocking());
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.vector(0).length).isPositive();
    }
}
