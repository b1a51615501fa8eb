package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.body;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.drain;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.event;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.provider;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.sse;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.sseFixture;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.streamingCall;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.take;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.StreamInterruptedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Streamed answers: SDK and captured fixtures, tool-call assembly, usage, truncation and error events. */
class AnthropicStreamTest {
    private static final String WEATHER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}";
    private static final String START = event(
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"content\":[],\"model\":\"claude-haiku-4-5\",\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}");

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private List<StreamEvent> stream(String body) {
        server.enqueue(sse(body));
        return drain(provider(server).stream(ChatRequest.of("claude-haiku-4-5", "Hi"), streamingCall()));
    }

    private static List<String> texts(List<StreamEvent> events) {
        List<String> out = new ArrayList<>();
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.TextDelta) {
                out.add(((StreamEvent.TextDelta) e).text());
            }
        }
        return out;
    }

    private static <T extends StreamEvent> List<T> only(List<StreamEvent> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (StreamEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    @Test
    void sdkTextStream() throws Exception {
        List<StreamEvent> events = stream(sseFixture("basic_response.sse"));

        assertThat(body(take(server)).get("stream").asBoolean()).isTrue();
        assertThat(texts(events)).containsExactly("Hello", " there", "!");
        assertThat(events.get(events.size() - 2)).isEqualTo(new StreamEvent.UsageUpdate(Usage.of(11, 6)));
        StreamEvent.Finish finish = (StreamEvent.Finish) events.get(events.size() - 1);
        assertThat(finish.reason()).isEqualTo(FinishReason.STOP);
        assertThat(finish.responseId()).isEqualTo("msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK");
        assertThat(finish.model()).isEqualTo("claude-3-opus-latest");
        assertThat(finish.provider()).isEqualTo("anthropic");
        assertThat(finish.refusal()).isEmpty();
        assertThat(only(events, StreamEvent.UsageUpdate.class)).hasSize(1);
    }

    @Test
    void capturedStreamWithCacheReadsCollectsToTheBlockingShape() {
        server.enqueue(sse(sseFixture("llama-server.anthropic-messages-stream.response.sse")));
        ChatResponse r = provider(server).stream(ChatRequest.of("tiny-test-llama", "Say hello"), streamingCall())
                .collect();

        assertThat(r.text()).isEqualTo("Hello from a tiny test model.");
        assertThat(r.id()).isEqualTo("chatcmpl-pIakx6E1EF5euwXIqHOf99nQ7EWBoNFI");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(new Usage(51, 8, 50, 0, 0));
    }

    @Test
    void sdkToolUseStreamAssemblesInputJsonDeltas() {
        server.enqueue(sse(sseFixture("tool_use_response.sse")));
        ChatRequest request = ChatRequest.builder("claude-sonnet-4-20250514")
                .addTool(ToolDefinition.of("get_weather", "Weather", WEATHER_SCHEMA))
                .user("Weather in Paris?")
                .build();
        List<StreamEvent> events = drain(provider(server).stream(request, streamingCall()));

        List<StreamEvent.ToolCallDelta> deltas = only(events, StreamEvent.ToolCallDelta.class);
        assertThat(deltas).allMatch(d -> d.index() == 0, "content block 1 is tool call 0");
        assertThat(deltas.get(0).id()).contains("toolu_01NRLabsLyVHZPKxbKvkfSMn");
        assertThat(deltas.get(0).name()).contains("get_weather");
        assertThat(deltas.subList(1, deltas.size()))
                .allMatch(d -> d.id().isEmpty() && d.name().isEmpty());
        assertThat(deltas)
                .extracting(StreamEvent.ToolCallDelta::argumentsDelta)
                .containsExactly("", "{\"locati", "on\": \"P", "ar", "is\"}");

        ChatResponse r = collect(events);
        assertThat(r.text()).isEqualTo("I'll check the current weather in Paris for you.");
        assertThat(r.toolCalls())
                .containsExactly(
                        new ToolCall("toolu_01NRLabsLyVHZPKxbKvkfSMn", "get_weather", "{\"location\": \"Paris\"}"));
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.usage()).isEqualTo(Usage.of(377, 65));
        assertThat(r.model()).isEqualTo("claude-sonnet-4-20250514");
    }

    @Test
    void capturedToolStreamMapsBlockIndexOneToToolCallZero() {
        server.enqueue(sse(sseFixture("llama-server.anthropic-tools-stream.response.sse")));
        ChatResponse r = provider(server).stream(
                        ChatRequest.of("tiny-test-llama", "Weather in Paris?"), streamingCall())
                .collect();

        assertThat(r.text()).isEqualTo("Hello from a tiny test model.");
        assertThat(r.toolCalls()).hasSize(1);
        assertThat(r.toolCalls().get(0).id()).isEqualTo("Xog5Tl9w9sBbxUCxV1pCzi4CCHXc2Ji5");
        assertThat(tree(r.toolCalls().get(0).argumentsJson())).isEqualTo(tree("{\"location\":\"Paris\"}"));
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.usage()).isEqualTo(new Usage(632, 66, 631, 0, 0));
    }

    @Test
    void twoToolUseBlocksGetToolCallIndexesZeroAndOne() {
        List<StreamEvent> events = stream(START
                + event(
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Two calls.\"}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + event(
                        "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"get_weather\",\"input\":{}}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\":\\\"Paris\\\"}\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":1}")
                + event(
                        "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"get_weather\",\"input\":{}}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\":\\\"Rome\\\"}\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":2}")
                + event(
                        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}")
                + event("{\"type\":\"message_stop\"}"));

        assertThat(texts(events)).as("thinking is not answer text").isEmpty();
        ChatResponse r = collect(events);
        assertThat(r.toolCalls())
                .containsExactly(
                        new ToolCall("toolu_a", "get_weather", "{\"location\":\"Paris\"}"),
                        new ToolCall("toolu_b", "get_weather", "{\"location\":\"Rome\"}"));
    }

    @Test
    void messageDeltaUsageIsCumulativeAndCacheFieldsCount() {
        List<StreamEvent> events = stream(event(
                        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_u\",\"model\":\"claude-haiku-4-5\","
                                + "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":4000,\"output_tokens\":1}}}")
                + event(
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}")
                + event(
                        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},\"usage\":{\"output_tokens\":20}}")
                + event(
                        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":30}}")
                + event("{\"type\":\"message_stop\"}"));

        assertThat(only(events, StreamEvent.UsageUpdate.class))
                .containsExactly(new StreamEvent.UsageUpdate(new Usage(4312, 30, 4000, 0, 300)));
        assertThat(((StreamEvent.Finish) events.get(events.size() - 1)).reason())
                .isEqualTo(FinishReason.STOP);
    }

    @Test
    void messageDeltaWithFullUsageReplacesTheStartCounts() {
        List<StreamEvent> events = stream(START
                + event("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                        + "\"usage\":{\"input_tokens\":25,\"cache_read_input_tokens\":5,\"output_tokens\":9}}")
                + event("{\"type\":\"message_stop\"}"));

        assertThat(only(events, StreamEvent.UsageUpdate.class))
                .containsExactly(new StreamEvent.UsageUpdate(new Usage(30, 9, 5, 0, 0)));
    }

    @Test
    void sdkRefusalStream() {
        List<StreamEvent> events = stream(sseFixture("refusal_response.sse"));

        StreamEvent.Finish finish = (StreamEvent.Finish) events.get(events.size() - 1);
        assertThat(finish.reason()).isEqualTo(FinishReason.CONTENT_FILTER);
        assertThat(finish.refusal()).isEqualTo(Optional.of("This request was refused due to policy."));
    }

    @Test
    void sdkMaxTokensStreamEndsWithLengthAndThePartialArguments() {
        ChatResponse r = collect(stream(sseFixture("incomplete_partial_json_response.sse")));

        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.toolCalls()).hasSize(1);
        assertThat(r.toolCalls().get(0).name()).isEqualTo("make_file");
        assertThat(r.toolCalls().get(0).argumentsJson())
                .startsWith("{\"filename\": \"taxes.txt\"")
                .endsWith("\"Filing taxes");
        assertThat(r.usage()).isEqualTo(Usage.of(450, 124));
    }

    @Test
    void aStreamThatEndsWithoutMessageStopIsInterrupted() {
        String full = sseFixture("basic_response.sse");
        String truncated = full.substring(0, full.indexOf("event: message_stop"));
        server.enqueue(sse(truncated));

        List<StreamEvent> seen = new ArrayList<>();
        ChatStream stream = provider(server).stream(ChatRequest.of("claude-haiku-4-5", "Hi"), streamingCall());
        assertThatThrownBy(() -> {
                    while (stream.hasNext()) {
                        seen.add(stream.next());
                    }
                })
                .isInstanceOf(StreamInterruptedException.class);
        assertThat(texts(seen)).containsExactly("Hello", " there", "!");
        assertThat(seen).noneMatch(StreamEvent::isTerminal);
        assertThatThrownBy(stream::hasNext)
                .as("the failure is raised again")
                .isInstanceOf(StreamInterruptedException.class);
        stream.close();
    }

    @Test
    void aTruncatedStreamNeverCollectsToAResponse() {
        server.enqueue(
                sse(
                        START
                                + event(
                                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                                + event(
                                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Half an ans\"}}")));

        ChatStream stream = provider(server).stream(ChatRequest.of("claude-haiku-4-5", "Hi"), streamingCall());
        assertThatThrownBy(stream::collect)
                .isInstanceOf(StreamInterruptedException.class)
                .isInstanceOf(LlmException.class);
    }

    @Test
    void anOverloadedErrorEventMidStreamIsAnOverloadedException() {
        server.enqueue(
                sse(
                        START
                                + event(
                                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                                + event(
                                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}")
                                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"));

        List<StreamEvent> seen = new ArrayList<>();
        ChatStream stream = provider(server).stream(ChatRequest.of("claude-haiku-4-5", "Hi"), streamingCall());
        OverloadedException e = catchThrowableOfType(OverloadedException.class, () -> {
            while (stream.hasNext()) {
                seen.add(stream.next());
            }
        });
        assertThat(e).isNotNull();
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("Overloaded");
        assertThat(e.details().provider()).contains("anthropic");
        assertThat(e.details().errorCode()).contains("overloaded_error");
        assertThat(texts(seen)).containsExactly("Hel");
        stream.close();
    }

    @Test
    void pingAndUnknownEventsAreIgnored() {
        List<StreamEvent> events = stream(START + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
                + event(
                        "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("{\"type\":\"some_new_event\",\"index\":0}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\",\"citation\":{}}}")
                + event(
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}")
                + event("{\"type\":\"content_block_stop\",\"index\":0}")
                + event(
                        "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}")
                + event("{\"type\":\"message_stop\"}"));

        assertThat(texts(events)).containsExactly("ok");
        assertThat(events).hasSize(3);
    }

    @Test
    void anEventThatIsNotJsonIsAProviderError() {
        server.enqueue(sse(START + "event: content_block_delta\ndata: {not json\n\n"));

        ChatStream stream = provider(server).stream(ChatRequest.of("claude-haiku-4-5", "Hi"), streamingCall());
        assertThatThrownBy(stream::collect)
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("not valid JSON");
    }

    private static ChatResponse collect(List<StreamEvent> events) {
        dev.llmgate.api.StreamAccumulator acc = new dev.llmgate.api.StreamAccumulator();
        events.forEach(acc::accept);
        return acc.toResponse();
    }
}
