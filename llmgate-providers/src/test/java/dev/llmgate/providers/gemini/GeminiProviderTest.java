package dev.llmgate.providers.gemini;

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
import dev.llmgate.api.Metadata;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.testing.Fixtures;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GeminiProviderTest {
    static final String KEY = "AIzaSyTEST-0123456789abcdefghijSECRET";
    static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"],\"additionalProperties\":false}";

    MockWebServer server;
    GeminiProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        provider = GeminiProvider.builder()
                .apiKey(KEY)
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
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build());
    }

    void enqueueSse(String body) {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "text/event-stream")
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
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        ChatRequest request = ChatRequest.builder("gemini-2.0-flash")
                .system("Be brief.")
                .addMessage(Message.developer("Answer in English."))
                .user("Where is Google's headquarters?")
                .addMessage(Message.assistant("In California."))
                .user("Which city?")
                .temperature(0.5)
                .topP(0.9)
                .maxOutputTokens(100)
                .addStop("END")
                .seed(42)
                .responseFormat(ResponseFormat.jsonSchema(
                        "answer", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}", true))
                .providerOption(
                        "safetySettings",
                        List.of(Map.of("category", "HARM_CATEGORY_HARASSMENT", "threshold", "BLOCK_NONE")))
                .providerOption("generationConfig", Map.of("thinkingConfig", Map.of("thinkingBudget", 0)))
                .tenant("acme")
                .build();

        ChatResponse r = provider.chat(request, Fixtures.blocking());

        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getMethod()).isEqualTo("POST");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1beta/models/gemini-2.0-flash:generateContent");
        assertThat(sent.getUrl().query()).isNull();
        assertThat(sent.getHeaders().get("x-goog-api-key")).isEqualTo(KEY);
        assertThat(sent.getHeaders().get("Authorization")).isNull();
        JsonNode b = body(sent);
        assertThat(b.path("systemInstruction").path("parts").get(0).path("text").asText())
                .isEqualTo("Be brief.");
        assertThat(b.path("systemInstruction").path("parts").get(1).path("text").asText())
                .isEqualTo("Answer in English.");
        JsonNode contents = b.get("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.get(0).path("role").asText()).isEqualTo("user");
        assertThat(contents.get(0).path("parts").get(0).path("text").asText())
                .isEqualTo("Where is Google's headquarters?");
        assertThat(contents.get(1).path("role").asText()).isEqualTo("model");
        assertThat(contents.get(1).path("parts").get(0).path("text").asText()).isEqualTo("In California.");
        assertThat(contents.get(2).path("role").asText()).isEqualTo("user");
        JsonNode gc = b.get("generationConfig");
        assertThat(gc.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(gc.path("topP").asDouble()).isEqualTo(0.9);
        assertThat(gc.path("maxOutputTokens").asInt()).isEqualTo(100);
        assertThat(gc.path("stopSequences").get(0).asText()).isEqualTo("END");
        assertThat(gc.path("seed").asInt()).isEqualTo(42);
        assertThat(gc.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(gc.get("responseJsonSchema"))
                .isEqualTo(Fixtures.JSON.readTree(
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"));
        assertThat(gc.has("responseSchema")).isFalse();
        assertThat(gc.path("thinkingConfig").path("thinkingBudget").asInt()).isZero();
        assertThat(b.path("safetySettings").get(0).path("threshold").asText()).isEqualTo("BLOCK_NONE");
        assertThat(b.has("tools")).isFalse();
        assertThat(b.has("toolConfig")).isFalse();
        assertThat(b.has("model")).isFalse();
        assertThat(b.toString()).doesNotContain("acme");

        assertThat(r.text())
                .isEqualTo(
                        "Google's headquarters, also known as the Googleplex, is located in **Mountain View, California**.\n");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.model()).isEqualTo("gemini-2.0-flash");
        assertThat(r.provider()).isEqualTo("gemini");
        assertThat(r.toolCalls()).isEmpty();
        assertThat(r.usage()).isEqualTo(Usage.of(7, 22));
    }

    @Test
    void jsonModeSetsOnlyTheMimeTypeAndTheLegacySchemaFieldsCanBeChosen() throws Exception {
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        provider.chat(
                ChatRequest.builder("gemini-2.0-flash")
                        .user("Hi")
                        .responseFormat(ResponseFormat.jsonObject())
                        .build(),
                Fixtures.blocking());
        JsonNode gc = body(server.takeRequest()).get("generationConfig");
        assertThat(gc.path("responseMimeType").asText()).isEqualTo("application/json");
        assertThat(gc.has("responseJsonSchema")).isFalse();
        assertThat(gc.has("responseSchema")).isFalse();

        GeminiProvider legacy = GeminiProvider.builder()
                .apiKey(KEY)
                .baseUrl(server.url("/").toString())
                .environment(Map.of())
                .jsonSchemaFields(false)
                .build();
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        legacy.chat(
                ChatRequest.builder("gemini-2.0-flash")
                        .user("Hi")
                        .addTool(ToolDefinition.of("get_weather", "", "{\"type\":\"object\",\"properties\":{}}"))
                        .responseFormat(ResponseFormat.jsonSchema("a", "{\"type\":\"object\"}", false))
                        .build(),
                Fixtures.blocking());
        JsonNode b = body(server.takeRequest());
        assertThat(b.path("generationConfig").get("responseSchema"))
                .isEqualTo(Fixtures.JSON.readTree("{\"type\":\"object\"}"));
        assertThat(b.path("generationConfig").has("responseJsonSchema")).isFalse();
        JsonNode decl = b.path("tools").get(0).path("functionDeclarations").get(0);
        assertThat(decl.has("parameters")).isTrue();
        assertThat(decl.has("parametersJsonSchema")).isFalse();
        assertThat(decl.has("description")).isFalse();
    }

    @Test
    void toolsAndEveryToolChoiceAreMapped() throws Exception {
        List<ToolChoice> choices =
                List.of(ToolChoice.auto(), ToolChoice.none(), ToolChoice.required(), ToolChoice.tool("get_time"));
        List<String> modes = List.of("AUTO", "NONE", "ANY", "ANY");
        for (int i = 0; i < choices.size(); i++) {
            enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
            provider.chat(
                    ChatRequest.builder("gemini-2.5-flash")
                            .user("Weather in Paris?")
                            .addTool(new ToolDefinition("get_weather", "Weather for a city", WEATHER_SCHEMA, true))
                            .addTool(ToolDefinition.of(
                                    "get_time", "The time", "{\"type\":\"object\",\"properties\":{}}"))
                            .toolChoice(choices.get(i))
                            .parallelToolCalls(false)
                            .build(),
                    Fixtures.blocking());
            JsonNode b = body(server.takeRequest());
            JsonNode decls = b.path("tools").get(0).path("functionDeclarations");
            assertThat(b.get("tools")).hasSize(1);
            assertThat(decls).hasSize(2);
            assertThat(decls.get(0).path("name").asText()).isEqualTo("get_weather");
            assertThat(decls.get(0).path("description").asText()).isEqualTo("Weather for a city");
            assertThat(decls.get(0).get("parametersJsonSchema")).isEqualTo(Fixtures.JSON.readTree(WEATHER_SCHEMA));
            JsonNode fcc = b.path("toolConfig").path("functionCallingConfig");
            assertThat(fcc.path("mode").asText()).as(choices.get(i).toString()).isEqualTo(modes.get(i));
            if (i == 3) {
                assertThat(fcc.get("allowedFunctionNames")).hasSize(1);
                assertThat(fcc.path("allowedFunctionNames").get(0).asText()).isEqualTo("get_time");
            } else {
                assertThat(fcc.has("allowedFunctionNames")).isFalse();
            }
        }
    }

    @Test
    void aFunctionCallRoundTripsWithItsThoughtSignatureAndTheFunctionNameFoundById() throws Exception {
        String fixture =
                Fixtures.read("gemini/googleai.unary-success-thinking-function-call-thought-summary-signature.json");
        String signature = Fixtures.JSON
                .readTree(fixture)
                .path("candidates")
                .get(0)
                .path("content")
                .path("parts")
                .get(1)
                .path("thoughtSignature")
                .asText();
        enqueueJson(200, fixture);
        ChatRequest first = ChatRequest.builder("gemini-2.5-pro")
                .user("How many days until New Year's Eve?")
                .addTool(ToolDefinition.of("now", "The current time", "{\"type\":\"object\",\"properties\":{}}"))
                .build();

        ChatResponse r = provider.chat(first, Fixtures.blocking());
        server.takeRequest();

        assertThat(r.text()).isEmpty(); // the thought summary is not part of the answer
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.toolCalls()).hasSize(1);
        ToolCall call = r.toolCalls().get(0);
        assertThat(call.name()).isEqualTo("now");
        assertThat(call.argumentsJson()).isEqualTo("{}");
        assertThat(call.id()).startsWith("call_0__ts_").matches("[A-Za-z0-9_-]+");
        assertThat(r.id()).isEqualTo("38CHaLjMG6TujrEPtvTiuQk");
        assertThat(r.model()).isEqualTo("gemini-2.5-pro");
        assertThat(r.usage()).isEqualTo(new Usage(38, 8 + 501, 0, 501, 0));

        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        ChatRequest second = first.toBuilder()
                .addMessage(r.message())
                .addMessage(Message.tool(call.id(), "{\"now\":\"2025-07-28T10:00:00Z\"}"))
                .build();
        provider.chat(second, Fixtures.blocking());
        JsonNode contents = body(server.takeRequest()).get("contents");
        assertThat(contents).hasSize(3);
        JsonNode model = contents.get(1);
        assertThat(model.path("role").asText()).isEqualTo("model");
        assertThat(model.get("parts")).hasSize(1);
        JsonNode callPart = model.path("parts").get(0);
        assertThat(callPart.path("functionCall").path("name").asText()).isEqualTo("now");
        assertThat(callPart.path("functionCall").get("args")).isEqualTo(Fixtures.JSON.readTree("{}"));
        assertThat(callPart.path("functionCall").has("id")).isFalse();
        assertThat(callPart.path("thoughtSignature").asText()).isEqualTo(signature);
        JsonNode answer = contents.get(2);
        assertThat(answer.path("role").asText()).isEqualTo("user");
        JsonNode fr = answer.path("parts").get(0).path("functionResponse");
        assertThat(fr.path("name").asText()).isEqualTo("now");
        assertThat(fr.get("response")).isEqualTo(Fixtures.JSON.readTree("{\"now\":\"2025-07-28T10:00:00Z\"}"));
    }

    @Test
    void parallelToolResultsFormOneTurnAndPlainTextResultsAreWrappedAsOutput() throws Exception {
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        ChatRequest request = ChatRequest.builder("gemini-2.5-flash")
                .user("Weather in Paris and Rome?")
                .addTool(new ToolDefinition("get_weather", "", WEATHER_SCHEMA, false))
                .addMessage(Message.assistant(
                        "Let me check.",
                        List.of(
                                new ToolCall("call_0", "get_weather", "{\"city\":\"Paris\"}"),
                                new ToolCall("call_1", "get_weather", "{\"city\":\"Rome\"}"))))
                .addMessage(Message.tool("call_0", "sunny, 24 C"))
                .addMessage(Message.tool("call_1", "{\"sky\":\"cloudy\"}"))
                .user("Thanks!")
                .build();
        provider.chat(request, Fixtures.blocking());
        JsonNode contents = body(server.takeRequest()).get("contents");
        assertThat(contents).hasSize(4);
        JsonNode model = contents.get(1).path("parts");
        assertThat(model).hasSize(3);
        assertThat(model.get(0).path("text").asText()).isEqualTo("Let me check.");
        assertThat(model.get(1).path("functionCall").path("args").path("city").asText())
                .isEqualTo("Paris");
        assertThat(model.get(2).path("functionCall").path("args").path("city").asText())
                .isEqualTo("Rome");
        assertThat(model.get(1).has("thoughtSignature")).isFalse();
        JsonNode results = contents.get(2);
        assertThat(results.path("role").asText()).isEqualTo("user");
        assertThat(results.get("parts")).hasSize(2);
        assertThat(results.path("parts")
                        .get(0)
                        .path("functionResponse")
                        .path("name")
                        .asText())
                .isEqualTo("get_weather");
        assertThat(results.path("parts").get(0).path("functionResponse").get("response"))
                .isEqualTo(Fixtures.JSON.readTree("{\"output\":\"sunny, 24 C\"}"));
        assertThat(results.path("parts").get(1).path("functionResponse").get("response"))
                .isEqualTo(Fixtures.JSON.readTree("{\"sky\":\"cloudy\"}"));
        assertThat(contents.get(3).path("parts").get(0).path("text").asText()).isEqualTo("Thanks!");
    }

    @Test
    void aToolResultForAnUnknownCallIdIsRejectedBeforeSending() {
        ChatRequest request = ChatRequest.builder("gemini-2.5-flash")
                .user("Hi")
                .addMessage(Message.assistant("", List.of(new ToolCall("call_0", "get_weather", "{}"))))
                .addMessage(Message.tool("call_7", "sunny"))
                .build();
        assertThatThrownBy(() -> provider.chat(request, Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("call_7")
                .hasMessageContaining("assistant message");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void imagesAreSentInlineOrAsFileData() throws Exception {
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        String b64 = Base64.getEncoder().encodeToString(png);
        ChatRequest request = ChatRequest.builder("gemini-2.5-flash")
                .addMessage(Message.user(
                        ContentPart.text("What is this?"),
                        ContentPart.image(png, "image/png"),
                        ContentPart.imageUrl("data:image/jpeg;base64," + b64),
                        ContentPart.imageUrl("https://example.com/cat.webp?size=large")))
                .build();
        provider.chat(request, Fixtures.blocking());
        JsonNode parts = body(server.takeRequest()).path("contents").get(0).path("parts");
        assertThat(parts).hasSize(4);
        assertThat(parts.get(0).path("text").asText()).isEqualTo("What is this?");
        assertThat(parts.get(1).path("inlineData").path("mimeType").asText()).isEqualTo("image/png");
        assertThat(parts.get(1).path("inlineData").path("data").asText()).isEqualTo(b64);
        assertThat(parts.get(2).path("inlineData").path("mimeType").asText()).isEqualTo("image/jpeg");
        assertThat(parts.get(2).path("inlineData").path("data").asText()).isEqualTo(b64);
        assertThat(parts.get(3).path("fileData").path("fileUri").asText())
                .isEqualTo("https://example.com/cat.webp?size=large");
        assertThat(parts.get(3).path("fileData").path("mimeType").asText()).isEqualTo("image/webp");
    }

    @Test
    void aStreamedAnswerEndsWithUsageAndFinishWhenTheBodyEndsAfterAFinishReason() throws Exception {
        enqueueSse(Fixtures.read("gemini/googleai.streaming-success-basic-reply-short.txt"));
        List<StreamEvent> events =
                drain(provider.stream(ChatRequest.of("gemini-2.0-flash", "Capital of Wyoming?"), Fixtures.streaming()));

        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1beta/models/gemini-2.0-flash:streamGenerateContent");
        assertThat(sent.getUrl().queryParameter("alt")).isEqualTo("sse");
        assertThat(sent.getUrl().toString()).doesNotContain(KEY);
        assertThat(body(sent).has("stream")).isFalse();
        assertThat(events)
                .containsExactly(
                        new StreamEvent.TextDelta("The"),
                        new StreamEvent.TextDelta(" capital of Wyoming"),
                        new StreamEvent.TextDelta(" is **Cheyenne**.\n"),
                        new StreamEvent.UsageUpdate(Usage.of(7, 10)),
                        StreamEvent.Finish.of(FinishReason.STOP, "", "gemini", "gemini-2.0-flash"));
    }

    @Test
    void aStreamedFunctionCallIsOneCompleteDelta() {
        enqueueSse(Fixtures.read("gemini/vertexai.streaming-success-function-call-short.txt"));
        ChatResponse r = provider.stream(
                        ChatRequest.builder("gemini-2.0-flash")
                                .user("Temperature in San Jose?")
                                .addTool(ToolDefinition.of(
                                        "getTemperature",
                                        "",
                                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"))
                                .build(),
                        Fixtures.streaming())
                .collect();
        assertThat(r.toolCalls()).containsExactly(new ToolCall("call_0", "getTemperature", "{\"city\":\"San Jose\"}"));
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.text()).isEmpty();
    }

    @Test
    void aStreamedThinkingAnswerSkipsThoughtsAndKeepsTheSignatureInTheCallId() {
        enqueueSse(Fixtures.read(
                "gemini/googleai.streaming-success-thinking-function-call-thought-summary-signature.txt"));
        List<StreamEvent> events = drain(provider.stream(
                ChatRequest.of("gemini-2.5-flash", "Days until New Year's Eve?"), Fixtures.streaming()));
        assertThat(events).noneMatch(e -> e instanceof StreamEvent.TextDelta);
        StreamEvent.ToolCallDelta delta = (StreamEvent.ToolCallDelta) events.stream()
                .filter(e -> e instanceof StreamEvent.ToolCallDelta)
                .findFirst()
                .orElseThrow();
        assertThat(delta.index()).isZero();
        assertThat(delta.name()).contains("now");
        assertThat(delta.argumentsDelta()).isEqualTo("{}");
        assertThat(delta.id().orElseThrow()).startsWith("call_0__ts_");
        StreamEvent.Finish finish = (StreamEvent.Finish) events.get(events.size() - 1);
        assertThat(finish.reason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(finish.responseId()).isEqualTo("48SHaPHpHKbG-8YPtZCawAk");
        assertThat(finish.model()).isEqualTo("gemini-2.5-flash");
        Usage usage = ((StreamEvent.UsageUpdate) events.get(events.size() - 2)).usage();
        assertThat(usage.reasoningTokens()).isPositive();
        assertThat(usage.outputTokens()).isGreaterThanOrEqualTo(usage.reasoningTokens());
    }

    @Test
    void aStreamThatEndsWithoutAFinishReasonIsInterrupted() {
        String full = Fixtures.read("gemini/googleai.streaming-success-basic-reply-short.txt");
        String truncated = full.substring(0, full.indexOf("data:", full.indexOf("capital of Wyoming")));
        enqueueSse(truncated);
        ChatStream stream =
                provider.stream(ChatRequest.of("gemini-2.0-flash", "Capital of Wyoming?"), Fixtures.streaming());
        List<StreamEvent> seen = new ArrayList<>();
        assertThatThrownBy(() -> {
                    while (stream.hasNext()) {
                        seen.add(stream.next());
                    }
                })
                .isInstanceOf(dev.llmgate.api.exception.StreamInterruptedException.class);
        assertThat(seen)
                .containsExactly(new StreamEvent.TextDelta("The"), new StreamEvent.TextDelta(" capital of Wyoming"));
        assertThat(seen).noneMatch(StreamEvent::isTerminal);
    }

    @Test
    void aLastChunkWithoutItsBlankLineStillCountsButACutOffChunkDoesNot() {
        String full = Fixtures.read("gemini/googleai.streaming-success-basic-reply-short.txt")
                .stripTrailing();
        enqueueSse(full);
        ChatResponse r = provider.stream(
                        ChatRequest.of("gemini-2.0-flash", "Capital of Wyoming?"), Fixtures.streaming())
                .collect();
        assertThat(r.text()).isEqualTo("The capital of Wyoming is **Cheyenne**.\n");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);

        enqueueSse(full.substring(0, full.length() - 40));
        assertThatThrownBy(() -> provider.stream(
                                ChatRequest.of("gemini-2.0-flash", "Capital of Wyoming?"), Fixtures.streaming())
                        .collect())
                .isInstanceOf(dev.llmgate.api.exception.StreamInterruptedException.class);
    }

    @Test
    void anEmptyStreamIsInterrupted() {
        enqueueSse("");
        assertThatThrownBy(() -> provider.stream(ChatRequest.of("gemini-2.0-flash", "Hi"), Fixtures.streaming())
                        .collect())
                .isInstanceOf(dev.llmgate.api.exception.StreamInterruptedException.class);
    }

    @Test
    void aBlockedPromptIsContentFilteredInStreamsAndBlockingCalls() {
        enqueueSse(Fixtures.read("gemini/googleai.streaming-failure-prompt-blocked-safety.txt"));
        assertThatThrownBy(() -> provider.stream(ChatRequest.of("gemini-2.0-flash", "..."), Fixtures.streaming())
                        .collect())
                .isInstanceOf(dev.llmgate.api.exception.ContentFilteredException.class)
                .hasMessageContaining("SAFETY")
                .satisfies(e -> assertThat(((dev.llmgate.api.exception.LlmException) e).isRetryable())
                        .isFalse());

        enqueueJson(
                200,
                "{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},\"usageMetadata\":{\"promptTokenCount\":5}}");
        assertThatThrownBy(() -> provider.chat(ChatRequest.of("gemini-2.0-flash", "..."), Fixtures.blocking()))
                .isInstanceOf(dev.llmgate.api.exception.ContentFilteredException.class)
                .hasMessageContaining("PROHIBITED_CONTENT");
    }

    @Test
    void aWithheldAnswerFinishesWithContentFilter() {
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-failure-finish-reason-safety.txt"));
        ChatResponse r = provider.chat(ChatRequest.of("gemini-2.0-flash", "..."), Fixtures.blocking());
        assertThat(r.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(r.text()).isEqualTo("Safety error incoming in 5, 4, 3, 2...");
        assertThat(r.usage()).isEqualTo(Usage.of(7, 20));

        enqueueSse(Fixtures.read("gemini/googleai.streaming-failure-recitation-no-content.txt"));
        ChatResponse streamed = provider.stream(ChatRequest.of("gemini-2.0-flash", "..."), Fixtures.streaming())
                .collect();
        assertThat(streamed.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(streamed.text()).isEqualTo("text1text2text3text4text5text6text7text8");
        assertThat(streamed.usage()).isEqualTo(Usage.of(9, 261));
    }

    @Test
    void finishReasonsAreNormalized() {
        String[][] cases = {
            {"MAX_TOKENS", "LENGTH"},
            {"RECITATION", "CONTENT_FILTER"},
            {"SPII", "CONTENT_FILTER"},
            {"BLOCKLIST", "CONTENT_FILTER"},
            {"MALFORMED_FUNCTION_CALL", "ERROR"},
            {"OTHER", "ERROR"},
            {"STOP", "STOP"}
        };
        for (String[] c : cases) {
            enqueueJson(
                    200,
                    "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"x\"}]},\"finishReason\":\""
                            + c[0] + "\"}]}");
            assertThat(provider.chat(ChatRequest.of("gemini-2.0-flash", "Hi"), Fixtures.blocking())
                            .finishReason())
                    .as(c[0])
                    .isEqualTo(FinishReason.valueOf(c[1]));
        }
    }

    @Test
    void usageCountsThinkingAsOutputAndCachedContentAsPartOfInput() {
        enqueueJson(
                200,
                "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"ok\"}]},\"finishReason\":\"STOP\"}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":1000,\"cachedContentTokenCount\":600,\"candidatesTokenCount\":20,"
                        + "\"thoughtsTokenCount\":80,\"toolUsePromptTokenCount\":5,\"totalTokenCount\":1105}}");
        Usage u = provider.chat(ChatRequest.of("gemini-2.5-pro", "Hi"), Fixtures.blocking())
                .usage();
        assertThat(u).isEqualTo(new Usage(1005, 100, 600, 80, 0));
        assertThat(u.totalTokens()).isEqualTo(1105);
    }

    @Test
    void embeddingsUseBatchEmbedContents() throws Exception {
        enqueueJson(200, "{\"embeddings\":[{\"values\":[0.1,0.2,0.3]},{\"values\":[0.4,0.5,0.6]}]}");
        EmbeddingResponse r = provider.embed(
                new EmbeddingRequest(
                        "gemini-embedding-001", List.of("first", "second"), OptionalInt.of(3), Metadata.EMPTY),
                Fixtures.blocking());
        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
        assertThat(sent.getHeaders().get("x-goog-api-key")).isEqualTo(KEY);
        JsonNode requests = body(sent).get("requests");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).path("model").asText()).isEqualTo("models/gemini-embedding-001");
        assertThat(requests.get(0)
                        .path("content")
                        .path("parts")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("first");
        assertThat(requests.get(1)
                        .path("content")
                        .path("parts")
                        .get(0)
                        .path("text")
                        .asText())
                .isEqualTo("second");
        assertThat(requests.get(0).path("outputDimensionality").asInt()).isEqualTo(3);
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.vector(1)).containsExactly(0.4f, 0.5f, 0.6f);
        assertThat(r.model()).isEqualTo("gemini-embedding-001");
        assertThat(r.provider()).isEqualTo("gemini");
    }

    @Test
    void modelNamesWithACollectionAreKeptAndBadNamesRejected() throws Exception {
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        provider.chat(ChatRequest.of("tunedModels/my-model-123", "Hi"), Fixtures.blocking());
        assertThat(server.takeRequest().getUrl().encodedPath())
                .isEqualTo("/v1beta/tunedModels/my-model-123:generateContent");
        assertThatThrownBy(() -> provider.chat(ChatRequest.of("gemini:flash", "Hi"), Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not a Gemini model name");
    }

    @Test
    void providerOptionsAreVerbatimButCannotReplaceStandardFields() {
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("gemini-2.0-flash")
                                .user("Hi")
                                .providerOption("contents", List.of())
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'contents'");
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("gemini-2.0-flash")
                                .user("Hi")
                                .temperature(0.2)
                                .providerOption("generationConfig", Map.of("temperature", 1.0))
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'temperature'");
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("gemini-2.0-flash")
                                .user("Hi")
                                .seed(1L << 40)
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("32-bit");
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("gemini-2.0-flash")
                                .user("Hi")
                                .providerOption("generationConfig", "fast")
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'generationConfig' must be a JSON object");
        // a schema set by the request reserves both schema fields, whichever one is written
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("gemini-2.0-flash")
                                .user("Hi")
                                .responseFormat(ResponseFormat.jsonSchema("a", "{\"type\":\"object\"}", true))
                                .providerOption("generationConfig", Map.of("responseSchema", Map.of()))
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'responseSchema'");
        assertThatThrownBy(() -> provider.chat(
                        ChatRequest.builder("gemini-2.0-flash")
                                .system("Only rules.")
                                .build(),
                        Fixtures.blocking()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("at least one user message");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void theKeyComesFromGeminiApiKeyThenGoogleApiKeyAndIsRequired() throws Exception {
        assertThatThrownBy(() -> GeminiProvider.builder().environment(Map.of()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GEMINI_API_KEY")
                .hasMessageContaining("GOOGLE_API_KEY");
        assertThatThrownBy(() -> GeminiProvider.builder()
                        .environment(Map.of())
                        .baseUrl("not a url")
                        .apiVersion("v1/beta")
                        .build())
                .isInstanceOfSatisfying(
                        ConfigurationException.class,
                        e -> assertThat(e.problems()).hasSize(3));

        GeminiProvider fromGoogle = GeminiProvider.builder()
                .environment(Map.of(
                        "GOOGLE_API_KEY",
                        "google-key",
                        "GOOGLE_GEMINI_BASE_URL",
                        server.url("/proxy").toString()))
                .build();
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        fromGoogle.chat(ChatRequest.of("gemini-2.0-flash", "Hi"), Fixtures.blocking());
        RecordedRequest sent = server.takeRequest();
        assertThat(sent.getHeaders().get("x-goog-api-key")).isEqualTo("google-key");
        assertThat(sent.getUrl().encodedPath()).isEqualTo("/proxy/v1beta/models/gemini-2.0-flash:generateContent");

        GeminiProvider both = GeminiProvider.builder()
                .environment(Map.of("GOOGLE_API_KEY", "google-key", "GEMINI_API_KEY", "gemini-key"))
                .baseUrl(server.url("/").toString())
                .apiVersion("v1")
                .build();
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        both.chat(ChatRequest.of("gemini-2.0-flash", "Hi"), Fixtures.blocking());
        sent = server.takeRequest();
        assertThat(sent.getHeaders().get("x-goog-api-key")).isEqualTo("gemini-key");
        assertThat(sent.getUrl().encodedPath()).startsWith("/v1/models/");
        assertThat(provider.toString()).doesNotContain(KEY).contains("gemini");
    }

    @Test
    void worksBehindTheGate() {
        enqueueJson(200, Fixtures.read("gemini/googleai.unary-success-basic-reply-short.txt"));
        try (LlmGate gate = LlmGate.builder().provider("gemini", provider).build()) {
            ChatResponse r = gate.chat(ChatRequest.of("gemini:gemini-2.0-flash", "Where is Google?"));
            assertThat(r.provider()).isEqualTo("gemini");
            assertThat(r.text()).contains("Mountain View");
        }
    }
}
