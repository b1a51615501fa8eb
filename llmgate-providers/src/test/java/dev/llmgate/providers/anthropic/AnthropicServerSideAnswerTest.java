package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.fixture;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.sseFixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.core.ObjectMappers;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.anthropic.internal.AnthropicServerSide;
import dev.llmgate.providers.anthropic.internal.AnthropicSseEncoder;
import dev.llmgate.providers.anthropic.internal.AnthropicStreamDecoder;
import dev.llmgate.providers.anthropic.internal.AnthropicWire;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.Secrets;
import dev.llmgate.providers.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Answers written back: a message edited only where the gate changed it, and streams the SDK reads as the upstream's. */
class AnthropicServerSideAnswerTest {
    static final HttpTransport TRANSPORT = new HttpTransport("anthropic", new OkHttpClient(), Timeouts.DEFAULTS, "");

    static JsonNode tree(String json) {
        return AnthropicTestSupport.tree(json);
    }

    static JsonNode written(ChatResponse r, Optional<JsonNode> upstream) {
        return tree(new String(AnthropicServerSide.writeMessage(r, upstream), StandardCharsets.UTF_8));
    }

    static com.anthropic.models.messages.Message sdkMessage(byte[] json) {
        try {
            com.anthropic.models.messages.Message m =
                    ObjectMappers.jsonMapper().readValue(json, com.anthropic.models.messages.Message.class);
            return m.validate();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anUnchangedAnswerIsTheUpstreamsMessageAsItWas() {
        JsonNode up = tree(fixture("llama-server.anthropic-tools.response.json"));
        ChatResponse r = AnthropicWire.parseResponse(up, "anthropic", Optional.empty());
        assertThat(written(r, Optional.of(up))).isEqualTo(up);
    }

    @Test
    void aChangedTextReplacesOnlyTheText() {
        ObjectNode up = (ObjectNode) tree(fixture("llama-server.anthropic-tools.response.json"));
        up.put("unknown_future_field", "kept");
        ChatResponse r =
                AnthropicWire.parseResponse(up, "anthropic", Optional.empty()).withText("[redacted by policy]");
        JsonNode out = written(r, Optional.of(up));
        ObjectNode expected = up.deepCopy();
        ((ObjectNode) expected.get("content").get(0)).put("text", "[redacted by policy]");
        assertThat(out).isEqualTo(expected);
        sdkMessage(AnthropicServerSide.writeMessage(r, Optional.of(up)));
    }

    @Test
    void aDroppedToolCallAndAChangedStopReasonChangeOnlyThose() {
        JsonNode up = tree(fixture("llama-server.anthropic-tools.response.json"));
        ChatResponse r = AnthropicWire.parseResponse(up, "anthropic", Optional.empty()).toBuilder()
                .toolCalls(List.of())
                .finishReason(FinishReason.STOP)
                .build();
        JsonNode out = written(r, Optional.of(up));
        assertThat(out.get("content")).hasSize(1);
        assertThat(out.get("content").get(0)).isEqualTo(up.get("content").get(0));
        assertThat(out.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(out.get("id")).isEqualTo(up.get("id"));
        assertThat(out.get("usage")).isEqualTo(up.get("usage"));
        // a rewritten call gets a new block; a new one is added after the text
        ToolCall changed = new ToolCall("toolu_new", "get_weather", "{\"location\":\"Boston\"}");
        JsonNode out2 = written(r.toBuilder().toolCalls(List.of(changed)).build(), Optional.of(up));
        assertThat(out2.get("content").get(1).get("input")).isEqualTo(tree("{\"location\":\"Boston\"}"));
        assertThat(out2.get("content").get(1).get("id").asText()).isEqualTo("toolu_new");
    }

    @Test
    void aSynthesisedMessageIsCompleteForTheSdk() {
        ChatResponse r = ChatResponse.builder()
                .id("msg_keep")
                .provider("openai")
                .model("gpt-x")
                .text("")
                .toolCalls(List.of(new ToolCall("call_1", "f", "")))
                .finishReason(FinishReason.TOOL_CALLS)
                .build();
        com.anthropic.models.messages.Message m = sdkMessage(AnthropicServerSide.writeMessage(r, Optional.empty()));
        assertThat(m.id()).isEqualTo("msg_keep");
        assertThat(m.content()).hasSize(1);
        assertThat(m.content().get(0).asToolUse().name()).isEqualTo("f");
        assertThat(m.usage().inputTokens()).isZero();

        ChatResponse refusal = r.toBuilder()
                .toolCalls(List.of())
                .finishReason(FinishReason.CONTENT_FILTER)
                .refusal(Optional.of("no"))
                .build();
        JsonNode out = written(refusal, Optional.empty());
        assertThat(out.get("stop_reason").asText()).isEqualTo("refusal");
        assertThat(out.path("stop_details").path("explanation").asText()).isEqualTo("no");
        sdkMessage(AnthropicServerSide.writeMessage(refusal, Optional.empty()));

        ChatResponse notJson = r.toBuilder()
                .toolCalls(List.of(new ToolCall("call_1", "f", "{not json")))
                .build();
        assertThatThrownBy(() -> AnthropicServerSide.writeMessage(notJson, Optional.empty()))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("not a JSON object")
                .hasMessageNotContaining("{not json");
    }

    // ---------------------------------------------------------------------------------------------
    // Streams

    record Frame(String event, String data) {}

    static List<Frame> frames(String sse) {
        List<Frame> out = new ArrayList<>();
        for (String chunk : sse.split("\n\n")) {
            String event = "";
            StringBuilder data = new StringBuilder();
            for (String line : chunk.split("\n")) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            if (!data.isEmpty()) {
                out.add(new Frame(event, data.toString()));
            }
        }
        return out;
    }

    /** What the SDK makes of a stream: every frame parsed and validated by its own classes, then accumulated. */
    static com.anthropic.models.messages.Message accumulate(List<Frame> frames) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        for (Frame f : frames) {
            if (f.event().equals("ping")) {
                continue;
            }
            try {
                RawMessageStreamEvent e = ObjectMappers.jsonMapper().readValue(f.data(), RawMessageStreamEvent.class);
                e.validate();
                accumulator.accumulate(e);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return accumulator.message();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "basic_response.sse",
                "tool_use_response.sse",
                "refusal_response.sse",
                "incomplete_partial_json_response.sse",
                "llama-server.anthropic-messages-stream.response.sse",
                "llama-server.anthropic-tools-stream.response.sse"
            })
    void aReEncodedUpstreamStreamAccumulatesToTheSameMessage(String name) {
        String upstream = sseFixture(name);
        AnthropicStreamDecoder decoder =
                new AnthropicStreamDecoder(TRANSPORT.errors(), Headers.of(), Fixtures.streaming(), Optional.empty());
        List<StreamEvent> events = new ArrayList<>();
        for (Frame f : frames(upstream)) {
            decoder.decode(f.event(), f.data(), events::add);
        }
        AnthropicSseEncoder encoder = new AnthropicSseEncoder("asked-model", decoder::messageStart, decoder::stop);
        StringBuilder sse = new StringBuilder();
        for (StreamEvent e : events) {
            sse.append(new String(encoder.encode(e), StandardCharsets.UTF_8));
        }
        List<Frame> encoded = frames(sse.toString());
        for (Frame f : encoded) {
            assertThat(tree(f.data()).get("type").asText()).isEqualTo(f.event());
        }
        com.anthropic.models.messages.Message original = accumulate(frames(upstream));
        com.anthropic.models.messages.Message again = accumulate(encoded);
        assertThat(again.id()).isEqualTo(original.id());
        assertThat(again.model()).isEqualTo(original.model());
        assertThat(again.stopReason()).isEqualTo(original.stopReason());
        assertThat(again.stopSequence()).isEqualTo(original.stopSequence());
        assertThat(again.usage().inputTokens()).isEqualTo(original.usage().inputTokens());
        assertThat(again.usage().outputTokens()).isEqualTo(original.usage().outputTokens());
        assertThat(again.usage().cacheReadInputTokens().orElse(0L))
                .isEqualTo(original.usage().cacheReadInputTokens().orElse(0L));
        List<String> want = new ArrayList<>();
        // an empty text block (the refusal fixture opens one and writes nothing) carries no event of the gate's
        original.content()
                .forEach(b -> b.text().filter(t -> !t.text().isEmpty()).ifPresent(t -> want.add("text:" + t.text())));
        original.content().forEach(b -> b.toolUse().ifPresent(t -> want.add(t.id() + t.name() + t._input())));
        List<String> got = new ArrayList<>();
        again.content().forEach(b -> b.text().ifPresent(t -> got.add("text:" + t.text())));
        again.content().forEach(b -> b.toolUse().ifPresent(t -> got.add(t.id() + t.name() + t._input())));
        // the gate joins adjacent text; the upstream's text blocks split by nothing else read the same
        assertThat(String.join("|", got).replace("|text:", ""))
                .isEqualTo(String.join("|", want).replace("|text:", ""));
    }

    @Test
    void theDecoderReportsTheUpstreamsStartAndStopWithoutChangingItsEvents() {
        AnthropicStreamDecoder decoder =
                new AnthropicStreamDecoder(TRANSPORT.errors(), Headers.of(), Fixtures.streaming(), Optional.empty());
        assertThat(decoder.messageStart()).isEmpty();
        assertThat(decoder.stop()).isEmpty();
        List<StreamEvent> events = new ArrayList<>();
        for (Frame f : frames(sseFixture("tool_use_response.sse"))) {
            decoder.decode(f.event(), f.data(), events::add);
        }
        assertThat(decoder.messageStart()).hasValueSatisfying(s -> {
            assertThat(s.id()).isEqualTo("msg_019Q1hrJbZG26Fb9BQhrkHEr");
            assertThat(s.model()).isEqualTo("claude-sonnet-4-20250514");
            assertThat(s.usage().get("service_tier").asText()).isEqualTo("standard");
        });
        assertThat(decoder.stop()).contains(new AnthropicStreamDecoder.Stop("tool_use", Optional.empty()));
        assertThat(events.get(events.size() - 1)).isInstanceOf(StreamEvent.Finish.class);
    }

    @Test
    void theEncoderWritesTheDocumentedSequenceExactly() {
        AnthropicSseEncoder encoder = new AnthropicSseEncoder(
                "m",
                () -> Optional.of(new AnthropicStreamDecoder.MessageStart(
                        "msg_1", "claude-x", tree("{\"input_tokens\":3,\"output_tokens\":1}"))),
                () -> Optional.of(new AnthropicStreamDecoder.Stop("stop_sequence", Optional.of("END"))));
        StringBuilder out = new StringBuilder();
        for (StreamEvent e : List.of(
                new StreamEvent.TextDelta("a\"\\\n\u0001\uD800"),
                StreamEvent.Finish.of(FinishReason.STOP, "msg_1", "anthropic", "claude-x"),
                new StreamEvent.TextDelta("after the end"))) {
            out.append(new String(encoder.encode(e), StandardCharsets.UTF_8));
        }
        assertThat(out.toString())
                .isEqualTo("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],"
                        + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
                        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"a\\\"\\\\\\n\\u0001\\ud800\"}}\n\n"
                        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                        + "\"stop_sequence\",\"stop_sequence\":\"END\"},\"usage\":{\"input_tokens\":0,"
                        + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":0}}\n\n"
                        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertThat(encoder.done()).isTrue();
        // the lone surrogate survives: JSON readers turn the escape back into the same char
        assertThat(tree(frames(out.toString()).get(2).data())
                        .path("delta")
                        .path("text")
                        .asText())
                .isEqualTo("a\"\\\n\u0001\uD800");
    }

    @Test
    void interleavedToolCallDeltasEndTheStreamWithAnErrorRatherThanBeDropped() {
        AnthropicSseEncoder encoder = AnthropicSseEncoder.synthesised("m");
        StringBuilder out = new StringBuilder();
        for (StreamEvent e : List.of(
                new StreamEvent.ToolCallDelta(0, Optional.of("a"), Optional.of("f"), "{"),
                new StreamEvent.ToolCallDelta(1, Optional.of("b"), Optional.of("g"), "{"),
                new StreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "}"),
                StreamEvent.Finish.of(FinishReason.TOOL_CALLS, "", "", ""))) {
            out.append(new String(encoder.encode(e), StandardCharsets.UTF_8));
        }
        List<Frame> frames = frames(out.toString());
        assertThat(frames.get(frames.size() - 1).event()).isEqualTo("error");
        assertThat(frames).noneMatch(f -> f.event().equals("message_stop"));
        assertThat(tree(frames.get(frames.size() - 1).data())
                        .path("error")
                        .path("type")
                        .asText())
                .isEqualTo("api_error");
    }

    @Test
    void anErrorFrameMasksTheKey() {
        String key = AnthropicTestSupport.KEY;
        byte[] frame = AnthropicSseEncoder.synthesised("m")
                .error(
                        new dev.llmgate.api.exception.NetworkException(
                                "reset; sent x-api-key " + key, dev.llmgate.api.exception.ErrorDetails.NONE, null),
                        Secrets.of(key));
        String text = new String(frame, StandardCharsets.UTF_8);
        assertThat(text).startsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"");
        assertThat(text).doesNotContain("TESTKEY").endsWith("\n\n");
    }
}
