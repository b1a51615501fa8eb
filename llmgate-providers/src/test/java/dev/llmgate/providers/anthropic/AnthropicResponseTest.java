package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.call;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.fixture;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.json;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.provider;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.ProviderException;
import java.util.Optional;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a blocking Messages API answer becomes a {@link ChatResponse}. */
class AnthropicResponseTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();

    private ChatResponse answer(String body) {
        server.enqueue(json(200, body));
        return provider(server).chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call());
    }

    private static String message(String content, String stopReason, String usage) {
        return "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-haiku-4-5-20251001\",\"content\":"
                + content + ",\"stop_reason\":" + stopReason + ",\"stop_sequence\":null,\"usage\":" + usage + "}";
    }

    @Test
    void capturedTextAnswer() {
        ChatResponse r = answer(fixture("llama-server.anthropic-messages.response.json"));

        assertThat(r.id()).isEqualTo("chatcmpl-1EwRrpY2CbGZUiRL6l5pTSLJg2R5ghEc");
        assertThat(r.provider()).isEqualTo("anthropic");
        assertThat(r.model()).isEqualTo("tiny-test-llama");
        assertThat(r.text()).isEqualTo("Hello from a tiny test model.");
        assertThat(r.toolCalls()).isEmpty();
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.refusal()).isEmpty();
        // input_tokens 1 + cache_read_input_tokens 50
        assertThat(r.usage()).isEqualTo(new Usage(51, 8, 50, 0, 0));
    }

    @Test
    void capturedToolUseAnswer() {
        ChatResponse r = answer(fixture("llama-server.anthropic-tools.response.json"));

        assertThat(r.text()).isEqualTo("Hello from a tiny test model.");
        assertThat(r.toolCalls()).hasSize(1);
        ToolCall c = r.toolCalls().get(0);
        assertThat(c.id()).isEqualTo("F3rt2BCngjK7kYV4t714r0GFP0xtTg5y");
        assertThat(c.name()).isEqualTo("get_weather");
        assertThat(tree(c.argumentsJson())).isEqualTo(tree("{\"location\":\"Paris\"}"));
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.usage()).isEqualTo(new Usage(209 + 423, 66, 423, 0, 0));
    }

    @Test
    void textBlocksAreConcatenatedAndSeveralToolUsesKeptInOrder() {
        ChatResponse r = answer(message(
                "[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"sig\"},"
                        + "{\"type\":\"text\",\"text\":\"Checking \"},{\"type\":\"text\",\"text\":\"both.\"},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"get_time\",\"input\":{}}]",
                "\"tool_use\"",
                "{\"input_tokens\":5,\"output_tokens\":7}"));

        assertThat(r.text()).isEqualTo("Checking both.");
        assertThat(r.toolCalls()).extracting(ToolCall::id).containsExactly("toolu_a", "toolu_b");
        assertThat(r.toolCalls().get(1).argumentsJson()).isEqualTo("{}");
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    }

    @Test
    void usageAddsCacheReadsAndWritesToInputTokens() {
        ChatResponse r = answer(message(
                "[{\"type\":\"text\",\"text\":\"ok\"}]",
                "\"end_turn\"",
                "{\"input_tokens\":10,\"cache_creation_input_tokens\":1500,\"cache_read_input_tokens\":2000,\"output_tokens\":25,"
                        + "\"service_tier\":\"standard\"}"));

        Usage u = r.usage();
        assertThat(u.inputTokens()).isEqualTo(3510);
        assertThat(u.cachedInputTokens()).isEqualTo(2000);
        assertThat(u.cacheWriteTokens()).isEqualTo(1500);
        assertThat(u.outputTokens()).isEqualTo(25);
        assertThat(u.reasoningTokens()).isZero();
        assertThat(u.inputTokens() - u.cachedInputTokens() - u.cacheWriteTokens())
                .as("billed at the plain input price")
                .isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource({
        "\"end_turn\", STOP",
        "\"stop_sequence\", STOP",
        "\"pause_turn\", STOP",
        "\"max_tokens\", LENGTH",
        "\"model_context_window_exceeded\", LENGTH",
        "\"tool_use\", TOOL_CALLS",
        "\"refusal\", CONTENT_FILTER",
        "null, STOP",
        "\"some_future_reason\", STOP",
    })
    void stopReasons(String stopReason, FinishReason expected) {
        ChatResponse r = answer(message(
                "[{\"type\":\"text\",\"text\":\"x\"}]", stopReason, "{\"input_tokens\":1,\"output_tokens\":1}"));

        assertThat(r.finishReason()).isEqualTo(expected);
    }

    @Test
    void aRefusalCarriesItsExplanation() {
        ChatResponse r = answer(
                "{\"id\":\"msg_r\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-opus-4-7\",\"content\":[],"
                        + "\"stop_reason\":\"refusal\",\"stop_details\":{\"type\":\"refusal\",\"category\":\"cyber\","
                        + "\"explanation\":\"This request was refused due to policy.\"},\"usage\":{\"input_tokens\":20,\"output_tokens\":0}}");

        assertThat(r.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(r.refusal()).isEqualTo(Optional.of("This request was refused due to policy."));
        assertThat(r.text()).isEmpty();
    }

    @Test
    void aProviderNameFromTheBuilderIsReported() {
        server.enqueue(json(200, fixture("llama-server.anthropic-messages.response.json")));
        ChatResponse r =
                AnthropicTestSupport.builder(server).name("claude-eu").build().chat(ChatRequest.of("m", "Hi"), call());

        assertThat(r.provider()).isEqualTo("claude-eu");
    }

    @Test
    void anErrorInsideA200BodyIsAnError() {
        server.enqueue(json(200, fixture("529-overloaded-with-request-id.claude-code-issue35792.json")));

        assertThatThrownBy(() -> provider(server).chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call()))
                .isInstanceOf(OverloadedException.class)
                .hasMessageContaining("Overloaded");
    }

    @Test
    void aBodyWithoutContentIsAProviderError() {
        server.enqueue(json(200, "{\"id\":\"msg_x\",\"type\":\"message\"}"));

        assertThatThrownBy(() -> provider(server).chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call()))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("no content");
    }
}
