package dev.llmgate.providers.openai;

import static dev.llmgate.providers.testing.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiProviderTest {
    static final String KEY = "sk-test-0123456789abcdefSECRET";
    MockWebServer server;
    OpenAiProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        provider = OpenAiProvider.builder()
                .apiKey(KEY)
                .baseUrl(server.url("/v1").toString())
                .organization("org-1")
                .project("proj-1")
                .environment(Map.of())
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void enqueueJson(int code, String body) {
        server.enqueue(new MockResponse.Builder()
                .code(code)
                .addHeader("Content-Type", "application/json")
                .addHeader("x-request-id", "req_123")
                .body(body)
                .build());
    }

    private void enqueueSse(String body) {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
    }

    @Test
    void blockingRequestIsWrittenFieldByFieldAndTheAnswerRead() throws Exception {
        enqueueJson(200, Fixtures.read("openai/chat-completions.default.response.json"));
        ChatRequest request = ChatRequest.builder("gpt-5.4")
                .addMessage(Message.developer("Be brief."))
                .user("Hello!")
                .temperature(0.5)
                .topP(0.9)
                .maxOutputTokens(100)
                .addStop("END")
                .seed(42)
                .addTool(new ToolDefinition(
                        "get_weather",
                        "Weather for a city",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}",
                        true))
                .toolChoice(ToolChoice.tool("get_weather"))
                .parallelToolCalls(false)
                .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\",\"properties\":{}}", true))
                .providerOption("reasoning_effort", "low")
                .tenant("acme")
                .build();

        ChatResponse r = provider.chat(request, Fixtures.blocking());

        RecordedRequest recorded = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(recorded.getMethod()).isEqualTo("POST");
        assertThat(recorded.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(recorded.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(recorded.getHeaders().get("OpenAI-Organization")).isEqualTo("org-1");
        assertThat(recorded.getHeaders().get("OpenAI-Project")).isEqualTo("proj-1");
        JsonNode b = body(recorded);
        assertThat(b.get("model").asText()).isEqualTo("gpt-5.4");
        assertThat(b.at("/messages/0/role").asText()).isEqualTo("developer");
        assertThat(b.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(b.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(b.at("/messages/1/content").asText()).isEqualTo("Hello!");
        assertThat(b.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(b.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(b.get("max_completion_tokens").asInt()).isEqualTo(100);
        assertThat(b.has("max_tokens")).isFalse();
        assertThat(b.at("/stop/0").asText()).isEqualTo("END");
        assertThat(b.get("seed").asLong()).isEqualTo(42);
        assertThat(b.at("/tools/0/type").asText()).isEqualTo("function");
        assertThat(b.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(b.at("/tools/0/function/description").asText()).isEqualTo("Weather for a city");
        assertThat(b.at("/tools/0/function/parameters/required/0").asText()).isEqualTo("city");
        assertThat(b.at("/tools/0/function/strict").asBoolean()).isTrue();
        assertThat(b.at("/tool_choice/type").asText()).isEqualTo("function");
        assertThat(b.at("/tool_choice/function/name").asText()).isEqualTo("get_weather");
        assertThat(b.get("parallel_tool_calls").asBoolean()).isFalse();
        assertThat(b.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(b.at("/response_format/json_schema/name").asText()).isEqualTo("answer");
        assertThat(b.at("/response_format/json_schema/schema/type").asText()).isEqualTo("object");
        assertThat(b.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(b.get("reasoning_effort").asText()).isEqualTo("low");
        assertThat(b.has("stream")).isFalse();
        assertThat(b.toString()).as("metadata is never sent").doesNotContain("acme");

        assertThat(r.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(r.model()).isEqualTo("gpt-5.4");
        assertThat(r.text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(new Usage(19, 10, 0, 0, 0));
        assertThat(r.refusal()).isEmpty();
    }

    @Test
    void conversationWithToolCallsImagesAndToolResultsIsWrittenAsOpenAiExpects() throws Exception {
        enqueueJson(
                200,
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},{\"id\":\"call_2\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                        + "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":64},\"completion_tokens_details\":{\"reasoning_tokens\":12}}}");
        ChatRequest request = ChatRequest.builder("gpt-4o")
                .addMessage(Message.user(
                        ContentPart.text("What is in this image?"),
                        new ContentPart.ImageUrl("https://example.com/a.png", ContentPart.ImageDetail.HIGH),
                        ContentPart.image(new byte[] {1, 2, 3}, "image/png")))
                .addMessage(Message.assistant("", List.of(new ToolCall("call_0", "lookup", "{\"q\":\"x\"}"))))
                .addMessage(Message.tool("call_0", "{\"result\":42}"))
                .addTool(ToolDefinition.of("get_weather", "", "{\"type\":\"object\"}"))
                .addTool(ToolDefinition.of("get_time", "", "{\"type\":\"object\"}"))
                .build();

        ChatResponse r = provider.chat(request, Fixtures.blocking());

        JsonNode b = body(server.takeRequest(5, TimeUnit.SECONDS));
        assertThat(b.at("/messages/0/content/0/type").asText()).isEqualTo("text");
        assertThat(b.at("/messages/0/content/1/type").asText()).isEqualTo("image_url");
        assertThat(b.at("/messages/0/content/1/image_url/url").asText()).isEqualTo("https://example.com/a.png");
        assertThat(b.at("/messages/0/content/1/image_url/detail").asText()).isEqualTo("high");
        assertThat(b.at("/messages/0/content/2/image_url/url").asText()).isEqualTo("data:image/png;base64,AQID");
        assertThat(b.at("/messages/1/role").asText()).isEqualTo("assistant");
        assertThat(b.at("/messages/1/content").isNull()).isTrue();
        assertThat(b.at("/messages/1/tool_calls/0/id").asText()).isEqualTo("call_0");
        assertThat(b.at("/messages/1/tool_calls/0/function/arguments").asText()).isEqualTo("{\"q\":\"x\"}");
        assertThat(b.at("/messages/2/role").asText()).isEqualTo("tool");
        assertThat(b.at("/messages/2/tool_call_id").asText()).isEqualTo("call_0");
        assertThat(b.at("/messages/2/content").asText()).isEqualTo("{\"result\":42}");
        assertThat(b.has("tool_choice")).isFalse();

        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.toolCalls())
                .containsExactly(
                        new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                        new ToolCall("call_2", "get_time", "{}"));
        assertThat(r.usage()).isEqualTo(new Usage(100, 20, 64, 12, 0));
    }

    @Test
    void streamsTheRecordedTextStreamWithUsage() throws Exception {
        enqueueSse(Fixtures.read("openai/chat-stream.text-basic.sse"));
        List<String> deltas = new ArrayList<>();
        ChatResponse r;
        try (ChatStream s = provider.stream(ChatRequest.of("gpt-4o", "Say hi"), Fixtures.streaming())) {
            dev.llmgate.api.StreamAccumulator acc = new dev.llmgate.api.StreamAccumulator();
            while (s.hasNext()) {
                StreamEvent e = s.next();
                if (e instanceof StreamEvent.TextDelta d) {
                    deltas.add(d.text());
                }
                acc.accept(e);
            }
            r = acc.toResponse();
        }
        JsonNode b = body(server.takeRequest(5, TimeUnit.SECONDS));
        assertThat(b.get("stream").asBoolean()).isTrue();
        assertThat(b.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(deltas.size()).isGreaterThan(3);
        assertThat(r.text()).isEqualTo(String.join("", deltas)).isNotBlank();
        assertThat(r.usage()).isEqualTo(new Usage(14, 30, 0, 0, 0));
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(r.id()).isEqualTo("chatcmpl-ABfw031mOJeYCSHe4yI2ZjOA6kMJL");
    }

    @Test
    void assemblesParallelToolCallsFromStreamedDeltasByIndex() {
        enqueueSse(Fixtures.read("openai/chat-stream.tool-calls-parallel.sse"));
        ChatResponse r = provider.stream(ChatRequest.of("gpt-4o", "weather and stock"), Fixtures.streaming())
                .collect();
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.toolCalls()).hasSize(2);
        assertThat(r.toolCalls().get(0).id()).isEqualTo("call_JMW1whyEaYG438VE1OIflxA2");
        assertThat(r.toolCalls().get(0).name()).isEqualTo("GetWeatherArgs");
        assertThat(r.toolCalls().get(0).argumentsJson())
                .isEqualTo("{\"city\": \"Edinburgh\", \"country\": \"GB\", \"units\": \"c\"}");
        assertThat(r.toolCalls().get(1).id()).isEqualTo("call_DNYTawLBoN8fj3KN6qU9N1Ou");
        assertThat(r.toolCalls().get(1).name()).isEqualTo("get_stock_price");
        assertThat(r.toolCalls().get(1).argumentsJson()).startsWith("{\"ti").endsWith("}");
    }

    @Test
    void streamedRefusalsAndLengthAndContentFilterFinishesAreReported() {
        enqueueSse(Fixtures.read("openai/chat-stream.refusal.sse"));
        ChatResponse refused = provider.stream(ChatRequest.of("gpt-4o", "x"), Fixtures.streaming())
                .collect();
        assertThat(refused.refusal()).hasValueSatisfying(t -> assertThat(t).startsWith("I'm sorry"));
        assertThat(refused.text()).isEmpty();

        enqueueSse(Fixtures.read("openai/chat-stream.finish-length-max-tokens.sse"));
        assertThat(provider.stream(ChatRequest.of("gpt-4o", "x"), Fixtures.streaming())
                        .collect()
                        .finishReason())
                .isEqualTo(FinishReason.LENGTH);

        enqueueSse(Fixtures.read("openai/200-stream-finish-reason-content-filter.openai-python-test.sse"));
        assertThat(provider.stream(ChatRequest.of("gpt-4o", "x"), Fixtures.streaming())
                        .collect()
                        .finishReason())
                .isEqualTo(FinishReason.CONTENT_FILTER);

        enqueueJson(200, Fixtures.read("openai/200-finish-reason-content-filter.openai-python-test.json"));
        assertThat(provider.chat(ChatRequest.of("gpt-4o", "x"), Fixtures.blocking())
                        .finishReason())
                .isEqualTo(FinishReason.CONTENT_FILTER);
    }

    @Test
    void embeddingsAreReadInInputOrder() throws Exception {
        enqueueJson(
                200,
                "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,0.25]},"
                        + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[1.0,-1.0]}],\"model\":\"text-embedding-3-small\","
                        + "\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}");
        EmbeddingResponse r = provider.embed(
                new EmbeddingRequest(
                        "text-embedding-3-small",
                        List.of("a", "b"),
                        java.util.OptionalInt.of(2),
                        dev.llmgate.api.Metadata.EMPTY),
                Fixtures.blocking());
        RecordedRequest recorded = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(recorded.getUrl().encodedPath()).isEqualTo("/v1/embeddings");
        JsonNode b = body(recorded);
        assertThat(b.get("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(b.at("/input/1").asText()).isEqualTo("b");
        assertThat(b.get("dimensions").asInt()).isEqualTo(2);
        assertThat(r.vector(0)).containsExactly(1.0f, -1.0f);
        assertThat(r.vector(1)).containsExactly(0.5f, 0.25f);
        assertThat(r.usage().inputTokens()).isEqualTo(8);
    }

    @Test
    void worksThroughTheGateEndToEnd() {
        enqueueJson(200, Fixtures.read("openai/chat-completions.default.response.json"));
        try (LlmGate gate = LlmGate.builder()
                .provider("openai", provider)
                .alias("smart", "openai:gpt-5.4")
                .build()) {
            ChatResponse r = gate.chat(ChatRequest.of("smart", "Hello!"));
            assertThat(r.provider()).isEqualTo("openai");
            assertThat(r.text()).isEqualTo("Hello! How can I assist you today?");
        }
    }

    @Test
    void missingKeyFailsAtBuildNamingTheVariable() {
        assertThatThrownBy(() -> OpenAiProvider.builder().environment(Map.of()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("call .apiKey(...) or set OPENAI_API_KEY");
        assertThatThrownBy(() -> OpenAiProvider.builder()
                        .apiKey("k")
                        .baseUrl("not a url")
                        .environment(Map.of())
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("base URL (9 characters, not shown) is not an http(s) URL")
                .hasMessageNotContaining("not a url");
        assertThatThrownBy(() -> OpenAiProvider.builder()
                        .apiKey("k")
                        .baseUrl("htp://x/v1?api_key=sk-proj-LEAKCHECK1234567890")
                        .environment(Map.of())
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageNotContaining("LEAKCHECK");
        OpenAiProvider fromEnv = OpenAiProvider.builder()
                .environment(Map.of("OPENAI_API_KEY", KEY))
                .build();
        assertThat(fromEnv.toString()).doesNotContain(KEY).contains("api.openai.com");
    }
}
