package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.anthropic.AnthropicProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Anthropic provider against llama-server's Anthropic-style /v1/messages. */
class AnthropicFormatIT {
    static LlmGate gate;

    @BeforeAll
    static void start() {
        gate = LlmGate.builder()
                .provider(
                        "anthropic",
                        AnthropicProvider.builder()
                                .name("anthropic")
                                .apiKey(LlamaServer.KEY)
                                .httpClient(LlamaServer.NO_REUSE)
                                .baseUrl(LlamaServer.URL)
                                .environment(Map.of())
                                .build())
                .build();
    }

    @AfterAll
    static void stop() {
        gate.close();
    }

    @Test
    void blockingMessages() {
        ChatResponse r = gate.chat(ChatRequest.builder("anthropic:" + LlamaServer.MODEL)
                .temperature(0)
                .system("Be brief.")
                .user("Say hello")
                .maxOutputTokens(32)
                .build());
        assertThat(r.text()).isEqualTo(LlamaServer.REPLY);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().outputTokens()).isPositive();
    }

    @Test
    void streamedMessages() {
        List<String> deltas = new ArrayList<>();
        ChatResponse r = gate.stream(
                ChatRequest.builder("anthropic:" + LlamaServer.MODEL)
                        .temperature(0)
                        .user("Say hello")
                        .maxOutputTokens(32)
                        .build(),
                e -> {
                    if (e instanceof StreamEvent.TextDelta d) {
                        deltas.add(d.text());
                    }
                });
        assertThat(String.join("", deltas)).isEqualTo(LlamaServer.REPLY);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void toolUse() {
        ChatResponse r = gate.chat(ChatRequest.builder("anthropic:" + LlamaServer.MODEL)
                .temperature(0)
                .user("Weather in Paris?")
                .addTool(ToolDefinition.of("get_weather", "Current weather", OpenAiFormatIT.WEATHER))
                .toolChoice(ToolChoice.required())
                .maxOutputTokens(256)
                .build());
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.toolCalls()).extracting(c -> c.name()).containsExactly("get_weather");
    }
}
