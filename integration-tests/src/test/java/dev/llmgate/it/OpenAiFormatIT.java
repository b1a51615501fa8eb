package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openai.OpenAiProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The OpenAI provider and the OpenAI-compatible provider against a real llama-server. */
class OpenAiFormatIT {
    static final String WEATHER =
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},\"required\":[\"location\"]}";
    static LlmGate gate;

    @BeforeAll
    static void start() {
        gate = LlmGate.builder()
                .provider(
                        "openai",
                        OpenAiProvider.builder()
                                .name("openai")
                                .apiKey(LlamaServer.KEY)
                                .httpClient(LlamaServer.NO_REUSE)
                                .baseUrl(LlamaServer.URL + "/v1")
                                .environment(Map.of())
                                .build())
                .provider(
                        "compatible",
                        OpenAiCompatibleProvider.builder(LlamaServer.URL + "/v1")
                                .name("compatible")
                                .apiKey(LlamaServer.KEY)
                                .httpClient(LlamaServer.NO_REUSE)
                                .build())
                .provider(
                        "wrong-key",
                        OpenAiCompatibleProvider.builder(LlamaServer.URL + "/v1")
                                .name("wrong-key")
                                .apiKey("sk-not-the-key")
                                .httpClient(LlamaServer.NO_REUSE)
                                .build())
                .build();
    }

    @AfterAll
    static void stop() {
        gate.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "compatible"})
    void blockingChat(String provider) {
        ChatResponse r = gate.chat(ChatRequest.builder(provider + ":" + LlamaServer.MODEL)
                .temperature(0)
                .system("Be brief.")
                .user("Say hello")
                .maxOutputTokens(32)
                .build());
        assertThat(r.text()).isEqualTo(LlamaServer.REPLY);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().inputTokens()).isPositive();
        assertThat(r.usage().outputTokens()).isPositive();
        assertThat(r.provider()).isEqualTo(provider);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "compatible"})
    void streamingChatWithUsage(String provider) {
        List<String> deltas = new ArrayList<>();
        ChatResponse r = gate.stream(
                ChatRequest.builder(provider + ":" + LlamaServer.MODEL)
                        .temperature(0)
                        .user("Say hello")
                        .maxOutputTokens(32)
                        .build(),
                e -> {
                    if (e instanceof StreamEvent.TextDelta d) {
                        deltas.add(d.text());
                    }
                });
        assertThat(deltas.size()).isGreaterThan(1);
        assertThat(String.join("", deltas)).isEqualTo(LlamaServer.REPLY);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().outputTokens()).isPositive();
        assertThat(r.timings().timeToFirstToken()).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "compatible"})
    void requiredToolCallBlockingAndStreamed(String provider) throws Exception {
        ChatRequest request = ChatRequest.builder(provider + ":" + LlamaServer.MODEL)
                .temperature(0)
                .user("What is the weather in Paris?")
                .addTool(ToolDefinition.of("get_weather", "Current weather for a location", WEATHER))
                .toolChoice(ToolChoice.required())
                .maxOutputTokens(256)
                .build();
        for (ChatResponse r : List.of(gate.chat(request), gate.stream(request).collect())) {
            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(r.toolCalls()).hasSize(1);
            assertThat(r.toolCalls().get(0).name()).isEqualTo("get_weather");
            assertThat(new ObjectMapper()
                            .readTree(r.toolCalls().get(0).argumentsJson())
                            .has("location"))
                    .isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "compatible"})
    void jsonSchemaOutput(String provider) throws Exception {
        ChatResponse r = gate.chat(ChatRequest.builder(provider + ":" + LlamaServer.MODEL)
                .temperature(0)
                .user("Where is it?")
                .responseFormat(ResponseFormat.jsonSchema("place", WEATHER, true))
                .maxOutputTokens(256)
                .build());
        assertThat(new ObjectMapper().readTree(r.text()).isObject()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void aWrongKeyIsAnAuthenticationError() {
        assertThatThrownBy(() -> gate.chat(ChatRequest.of("wrong-key:" + LlamaServer.MODEL, "hi")))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageNotContaining("sk-not-the-key");
    }

    @org.junit.jupiter.api.Test
    void aPromptBeyondTheContextWindowIsAContextLengthError() {
        // ~3,000 tokens for the test model's one-token-per-character vocabulary: over the 2,048-token window, yet a
        // body
        // small enough to be written whole before the server answers 400 and closes (a 20 KB body can meet a broken
        // pipe).
        String big = "word ".repeat(600);
        assertThatThrownBy(() -> gate.chat(ChatRequest.of("compatible:" + LlamaServer.MODEL, big)))
                .isInstanceOf(ContextLengthExceededException.class);
        assertThatThrownBy(() -> gate.stream(ChatRequest.of("compatible:" + LlamaServer.MODEL, big))
                        .collect())
                .isInstanceOf(ContextLengthExceededException.class);
    }
}
