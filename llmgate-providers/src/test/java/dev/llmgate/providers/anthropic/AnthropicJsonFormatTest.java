package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.body;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.call;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.drain;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.event;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.json;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.provider;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.sse;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.streamingCall;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.take;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.textAnswer;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.exception.InvalidRequestException;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * JSON response formats: a JSON Schema goes out as structured outputs ({@code output_config.format}) by
 * default, or as a forced tool in {@link AnthropicProvider.JsonSchemaMode#FORCED_TOOL} mode; a JSON
 * object always as the forced tool {@code json_object}.
 */
class AnthropicJsonFormatTest {
    private static final String SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}},"
                    + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private static ChatRequest schemaRequest() {
        return ChatRequest.builder("claude-haiku-4-5")
                .responseFormat(ResponseFormat.jsonSchema("person", SCHEMA, true))
                .user("Extract: Ada, 36")
                .build();
    }

    private static String forcedToolAnswer(String tool, String input) {
        return "{\"id\":\"msg_j\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-3-5-haiku-latest\",\"content\":["
                + "{\"type\":\"tool_use\",\"id\":\"toolu_j\",\"name\":\"" + tool + "\",\"input\":" + input + "}],"
                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":40,\"output_tokens\":12}}";
    }

    @Test
    void jsonSchemaIsSentAsOutputConfigFormatByDefault() throws Exception {
        server.enqueue(json(200, textAnswer("{\\\"name\\\":\\\"Ada\\\",\\\"age\\\":36}")));
        ChatResponse response = provider(server).chat(schemaRequest(), call());

        JsonNode b = body(take(server));
        assertThat(b.get("output_config"))
                .isEqualTo(tree("{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"));
        assertThat(b.has("output_format")).isFalse();
        assertThat(b.has("tools")).isFalse();
        assertThat(b.has("tool_choice")).isFalse();
        assertThat(response.text()).isEqualTo("{\"name\":\"Ada\",\"age\":36}");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void outputConfigJsonSchemaCanBeCombinedWithTools() throws Exception {
        server.enqueue(json(200, textAnswer("{}")));
        provider(server)
                .chat(
                        schemaRequest().toBuilder()
                                .addTool(ToolDefinition.of("lookup", "", "{\"type\":\"object\",\"properties\":{}}"))
                                .build(),
                        call());

        JsonNode b = body(take(server));
        assertThat(b.get("output_config").get("format").get("type").asText()).isEqualTo("json_schema");
        assertThat(b.get("tools")).hasSize(1);
    }

    @Test
    void outputConfigInProviderOptionsIsRefusedWithAJsonSchemaButAllowedOtherwise() throws Exception {
        ChatRequest clash = schemaRequest().toBuilder()
                .providerOption("output_config", Map.of("effort", "low"))
                .build();
        assertThatThrownBy(() -> provider(server).chat(clash, call()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("output_config");

        server.enqueue(json(200, textAnswer("ok")));
        provider(server)
                .chat(
                        ChatRequest.builder("claude-haiku-4-5")
                                .providerOption("output_config", Map.of("effort", "low"))
                                .user("Hi")
                                .build(),
                        call());
        assertThat(body(take(server)).get("output_config")).isEqualTo(tree("{\"effort\":\"low\"}"));
    }

    @Test
    void forcedToolModeSendsTheSchemaAsAForcedToolAndReturnsItsInputAsText() throws Exception {
        server.enqueue(json(200, forcedToolAnswer("person", "{\"name\":\"Ada\",\"age\":36}")));
        AnthropicProvider provider = AnthropicTestSupport.builder(server)
                .jsonSchemaMode(AnthropicProvider.JsonSchemaMode.FORCED_TOOL)
                .build();
        ChatResponse response = provider.chat(schemaRequest(), call());

        JsonNode b = body(take(server));
        assertThat(b.has("output_config")).isFalse();
        JsonNode tools = b.get("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.get(0).get("name").asText()).isEqualTo("person");
        assertThat(tools.get(0).get("input_schema")).isEqualTo(tree(SCHEMA));
        assertThat(tools.get(0).get("strict").asBoolean()).isTrue();
        assertThat(b.get("tool_choice")).isEqualTo(tree("{\"type\":\"tool\",\"name\":\"person\"}"));

        assertThat(tree(response.text())).isEqualTo(tree("{\"name\":\"Ada\",\"age\":36}"));
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void forcedToolModeStreamsTheToolInputAsText() {
        server.enqueue(sse(event(
                        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"model\":\"m\",\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}")
                + event(
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_s\",\"name\":\"person\",\"input\":{}}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"name\\\": \\\"A\"}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"da\\\", \\\"age\\\": 36}\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + event(
                        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":14}}")
                + event("{\"type\":\"message_stop\"}")));
        AnthropicProvider provider = AnthropicTestSupport.builder(server)
                .jsonSchemaMode(AnthropicProvider.JsonSchemaMode.FORCED_TOOL)
                .build();

        List<StreamEvent> events = drain(provider.stream(schemaRequest(), streamingCall()));

        assertThat(events).noneMatch(e -> e instanceof StreamEvent.ToolCallDelta);
        StringBuilder text = new StringBuilder();
        events.stream()
                .filter(e -> e instanceof StreamEvent.TextDelta)
                .forEach(e -> text.append(((StreamEvent.TextDelta) e).text()));
        assertThat(tree(text.toString())).isEqualTo(tree("{\"name\":\"Ada\",\"age\":36}"));
        StreamEvent last = events.get(events.size() - 1);
        assertThat(((StreamEvent.Finish) last).reason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void jsonObjectIsSentAsTheForcedJsonObjectTool() throws Exception {
        server.enqueue(json(200, forcedToolAnswer("json_object", "{\"colors\":[\"red\",\"blue\"]}")));
        ChatResponse response = provider(server)
                .chat(
                        ChatRequest.builder("claude-haiku-4-5")
                                .responseFormat(ResponseFormat.jsonObject())
                                .user("Two colors as JSON")
                                .build(),
                        call());

        JsonNode b = body(take(server));
        assertThat(b.get("tools")).hasSize(1);
        assertThat(b.get("tools").get(0).get("name").asText()).isEqualTo("json_object");
        assertThat(b.get("tools").get(0).get("input_schema")).isEqualTo(tree("{\"type\":\"object\"}"));
        assertThat(b.get("tool_choice")).isEqualTo(tree("{\"type\":\"tool\",\"name\":\"json_object\"}"));
        assertThat(b.has("output_config")).isFalse();
        assertThat(tree(response.text())).isEqualTo(tree("{\"colors\":[\"red\",\"blue\"]}"));
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aForcedAnswerToolCannotBeCombinedWithTheRequestsTools() {
        ChatRequest request = ChatRequest.builder("claude-haiku-4-5")
                .responseFormat(ResponseFormat.jsonObject())
                .addTool(ToolDefinition.of("lookup", "", "{\"type\":\"object\",\"properties\":{}}"))
                .user("Hi")
                .build();

        assertThatThrownBy(() -> provider(server).chat(request, call()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("forced tool")
                .hasMessageContaining("remove the tools");
        assertThat(server.getRequestCount()).isZero();
    }
}
