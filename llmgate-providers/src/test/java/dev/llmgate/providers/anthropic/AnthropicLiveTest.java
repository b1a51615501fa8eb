package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.call;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.streamingCall;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.ResponseFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Calls the real Messages API with {@code claude-haiku-4-5} and tiny prompts. Runs only when
 * {@code ANTHROPIC_API_KEY} is set (and honours {@code ANTHROPIC_BASE_URL}); costs a few hundred tokens.
 */
@EnabledIfEnvironmentVariable(named = "ANTHROPIC_API_KEY", matches = ".+")
class AnthropicLiveTest {
    private static final String MODEL = "claude-haiku-4-5";

    private static ChatRequest tiny() {
        return ChatRequest.builder(MODEL)
                .maxOutputTokens(20)
                .user("Reply with the single word: pong")
                .build();
    }

    @Test
    void blocking() {
        ChatResponse r = AnthropicProvider.fromEnv().chat(tiny(), call());

        assertThat(r.text().toLowerCase()).contains("pong");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.id()).startsWith("msg_");
        assertThat(r.model()).startsWith("claude-haiku-4-5");
        assertThat(r.usage().inputTokens()).isPositive();
        assertThat(r.usage().outputTokens()).isPositive();
    }

    @Test
    void streaming() {
        ChatResponse r =
                AnthropicProvider.fromEnv().stream(tiny(), streamingCall()).collect();

        assertThat(r.text().toLowerCase()).contains("pong");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().inputTokens()).isPositive();
        assertThat(r.usage().outputTokens()).isPositive();
    }

    @Test
    void jsonSchemaThroughOutputConfig() {
        ChatRequest request = ChatRequest.builder(MODEL)
                .maxOutputTokens(100)
                .responseFormat(ResponseFormat.jsonSchema(
                        "answer",
                        "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"}},"
                                + "\"required\":[\"word\"],\"additionalProperties\":false}",
                        true))
                .user("Give the word pong as JSON.")
                .build();

        ChatResponse r = AnthropicProvider.fromEnv().chat(request, call());

        assertThat(tree(r.text()).path("word").asText().toLowerCase()).contains("pong");
    }
}
