package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.body;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.call;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.json;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.provider;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.take;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.textAnswer;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.exception.InvalidRequestException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a {@link ChatRequest} becomes a Messages API request: URL, headers and the body, field by field. */
class AnthropicRequestMappingTest {
    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private JsonNode send(ChatRequest request) throws Exception {
        server.enqueue(json(200, textAnswer("ok")));
        provider(server).chat(request, call());
        return body(take(server));
    }

    @Test
    void plainTextRequestHasTheEndpointHeadersAndMinimalBody() throws Exception {
        server.enqueue(json(200, textAnswer("ok")));
        provider(server).chat(ChatRequest.of("claude-haiku-4-5", "Hello"), call());

        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/messages");
        assertThat(r.getHeaders().get("x-api-key")).isEqualTo(AnthropicTestSupport.KEY);
        assertThat(r.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(r.getHeaders().get("anthropic-beta")).isNull();
        assertThat(r.getHeaders().get("Authorization")).isNull();
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");

        JsonNode b = body(r);
        assertThat(b.get("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(b.get("max_tokens").asInt()).isEqualTo(4096);
        assertThat(b.has("system")).isFalse();
        assertThat(b.has("stream")).isFalse();
        assertThat(b.has("tools")).isFalse();
        assertThat(b.has("tool_choice")).isFalse();
        assertThat(b.has("temperature")).isFalse();
        assertThat(b.get("messages"))
                .isEqualTo(tree("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]"));
    }

    @Test
    void systemAndDeveloperMessagesBecomeTheTopLevelSystemText() throws Exception {
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .system("You are terse.")
                .addMessage(Message.developer("Answer in French."))
                .user("Say hello")
                .build());

        assertThat(b.get("system").asText()).isEqualTo("You are terse.\n\nAnswer in French.");
        assertThat(b.get("messages")).hasSize(1);
        assertThat(b.get("messages").get(0).get("role").asText()).isEqualTo("user");
    }

    @Test
    void toolUseAndConsecutiveToolResultsAreMappedAndMergedIntoAlternatingTurns() throws Exception {
        ToolCall paris = new ToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}");
        ToolCall rome = new ToolCall("toolu_2", "get_weather", "{\"city\": \"Rome\", \"units\": {\"t\": \"C\"}}");
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .addTool(ToolDefinition.of("get_weather", "Weather of a city", WEATHER_SCHEMA))
                .user("Weather in Paris and Rome?")
                .addMessage(Message.assistant("Let me check.", List.of(paris, rome)))
                .addMessage(Message.tool("toolu_1", "18C, sunny"))
                .addMessage(Message.tool("toolu_2", "22C, cloudy"))
                .user("And tomorrow?")
                .build());

        JsonNode messages = b.get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");

        JsonNode assistant = messages.get(1);
        assertThat(assistant.get("role").asText()).isEqualTo("assistant");
        assertThat(assistant.get("content")).hasSize(3);
        assertThat(assistant.get("content").get(0)).isEqualTo(tree("{\"type\":\"text\",\"text\":\"Let me check.\"}"));
        JsonNode use1 = assistant.get("content").get(1);
        assertThat(use1.get("type").asText()).isEqualTo("tool_use");
        assertThat(use1.get("id").asText()).isEqualTo("toolu_1");
        assertThat(use1.get("name").asText()).isEqualTo("get_weather");
        assertThat(use1.get("input").isObject())
                .as("input is a JSON object, not a string")
                .isTrue();
        assertThat(use1.get("input")).isEqualTo(tree("{\"city\":\"Paris\"}"));
        assertThat(assistant.get("content").get(2).get("input"))
                .isEqualTo(tree("{\"city\":\"Rome\",\"units\":{\"t\":\"C\"}}"));

        JsonNode results = messages.get(2);
        assertThat(results.get("role").asText()).isEqualTo("user");
        assertThat(results.get("content")).hasSize(3);
        assertThat(results.get("content").get(0))
                .isEqualTo(tree("{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"18C, sunny\"}"));
        assertThat(results.get("content").get(1))
                .isEqualTo(tree("{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":\"22C, cloudy\"}"));
        assertThat(results.get("content").get(2)).isEqualTo(tree("{\"type\":\"text\",\"text\":\"And tomorrow?\"}"));
    }

    @Test
    void consecutiveSameRoleMessagesAreMergedAndEmptyTextsLeftOut() throws Exception {
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .user("First")
                .user("Second")
                .addMessage(Message.assistant(""))
                .addMessage(Message.assistant("Answer"))
                .user("Third")
                .build());

        assertThat(b.get("messages"))
                .isEqualTo(tree("["
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"First\"},{\"type\":\"text\",\"text\":\"Second\"}]},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Answer\"}]},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Third\"}]}]"));
    }

    @Test
    void toolCallWithoutArgumentsIsSentAsAnEmptyObject() throws Exception {
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .user("What time is it?")
                .addMessage(Message.assistant("", List.of(new ToolCall("toolu_9", "now", ""))))
                .addMessage(Message.tool("toolu_9", "12:00"))
                .build());

        JsonNode use = b.get("messages").get(1).get("content").get(0);
        assertThat(use.get("input")).isEqualTo(tree("{}"));
    }

    @Test
    void toolCallArgumentsThatAreNotAJsonObjectAreRefusedBeforeSending() {
        ChatRequest request = ChatRequest.builder("claude-haiku-4-5")
                .user("Hi")
                .addMessage(
                        Message.assistant("", List.of(new ToolCall("toolu_7", "lookup", "[\"not\", \"an object\"]"))))
                .addMessage(Message.tool("toolu_7", "result"))
                .build();

        assertThatThrownBy(() -> provider(server).chat(request, call()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("toolu_7")
                .hasMessageContaining("not a JSON object")
                .hasMessageNotContaining("an object\"]");
        ChatRequest truncated = request.withMessages(List.of(
                Message.user("Hi"),
                Message.assistant("", List.of(new ToolCall("toolu_8", "lookup", "{\"q\": \"cut")))));
        assertThatThrownBy(() -> provider(server).chat(truncated, call())).isInstanceOf(InvalidRequestException.class);
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void imagesBecomeBase64OrUrlSources() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        String base64 = Base64.getEncoder().encodeToString(png);
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .addMessage(Message.user(
                        ContentPart.text("What is in these?"),
                        ContentPart.image(png, "image/png"),
                        ContentPart.imageUrl("https://example.com/cat.jpg"),
                        ContentPart.imageUrl("data:image/webp;base64,UklGRg==")))
                .build());

        JsonNode content = b.get("messages").get(0).get("content");
        assertThat(content).hasSize(4);
        assertThat(content.get(0)).isEqualTo(tree("{\"type\":\"text\",\"text\":\"What is in these?\"}"));
        assertThat(content.get(1))
                .isEqualTo(tree(
                        "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                                + base64 + "\"}}"));
        assertThat(content.get(2))
                .isEqualTo(tree(
                        "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.jpg\"}}"));
        assertThat(content.get(3))
                .isEqualTo(
                        tree(
                                "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/webp\",\"data\":\"UklGRg==\"}}"));
    }

    @Test
    void aDataUrlThatIsNotBase64IsRefused() {
        ChatRequest request = ChatRequest.builder("claude-haiku-4-5")
                .addMessage(Message.user(ContentPart.text("see"), ContentPart.imageUrl("data:image/svg+xml,<svg/>")))
                .build();

        assertThatThrownBy(() -> provider(server).chat(request, call()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("base64");
    }

    @Test
    void toolsAreSentWithRawInputSchemaAndStrictWhenAsked() throws Exception {
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .addTool(ToolDefinition.of("get_weather", "Weather of a city", WEATHER_SCHEMA))
                .addTool(new ToolDefinition("get_time", "", "{\"type\":\"object\",\"properties\":{}}", true))
                .user("Weather?")
                .build());

        JsonNode tools = b.get("tools");
        assertThat(tools).hasSize(2);
        assertThat(tools.get(0))
                .isEqualTo(tree("{\"name\":\"get_weather\",\"description\":\"Weather of a city\",\"input_schema\":"
                        + WEATHER_SCHEMA + "}"));
        assertThat(tools.get(1))
                .isEqualTo(
                        tree(
                                "{\"name\":\"get_time\",\"input_schema\":{\"type\":\"object\",\"properties\":{}},\"strict\":true}"));
        assertThat(b.has("tool_choice")).isFalse();
    }

    @ParameterizedTest(name = "{0}, parallel={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "auto     | true  | {\"type\":\"auto\"}",
                "required | true  | {\"type\":\"any\"}",
                "tool     | true  | {\"type\":\"tool\",\"name\":\"get_weather\"}",
                "none     | true  | {\"type\":\"none\"}",
                "auto     | false | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
                "required | false | {\"type\":\"any\",\"disable_parallel_tool_use\":true}",
                "tool     | false | {\"type\":\"tool\",\"name\":\"get_weather\",\"disable_parallel_tool_use\":true}",
                "unset    | false | {\"type\":\"auto\",\"disable_parallel_tool_use\":true}",
            })
    void toolChoiceVariants(String choice, boolean parallel, String expected) throws Exception {
        ChatRequest.Builder b = ChatRequest.builder("claude-haiku-4-5")
                .addTool(ToolDefinition.of("get_weather", "Weather of a city", WEATHER_SCHEMA))
                .user("Weather?");
        switch (choice) {
            case "auto":
                b.toolChoice(ToolChoice.auto());
                break;
            case "required":
                b.toolChoice(ToolChoice.required());
                break;
            case "tool":
                b.toolChoice(ToolChoice.tool("get_weather"));
                break;
            case "none":
                b.toolChoice(ToolChoice.none());
                break;
            default:
                break;
        }
        if (!parallel) {
            b.parallelToolCalls(false);
        }

        assertThat(send(b.build()).get("tool_choice")).isEqualTo(tree(expected));
    }

    @Test
    void parallelToolCallsTrueWithoutChoiceSendsNoToolChoice() throws Exception {
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .addTool(ToolDefinition.of("get_weather", "", WEATHER_SCHEMA))
                .parallelToolCalls(true)
                .user("Weather?")
                .build());

        assertThat(b.has("tool_choice")).isFalse();
    }

    @Test
    void samplingParametersAndStopSequencesAreMappedAndSeedIsIgnored() throws Exception {
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .maxOutputTokens(300)
                .temperature(0.25)
                .topP(0.9)
                .addStop("END")
                .addStop("\n\nHuman:")
                .seed(42)
                .user("Hi")
                .build());

        assertThat(b.get("max_tokens").asInt()).isEqualTo(300);
        assertThat(b.get("temperature").asDouble()).isEqualTo(0.25);
        assertThat(b.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(b.get("stop_sequences")).isEqualTo(tree("[\"END\",\"\\n\\nHuman:\"]"));
        assertThat(b.has("stop")).isFalse();
        assertThat(b.has("seed")).isFalse();
    }

    @Test
    void temperatureAboveAnthropicsMaximumIsRefused() {
        ChatRequest request = ChatRequest.builder("claude-haiku-4-5")
                .temperature(1.5)
                .user("Hi")
                .build();

        assertThatThrownBy(() -> provider(server).chat(request, call()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("maximum of 1");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void defaultMaxTokensIsConfigurable() throws Exception {
        server.enqueue(json(200, textAnswer("ok")));
        AnthropicTestSupport.builder(server)
                .defaultMaxTokens(1024)
                .build()
                .chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call());

        assertThat(body(take(server)).get("max_tokens").asInt()).isEqualTo(1024);
    }

    @Test
    void providerOptionsAreWrittenVerbatimAsTopLevelFields() throws Exception {
        JsonNode b = send(ChatRequest.builder("claude-haiku-4-5")
                .providerOption("top_k", 40)
                .providerOption("thinking", Map.of("type", "enabled", "budget_tokens", 2048))
                .providerOption("metadata", Map.of("user_id", "u-123"))
                .user("Hi")
                .build());

        assertThat(b.get("top_k").asInt()).isEqualTo(40);
        assertThat(b.get("thinking")).isEqualTo(tree("{\"type\":\"enabled\",\"budget_tokens\":2048}"));
        assertThat(b.get("metadata")).isEqualTo(tree("{\"user_id\":\"u-123\"}"));
    }

    @ParameterizedTest
    @CsvSource({"max_tokens", "stop_sequences", "system", "messages", "stream", "tool_choice"})
    void providerOptionsMustNotSetStandardFields(String field) {
        ChatRequest request = ChatRequest.builder("claude-haiku-4-5")
                .providerOption(field, 1)
                .user("Hi")
                .build();

        assertThatThrownBy(() -> provider(server).chat(request, call()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'" + field + "'");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void betaValuesAreSentCommaSeparatedInOneHeader() throws Exception {
        server.enqueue(json(200, textAnswer("ok")));
        AnthropicTestSupport.builder(server)
                .beta("context-1m-2025-08-07")
                .beta("token-efficient-tools-2025-02-19")
                .build()
                .chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call());

        RecordedRequest r = take(server);
        assertThat(r.getHeaders().values("anthropic-beta"))
                .containsExactly("context-1m-2025-08-07,token-efficient-tools-2025-02-19");
    }

    @Test
    void extraHeadersAreSent() throws Exception {
        server.enqueue(json(200, textAnswer("ok")));
        AnthropicTestSupport.builder(server)
                .header("x-trace", "abc")
                .build()
                .chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call());

        assertThat(take(server).getHeaders().get("x-trace")).isEqualTo("abc");
    }

    @Test
    void unicodeTextIsSentAsUtf8() throws Exception {
        JsonNode b = send(ChatRequest.of("claude-haiku-4-5", "Grüße, 世界 \uD83D\uDE00"));

        assertThat(b.get("messages").get(0).get("content").get(0).get("text").asText())
                .isEqualTo("Grüße, 世界 \uD83D\uDE00");
    }
}
