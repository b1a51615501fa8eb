package dev.llmgate.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.providers.gemini.GeminiProvider;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.providers.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Log-probabilities as each provider's wire carries them reach {@link ChatResponse#logprobs()} and, streamed,
 * {@link StreamEvent.LogprobsDelta}: OpenAI's documented and SDK-recorded payloads, a real llama-server capture and
 * Gemini's {@code logprobsResult}.
 */
class LogprobsWireTest {
    private MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void enqueue(String contentType, String body) {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", contentType)
                .body(body)
                .build());
    }

    private OpenAiProvider openai() {
        return OpenAiProvider.builder()
                .apiKey("sk-test-0123456789abcdef")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .build();
    }

    @Test
    void openAisDocumentedAnswerCarriesOneLogprobPerToken() {
        enqueue("application/json", Fixtures.read("openai/chat-completions.logprobs.response.json"));
        ChatResponse r = openai().chat(
                        ChatRequest.builder("gpt-4o-mini")
                                .user("Hello!")
                                .providerOption("logprobs", true)
                                .providerOption("top_logprobs", 2)
                                .build(),
                        Fixtures.blocking());
        List<TokenLogprob> tokens = r.logprobs();
        assertThat(tokens).isNotEmpty();
        assertThat(tokens.get(0)).isEqualTo(new TokenLogprob("Hello", -0.31725305));
        assertThat(String.join("", tokens.stream().map(TokenLogprob::token).toList()))
                .isEqualTo(r.text());
        assertThat(r.confidence()).hasValueSatisfying(c -> {
            assertThat(c.tokens()).isEqualTo(tokens.size());
            assertThat(c.min()).isCloseTo(Math.exp(-0.31725305), within(1e-9));
        });
        assertThat(r.toString()).doesNotContain("Hello");
    }

    @Test
    void aRealLlamaServerAnswerIsReadTheSameWay() {
        enqueue("application/json", Fixtures.read("llama-server/chat-logprobs.response.json"));
        OpenAiCompatibleProvider local = OpenAiCompatibleProvider.builder(
                        server.url("/v1").toString())
                .apiKey("sk-local-test")
                .name("local")
                .environment(Map.of())
                .build();
        ChatResponse r = local.chat(ChatRequest.of("tiny-test-llama", "hi"), Fixtures.blocking());
        assertThat(r.text()).isEqualTo("Hello from");
        assertThat(r.logprobs()).extracting(TokenLogprob::token).containsExactly("Hello", " from");
        assertThat(r.logprobs().get(0).logprob()).isEqualTo(-0.006800716742873192);
    }

    @Test
    void aStreamWithLogprobsLeavesTheOnePassReaderAndYieldsThemInOrder() {
        enqueue("text/event-stream", Fixtures.read("openai/chat-stream.content-logprobs.sse"));
        List<StreamEvent> events = new ArrayList<>();
        ChatResponse collected;
        try (ChatStream s = openai().stream(ChatRequest.of("gpt-4o", "Say foo"), Fixtures.streaming())) {
            dev.llmgate.api.StreamAccumulator acc = new dev.llmgate.api.StreamAccumulator();
            while (s.hasNext()) {
                StreamEvent e = s.next();
                events.add(e);
                acc.accept(e);
            }
            collected = acc.toResponse();
        }
        assertThat(collected.text()).isEqualTo("Foo!");
        assertThat(collected.logprobs())
                .containsExactly(new TokenLogprob("Foo", -0.0025094282), new TokenLogprob("!", -0.26638845));
        assertThat(events.stream().filter(e -> e instanceof StreamEvent.LogprobsDelta))
                .hasSize(2);
    }

    @Test
    void anOddLogprobEndsTheListAndARoundedPositiveOneReadsAsZero() {
        enqueue("application/json", """
                {"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,
                 "message":{"role":"assistant","content":"abc"},"finish_reason":"stop",
                 "logprobs":{"content":[{"token":"a","logprob":1e-9},{"token":"b","logprob":"NaN"},
                                        {"token":"c","logprob":-1.0}]}}]}
                """);
        ChatResponse r = openai().chat(ChatRequest.of("m", "x"), Fixtures.blocking());
        assertThat(r.logprobs()).containsExactly(new TokenLogprob("a", 0.0));
    }

    @Test
    void withoutLogprobsTheAnswerHasNoneAndNoConfidence() {
        enqueue("application/json", Fixtures.read("openai/chat-completions.default.response.json"));
        ChatResponse r = openai().chat(ChatRequest.of("gpt-4o", "x"), Fixtures.blocking());
        assertThat(r.logprobs()).isEmpty();
        assertThat(r.confidence()).isEmpty();
    }

    private GeminiProvider gemini() {
        return GeminiProvider.builder()
                .apiKey("gemini-test-key-0123456789")
                .baseUrl(server.url("/").toString())
                .environment(Map.of())
                .build();
    }

    @Test
    void geminisLogprobsResultIsReadBlockingAndStreamed() throws Exception {
        ObjectNode root = (ObjectNode)
                Fixtures.JSON.readTree(Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        ObjectNode candidate = (ObjectNode) root.get("candidates").get(0);
        ArrayNode chosen = candidate.putObject("logprobsResult").putArray("chosenCandidates");
        chosen.addObject().put("token", "Google").put("tokenId", 1).put("logProbability", -0.05);
        chosen.addObject().put("token", "'s").put("tokenId", 2).put("logProbability", -1.5);
        candidate.put("avgLogprobs", -0.775);
        enqueue("application/json", root.toString());
        ChatResponse r = gemini().chat(
                        ChatRequest.builder("gemini-2.0-flash")
                                .user("Where is Google?")
                                .providerOption("generationConfig", Map.of("responseLogprobs", true))
                                .build(),
                        Fixtures.blocking());
        assertThat(r.logprobs()).containsExactly(new TokenLogprob("Google", -0.05), new TokenLogprob("'s", -1.5));
        JsonNode sent = Fixtures.body(server.takeRequest());
        assertThat(sent.path("generationConfig").path("responseLogprobs").asBoolean())
                .isTrue();

        enqueue(
                "text/event-stream",
                "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The\"}],\"role\": \"model\"},"
                        + "\"logprobsResult\": {\"chosenCandidates\": [{\"token\": \"The\", \"logProbability\": -0.2}]}}],"
                        + "\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n"
                        + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" end\"}],\"role\": \"model\"},"
                        + "\"finishReason\": \"STOP\",\"logprobsResult\": {\"chosenCandidates\": "
                        + "[{\"token\": \" end\", \"logProbability\": -0.4}]}}],"
                        + "\"usageMetadata\": {\"promptTokenCount\": 3,\"candidatesTokenCount\": 2},"
                        + "\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n");
        ChatResponse streamed = gemini().stream(ChatRequest.of("gemini-2.0-flash", "x"), Fixtures.streaming())
                .collect();
        assertThat(streamed.text()).isEqualTo("The end");
        assertThat(streamed.logprobs()).containsExactly(new TokenLogprob("The", -0.2), new TokenLogprob(" end", -0.4));
    }
}
