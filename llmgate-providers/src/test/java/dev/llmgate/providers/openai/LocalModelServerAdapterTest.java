package dev.llmgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.testing.LocalModelServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * llmgate-testing's simulated model through the real OpenAI-compatible adapter over loopback HTTP:
 * what the Quickstart and the examples rely on when no key is set.
 */
class LocalModelServerAdapterTest {
    final LocalModelServer server = LocalModelServer.start();
    final OpenAiCompatibleProvider provider =
            OpenAiCompatibleProvider.builder(server.baseUrl()).name("local").build();

    @AfterEach
    void stop() {
        provider.close();
        server.close();
    }

    @Test
    void aBlockingAnswerQuotesThePromptWithUsage() {
        ChatResponse r =
                provider.chat(ChatRequest.of(LocalModelServer.MODEL, "What is a gateway?"), Fixtures.blocking());
        assertThat(r.text()).startsWith("[simulated]").contains("You said: \"What is a gateway?\"");
        assertThat(r.model()).isEqualTo(LocalModelServer.MODEL);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().inputTokens()).isPositive();
        assertThat(r.usage().outputTokens()).isPositive();
    }

    @Test
    void aStreamArrivesWordByWordAndEqualsTheBlockingAnswer() {
        ChatRequest request = ChatRequest.of(LocalModelServer.MODEL, "stream it");
        List<StreamEvent> events = new ArrayList<>();
        try (ChatStream s = provider.stream(request, Fixtures.streaming())) {
            s.forEachRemaining(events::add);
        }
        assertThat(events).filteredOn(e -> e instanceof StreamEvent.TextDelta).hasSizeGreaterThan(3);
        assertThat(events.get(events.size() - 1)).isInstanceOf(StreamEvent.Finish.class);
        ChatResponse streamed = provider.stream(request, Fixtures.streaming()).collect();
        ChatResponse blocking = provider.chat(request, Fixtures.blocking());
        assertThat(streamed.text()).isEqualTo(blocking.text());
        assertThat(streamed.usage()).isEqualTo(blocking.usage());
    }

    @Test
    void aRequiredToolIsCalledBlockingAndStreamed() {
        ChatRequest request = ChatRequest.builder(LocalModelServer.MODEL)
                .user("weather in Paris?")
                .addTool(ToolDefinition.of("get_weather", "the weather", "{\"type\":\"object\"}"))
                .toolChoice(ToolChoice.required())
                .build();
        ChatResponse blocking = provider.chat(request, Fixtures.blocking());
        ChatResponse streamed = provider.stream(request, Fixtures.streaming()).collect();
        for (ChatResponse r : List.of(blocking, streamed)) {
            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(r.toolCalls()).singleElement().satisfies(c -> {
                assertThat(c.name()).isEqualTo("get_weather");
                assertThat(c.argumentsJson()).isEqualTo("{}");
            });
        }
    }

    @Test
    void aJsonFormatGetsJson() {
        ChatRequest request = ChatRequest.builder(LocalModelServer.MODEL)
                .user("json please")
                .responseFormat(ResponseFormat.jsonObject())
                .build();
        assertThat(provider.chat(request, Fixtures.blocking()).text())
                .isEqualTo("{\"answer\":\"simulated\",\"question_chars\":11}");
    }

    @Test
    void aPromptBeyondTheWindowIsAContextLengthErrorBlockingAndStreamed() {
        try (LocalModelServer small = LocalModelServer.start("", 10)) {
            OpenAiCompatibleProvider p = OpenAiCompatibleProvider.builder(small.baseUrl())
                    .name("small")
                    .build();
            ChatRequest request = ChatRequest.of(LocalModelServer.MODEL, "x".repeat(200));
            assertThatThrownBy(() -> p.chat(request, Fixtures.blocking()))
                    .isInstanceOf(ContextLengthExceededException.class);
            assertThatThrownBy(() -> p.stream(request, Fixtures.streaming()).collect())
                    .isInstanceOf(ContextLengthExceededException.class);
            p.close();
        }
    }

    @Test
    void aWrongKeyIsAnAuthenticationErrorThatDoesNotShowTheKey() {
        try (LocalModelServer keyed = LocalModelServer.start("sk-sim-right-key", 8192)) {
            OpenAiCompatibleProvider wrong = OpenAiCompatibleProvider.builder(keyed.baseUrl())
                    .name("k")
                    .apiKey("sk-sim-wrong-key")
                    .build();
            OpenAiCompatibleProvider right = OpenAiCompatibleProvider.builder(keyed.baseUrl())
                    .name("k")
                    .apiKey("sk-sim-right-key")
                    .build();
            ChatRequest request = ChatRequest.of(LocalModelServer.MODEL, "hi");
            assertThatThrownBy(() -> wrong.chat(request, Fixtures.blocking()))
                    .isInstanceOf(AuthenticationException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-sim"));
            assertThat(right.chat(request, Fixtures.blocking()).text()).startsWith("[simulated]");
            wrong.close();
            right.close();
        }
    }

    @Test
    void embeddingsAreDeterministic() {
        EmbeddingResponse r =
                provider.embed(EmbeddingRequest.of("embed", "same text", "same text", "other"), Fixtures.blocking());
        assertThat(r.size()).isEqualTo(3);
        assertThat(r.vector(0)).hasSize(64).isEqualTo(r.vector(1)).isNotEqualTo(r.vector(2));
    }
}
