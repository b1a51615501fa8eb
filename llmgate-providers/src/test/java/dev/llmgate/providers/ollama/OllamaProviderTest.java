package dev.llmgate.providers.ollama;

import static dev.llmgate.providers.testing.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.testing.Fixtures;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OllamaProviderTest {
    static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"},"
            + "\"format\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"location\",\"format\"]}";

    MockWebServer server;
    OllamaProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        provider = OllamaProvider.builder()
                .baseUrl(server.url("/").toString())
                .environment(Map.of())
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void enqueueJson(int code, String body) {
        server.enqueue(new MockResponse.Builder()
                .code(code)
                .addHeader("Content-Type", "application/json; charset=utf-8")
                .body(body)
                .build());
    }

    void enqueueNdjson(String body) {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/x-ndjson")
                .body(body)
                .build());
    }

    static List<StreamEvent> drain(ChatStream stream) {
        List<StreamEvent> events = new ArrayList<>();
        try (stream) {
            while (stream.hasNext()) {
                events.add(stream.next());
            }
        }
        return events;
    }

    @Test
    void blockingRequestIsWrittenFieldByFieldAndTheAnswerRead() throws Exception {
        enqueueJson(200, Fixtures.read("ollama/api-chat.nonstream.response.json"));
        ChatRequest request = ChatRequest.builder("llama3.2")
                .system("Be brief.")
                .addMessage(Message.developer("Answer in English."))
                .user("why is the sky blue?")
                .temperature(0.2)
                .topP(0.9)
                .maxOutputTokens(128)
                .addStop("END")
                .seed(42)
                .responseFormat(ResponseFormat.jsonSchema(
                        "answer", "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"}}}", true))
                .providerOption("keep_alive", "10m")
                .providerOption("think", false)
                .providerOption("options", Map.of("num_ctx", 8192))
                .tenant("acme")
                .build();

        ChatResponse r = provider.chat(request, Fixtures.blocking());

        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/api/chat");
        assertThat(sent.getHeaders().get("Authorization")).isNull();
        JsonNode b = body(sent);
        assertThat(b.path("model").asText()).isEqualTo("llama3.2");
        assertThat(b.path("stream").asBoolean(true)).isFalse();
        JsonNode messages = b.get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(2).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(2).path("content").asText()).isEqualTo("why is the sky blue?");
        assertThat(messages.get(2).has("images")).isFalse();
        JsonNode options = b.get("options");
        assertThat(options.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(options.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(options.path("num_predict").asInt()).isEqualTo(128);
        assertThat(options.path("stop").get(0).asText()).isEqualTo("END");
        assertThat(options.path("seed").asLong()).isEqualTo(42);
        assertThat(options.path("num_ctx").asInt()).isEqualTo(8192);
        assertThat(b.get("format"))
                .isEqualTo(Fixtures.JSON.readTree(
                        "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"}}}"));
        assertThat(b.path("keep_alive").asText()).isEqualTo("10m");
        assertThat(b.path("think").asBoolean(true)).isFalse();
        assertThat(b.has("tools")).isFalse();
        assertThat(b.toString()).doesNotContain("acme");

        assertThat(r.text()).isEqualTo("Hello! How are you today?");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.model()).isEqualTo("llama3.2");
        assertThat(r.provider()).isEqualTo("ollama");
        assertThat(r.usage()).isEqualTo(Usage.of(26, 298));
    }

    @Test
    void jsonModeIsFormatJsonAndStructuredAnswersAreRead() throws Exception {
        enqueueJson(200, Fixtures.read("ollama/api-chat.structured.response.json"));
        ChatResponse r = provider.chat(
                ChatRequest.builder("llama3.1")
                        .user("Age and availability as JSON.")
                        .responseFormat(ResponseFormat.jsonObject())
                        .build(),
                Fixtures.blocking());
        JsonNode b = body(server.takeRequest());
        assertThat(b.path("format").asText()).isEqualTo("json");
        assertThat(b.has("options")).isFalse();
        assertThat(Fixtures.JSON.readTree(r.text()).path("age").asInt()).isEqualTo(22);
        assertThat(r.usage()).isEqualTo(Usage.of(34, 12));
    }

    @Test
    void toolCallsAreReadAndRoundTripWithToolNameAndId() throws Exception {
        enqueueJson(200, Fixtures.read("ollama/api-chat.tools.response.json"));
        ChatRequest first = ChatRequest.builder("llama3.2")
                .user("What is the weather today in Paris?")
                .addTool(ToolDefinition.of(
                        "get_current_weather", "Get the current weather for a location", WEATHER_SCHEMA))
                .build();
        ChatResponse r = provider.chat(first, Fixtures.blocking());
        JsonNode tools = body(server.takeRequest()).get("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.get(0).path("type").asText()).isEqualTo("function");
        assertThat(tools.get(0).path("function").path("name").asText()).isEqualTo("get_current_weather");
        assertThat(tools.get(0).path("function").path("description").asText())
                .isEqualTo("Get the current weather for a location");
        assertThat(tools.get(0).path("function").get("parameters")).isEqualTo(Fixtures.JSON.readTree(WEATHER_SCHEMA));

        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.text()).isEmpty();
        assertThat(r.toolCalls()).hasSize(1);
        ToolCall call = r.toolCalls().get(0);
        assertThat(call.id()).isEqualTo("call_0");
        assertThat(call.name()).isEqualTo("get_current_weather");
        assertThat(Fixtures.JSON.readTree(call.argumentsJson()))
                .isEqualTo(Fixtures.JSON.readTree("{\"format\":\"celsius\",\"location\":\"Paris, FR\"}"));
        assertThat(r.usage()).isEqualTo(Usage.of(122, 33));

        enqueueJson(200, Fixtures.read("ollama/api-chat.nonstream.response.json"));
        provider.chat(
                first.toBuilder()
                        .addMessage(r.message())
                        .addMessage(Message.tool(call.id(), "22 C, sunny"))
                        .build(),
                Fixtures.blocking());
        JsonNode messages = body(server.takeRequest()).get("messages");
        assertThat(messages).hasSize(3);
        JsonNode assistant = messages.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("content").asText()).isEmpty();
        JsonNode sentCall = assistant.path("tool_calls").get(0);
        assertThat(sentCall.path("id").asText()).isEqualTo("call_0");
        assertThat(sentCall.path("function").path("name").asText()).isEqualTo("get_current_weather");
        assertThat(sentCall.path("function").get("arguments"))
                .isEqualTo(Fixtures.JSON.readTree("{\"format\":\"celsius\",\"location\":\"Paris, FR\"}"));
        JsonNode result = messages.get(2);
        assertThat(result.path("role").asText()).isEqualTo("tool");
        assertThat(result.path("content").asText()).isEqualTo("22 C, sunny");
        assertThat(result.path("tool_name").asText()).isEqualTo("get_current_weather");
        assertThat(result.path("tool_call_id").asText()).isEqualTo("call_0");
    }

    @Test
    void ollamasOwnToolCallIdsAreKept() {
        enqueueJson(
                200,
                "{\"model\":\"qwen3\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
                        + "{\"id\":\"call_abc\",\"function\":{\"index\":0,\"name\":\"a\",\"arguments\":{}}},"
                        + "{\"function\":{\"index\":1,\"name\":\"b\",\"arguments\":{\"x\":1}}}]},\"done\":true,\"done_reason\":\"stop\"}");
        ChatResponse r = provider.chat(ChatRequest.of("qwen3", "Call both."), Fixtures.blocking());
        assertThat(r.toolCalls())
                .containsExactly(new ToolCall("call_abc", "a", "{}"), new ToolCall("call_1", "b", "{\"x\":1}"));
    }

    @Test
    void toolChoiceIsApproximatedAsDocumented() throws Exception {
        ChatRequest.Builder base = ChatRequest.builder("llama3.2")
                .user("Hi")
                .addTool(ToolDefinition.of("a", "", "{\"type\":\"object\",\"properties\":{}}"))
                .addTool(ToolDefinition.of("b", "", "{\"type\":\"object\",\"properties\":{}}"));
        enqueueJson(200, Fixtures.read("ollama/api-chat.nonstream.response.json"));
        provider.chat(base.toolChoice(ToolChoice.none()).build(), Fixtures.blocking());
        assertThat(body(server.takeRequest()).has("tools")).isFalse();

        enqueueJson(200, Fixtures.read("ollama/api-chat.nonstream.response.json"));
        provider.chat(base.toolChoice(ToolChoice.tool("b")).build(), Fixtures.blocking());
        JsonNode tools = body(server.takeRequest()).get("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.get(0).path("function").path("name").asText()).isEqualTo("b");

        enqueueJson(200, Fixtures.read("ollama/api-chat.nonstream.response.json"));
        provider.chat(base.toolChoice(ToolChoice.required()).build(), Fixtures.blocking());
        JsonNode b = body(server.takeRequest());
        assertThat(b.get("tools")).hasSize(2);
        assertThat(b.has("tool_choice")).isFalse();
    }

    @Test
    void imagesAreSentInlineAndUrlsRefused() throws Exception {
        enqueueJson(200, Fixtures.read("ollama/api-chat.nonstream.response.json"));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 9, 8, 7};
        String b64 = Base64.getEncoder().encodeToString(png);
        provider.chat(
                ChatRequest.builder("llava")
                        .addMessage(Message.user(
                                ContentPart.text("What is "),
                                ContentPart.image(png, "image/png"),
                                ContentPart.text("this?"),
                                ContentPart.imageUrl("data:image/png;base64,"
                                        + Base64.getUrlEncoder()
                                                .withoutPadding()
                                                .encodeToString(png))))
                        .build(),
                Fixtures.blocking());
        JsonNode user = body(server.takeRequest()).path("messages").get(0);
        assertThat(user.path("content").asText()).isEqualTo("What is this?");
        assertThat(user.get("images")).hasSize(2);
        assertThat(user.path("images").get(0).asText()).isEqualTo(b64);
        assertThat(user.path("images").get(1).asText()).isEqualTo(b64);

        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("llava")
                                .addMessage(Message.user(
                                        ContentPart.text("What?"), ContentPart.imageUrl("https://example.com/cat.png")))
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("Ollama needs images inline")
                .hasMessageNotContaining("example.com");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aStreamedAnswerEndsOnTheDoneLineWithUsage() throws Exception {
        enqueueNdjson(Fixtures.read("ollama/api-chat.stream.response.ndjson"));
        List<StreamEvent> events =
                drain(provider.stream(ChatRequest.of("llama3.2", "why is the sky blue?"), Fixtures.streaming()));
        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/api/chat");
        assertThat(body(sent).path("stream").asBoolean(false)).isTrue();
        assertThat(events)
                .containsExactly(
                        new StreamEvent.TextDelta("The"),
                        new StreamEvent.UsageUpdate(Usage.of(26, 282)),
                        StreamEvent.Finish.of(FinishReason.STOP, "", "ollama", "llama3.2"));
    }

    @Test
    void streamedToolCallsAreCompleteDeltasAndThinkingIsSkipped() {
        enqueueNdjson(
                "{\"model\":\"qwen3\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"Let me think\"},\"done\":false}\n"
                        + "{\"model\":\"qwen3\",\"message\":{\"role\":\"assistant\",\"content\":\"Checking.\"},\"done\":false}\n"
                        + "{\"model\":\"qwen3\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"index\":0,"
                        + "\"name\":\"get_current_weather\",\"arguments\":{\"location\":\"Paris\",\"format\":\"celsius\"}}}]},\"done\":false}\n"
                        + "{\"model\":\"qwen3\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\","
                        + "\"prompt_eval_count\":100,\"eval_count\":20}\n");
        List<StreamEvent> events = drain(provider.stream(
                ChatRequest.builder("qwen3")
                        .user("Weather in Paris?")
                        .addTool(ToolDefinition.of("get_current_weather", "", WEATHER_SCHEMA))
                        .build(),
                Fixtures.streaming()));
        assertThat(events)
                .containsExactly(
                        new StreamEvent.TextDelta("Checking."),
                        new StreamEvent.ToolCallDelta(
                                0,
                                Optional.of("call_0"),
                                Optional.of("get_current_weather"),
                                "{\"location\":\"Paris\",\"format\":\"celsius\"}"),
                        new StreamEvent.UsageUpdate(Usage.of(100, 20)),
                        StreamEvent.Finish.of(FinishReason.TOOL_CALLS, "", "ollama", "qwen3"));
    }

    @Test
    void aStreamWithoutItsDoneLineIsInterrupted() {
        String full = Fixtures.read("ollama/api-chat.stream.response.ndjson");
        enqueueNdjson(full.substring(0, full.indexOf('\n') + 1));
        ChatStream stream = provider.stream(ChatRequest.of("llama3.2", "why is the sky blue?"), Fixtures.streaming());
        assertThat(stream.next()).isEqualTo(new StreamEvent.TextDelta("The"));
        assertThatThrownBy(stream::hasNext).isInstanceOf(StreamInterruptedException.class);
    }

    @Test
    void anErrorLineMidStreamIsTyped() {
        enqueueNdjson(
                "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"The\"},\"done\":false}\n"
                        + "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n");
        ProviderException e = catchThrowableOfType(
                ProviderException.class,
                () -> provider.stream(ChatRequest.of("llama3.2", "why is the sky blue?"), Fixtures.streaming())
                        .collect());
        assertThat(e.getMessage()).contains("unexpected EOF");
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void finishReasonsAreNormalized() {
        enqueueJson(
                200,
                "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"Once upon\"},\"done\":true,"
                        + "\"done_reason\":\"length\",\"prompt_eval_count\":3,\"eval_count\":2}");
        assertThat(provider.chat(ChatRequest.of("llama3.2", "Tell a story"), Fixtures.blocking())
                        .finishReason())
                .isEqualTo(FinishReason.LENGTH);
        enqueueJson(200, Fixtures.read("ollama/api-chat.load.response.json"));
        ChatResponse load = provider.chat(ChatRequest.of("llama3.2", "Hi"), Fixtures.blocking());
        assertThat(load.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(load.usage()).isEqualTo(Usage.ZERO);
    }

    @Test
    void anUnknownModelSaysToPullIt() {
        enqueueJson(404, "{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}");
        InvalidRequestException e = catchThrowableOfType(
                InvalidRequestException.class,
                () -> provider.chat(ChatRequest.of("llama9", "Hi"), Fixtures.blocking()));
        assertThat(e.getMessage()).contains("ollama pull llama9");
        assertThat(e.details().httpStatus()).hasValue(404);
        assertThat(e.details().provider()).contains("ollama");
        assertThat(e.isRetryable()).isFalse();

        enqueueJson(404, "{\"error\":\"model 'llama9' not found\"}");
        assertThat(catchThrowableOfType(
                                InvalidRequestException.class,
                                () -> provider.stream(ChatRequest.of("llama9", "Hi"), Fixtures.streaming()))
                        .getMessage())
                .contains("ollama pull llama9");

        server.enqueue(new MockResponse.Builder()
                .code(404)
                .addHeader("Content-Type", "text/plain")
                .body("404 page not found")
                .build());
        assertThat(catchThrowableOfType(
                                InvalidRequestException.class,
                                () -> provider.chat(ChatRequest.of("llama3.2", "Hi"), Fixtures.blocking()))
                        .getMessage())
                .contains("base URL")
                .doesNotContain("ollama pull");
    }

    @Test
    void aBusyServerIsOverloaded() {
        enqueueJson(503, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}");
        OverloadedException e = catchThrowableOfType(
                OverloadedException.class, () -> provider.chat(ChatRequest.of("llama3.2", "Hi"), Fixtures.blocking()));
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void embeddingsUseApiEmbed() throws Exception {
        enqueueJson(
                200,
                "{\"model\":\"all-minilm\",\"embeddings\":[[0.1,0.2],[0.3,0.4]],\"total_duration\":14143917,"
                        + "\"load_duration\":1019500,\"prompt_eval_count\":8}");
        EmbeddingResponse r = provider.embed(
                new EmbeddingRequest("all-minilm", List.of("first", "second"), OptionalInt.of(2), Metadata.EMPTY),
                Fixtures.blocking());
        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/api/embed");
        JsonNode b = body(sent);
        assertThat(b.path("model").asText()).isEqualTo("all-minilm");
        assertThat(b.get("input")).hasSize(2);
        assertThat(b.path("input").get(1).asText()).isEqualTo("second");
        assertThat(b.path("dimensions").asInt()).isEqualTo(2);
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.vector(1)).containsExactly(0.3f, 0.4f);
        assertThat(r.usage()).isEqualTo(Usage.of(8, 0));
        assertThat(r.model()).isEqualTo("all-minilm");
    }

    @Test
    void providerOptionsCannotReplaceStandardFields() {
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("llama3.2")
                                .user("Hi")
                                .providerOption("messages", List.of())
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'messages'");
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("llama3.2")
                                .user("Hi")
                                .temperature(0.1)
                                .providerOption("options", Map.of("temperature", 0.9))
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'temperature'");
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("llama3.2")
                                .user("Hi")
                                .providerOption("options", "fast")
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'options'");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void ollamaHostIsNormalizedLikeOllamasOwnClient() {
        assertThat(OllamaProvider.normalizeHost("127.0.0.1:11434")).isEqualTo("http://127.0.0.1:11434");
        assertThat(OllamaProvider.normalizeHost("gpu-box")).isEqualTo("http://gpu-box:11434");
        assertThat(OllamaProvider.normalizeHost(":8080")).isEqualTo("http://127.0.0.1:8080");
        assertThat(OllamaProvider.normalizeHost("[::1]")).isEqualTo("http://[::1]:11434");
        assertThat(OllamaProvider.normalizeHost("::1")).isEqualTo("http://[::1]:11434");
        assertThat(OllamaProvider.normalizeHost("box:11434/ollama")).isEqualTo("http://box:11434/ollama");
        assertThat(OllamaProvider.normalizeHost(" https://ollama.example.com "))
                .isEqualTo("https://ollama.example.com");

        assertThat(OllamaProvider.builder().environment(Map.of()).build().toString())
                .contains("http://localhost:11434");
        assertThat(OllamaProvider.builder()
                        .environment(Map.of("OLLAMA_HOST", "10.0.0.5"))
                        .build()
                        .toString())
                .contains("http://10.0.0.5:11434");
        assertThatThrownBy(() -> OllamaProvider.builder()
                        .environment(Map.of("OLLAMA_HOST", "http://bad host"))
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OLLAMA_HOST");
    }

    @Test
    void anOptionalKeyIsSentAsBearerAndNeverShown() throws Exception {
        String key = "ollama-secret-key-0123456789";
        OllamaProvider keyed = OllamaProvider.builder()
                .environment(Map.of("OLLAMA_HOST", server.url("/").toString(), "OLLAMA_API_KEY", key))
                .build();
        enqueueJson(200, Fixtures.read("ollama/api-chat.nonstream.response.json"));
        keyed.chat(ChatRequest.of("llama3.2", "Hi"), Fixtures.blocking());
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + key);
        assertThat(keyed.toString()).doesNotContain(key);

        enqueueJson(401, "{\"error\":\"invalid key " + key + "\"}");
        LlmException e = catchThrowableOfType(
                LlmException.class, () -> keyed.chat(ChatRequest.of("llama3.2", "Hi"), Fixtures.blocking()));
        assertThat(e).isInstanceOf(dev.llmgate.api.exception.AuthenticationException.class);
        assertThat(e.getMessage()).doesNotContain(key);
    }

    @Test
    void worksBehindTheGateWithColonsInModelNames() throws Exception {
        enqueueJson(200, Fixtures.read("ollama/api-chat.nonstream.response.json"));
        try (LlmGate gate = LlmGate.builder().provider("ollama", provider).build()) {
            ChatResponse r = gate.chat(ChatRequest.of("ollama:llama3.2:1b", "Hi"));
            assertThat(r.provider()).isEqualTo("ollama");
            assertThat(r.text()).isEqualTo("Hello! How are you today?");
        }
        assertThat(body(server.takeRequest()).path("model").asText()).isEqualTo("llama3.2:1b");
    }
}
