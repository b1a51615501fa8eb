package dev.llmgate.providers.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.StreamDecoder;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import okhttp3.Headers;

/**
 * Decodes the Messages API's server-sent events. Guarantees:
 * <ul>
 *   <li>{@code text_delta}s pass straight through as {@link StreamEvent.TextDelta}s.</li>
 *   <li>A {@code tool_use} block start becomes a {@link StreamEvent.ToolCallDelta} with the call's id
 *       and name, and its {@code input_json_delta}s append to the arguments; Anthropic's content-block
 *       index is mapped to a 0-based tool-call index (first tool call 0, second 1, ...).</li>
 *   <li>Thinking, signature, citation and server-tool blocks and deltas, {@code ping} and unknown
 *       events are ignored.</li>
 *   <li>Usage is taken from {@code message_start} and updated by {@code message_delta} (whose counts
 *       are cumulative, so they replace, never add); it is emitted once, as a
 *       {@link StreamEvent.UsageUpdate} right before the {@link StreamEvent.Finish}.</li>
 *   <li>Only {@code message_stop} ends the stream successfully; an {@code error} event throws the
 *       typed exception of its error type (e.g. {@code overloaded_error} an
 *       {@link dev.llmgate.api.exception.OverloadedException}).</li>
 *   <li>With a forced answer tool (JSON response format sent as a tool), that tool's input deltas are
 *       the answer's text deltas and no tool call is reported.</li>
 * </ul>
 *
 * <p>It also keeps what the upstream's own events said about the message as a whole, for a server side
 * that re-encodes the stream in Anthropic's format ({@link AnthropicSseEncoder}): {@link #messageStart()}
 * and {@link #stop()}. Keeping them changes nothing of the above.
 */
public final class AnthropicStreamDecoder implements StreamDecoder {
    /**
     * What the upstream's {@code message_start} said.
     *
     * @param id    the message id
     * @param model the model that answers
     * @param usage the {@code usage} object as sent, its counts only ({@link AnthropicWire#countsOnly}; an empty object
     *     if it sent none)
     */
    public record MessageStart(String id, String model, JsonNode usage) {}

    /**
     * What the upstream's {@code message_delta} events said about the end.
     *
     * @param reason   the raw {@code stop_reason}
     * @param sequence the {@code stop_sequence} that ended the answer, if one did
     */
    public record Stop(String reason, Optional<String> sequence) {}

    private final ProviderErrors errors;
    private final Headers headers;
    private final CallContext call;
    private final Optional<String> answerTool;

    private String id = "";
    private String model = "";
    private long inputTokens;
    private long outputTokens;
    private long cacheReadTokens;
    private long cacheWriteTokens;
    private String stopReason = "";
    private JsonNode stopDetails;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private final Set<Integer> answerBlocks = new HashSet<>();
    private boolean finished;
    private MessageStart start;
    private String stopSequence = "";

    /**
     * @param answerTool the synthetic tool whose input is the answer's text (forced-tool JSON), if any
     */
    public AnthropicStreamDecoder(
            ProviderErrors errors, Headers headers, CallContext call, Optional<String> answerTool) {
        this.errors = errors;
        this.headers = headers;
        this.call = call;
        this.answerTool = answerTool;
    }

    @Override
    public void decode(String event, String data, Consumer<StreamEvent> out) {
        if (finished) {
            return;
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            throw malformed("a stream event that is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw malformed("a stream event that is not a JSON object");
        }
        String type = Json.text(node, "type");
        if (type.isEmpty()) {
            type = event;
        }
        switch (type) {
            case "message_start":
                messageStart(node.path("message"));
                break;
            case "content_block_start":
                blockStart(node.path("index").asInt(-1), node.path("content_block"), out);
                break;
            case "content_block_delta":
                blockDelta(node.path("index").asInt(-1), node.path("delta"), out);
                break;
            case "message_delta":
                messageDelta(node);
                break;
            case "message_stop":
                finished = true;
                out.accept(new StreamEvent.UsageUpdate(
                        AnthropicWire.usage(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens)));
                FinishReason reason = AnthropicWire.finishReason(stopReason, !toolIndexByBlock.isEmpty());
                if (reason == FinishReason.TOOL_CALLS && toolIndexByBlock.isEmpty() && !answerBlocks.isEmpty()) {
                    reason = FinishReason.STOP;
                }
                out.accept(StreamEvent.Finish.builder(reason)
                        .responseId(id)
                        .provider(errors.provider())
                        .model(model)
                        .refusal(AnthropicWire.refusal(stopReason, stopDetails))
                        .build());
                break;
            case "error":
                throw errors.inBody(node, headers, call);
            default:
                // ping, content_block_stop and event types added after this adapter was written
                break;
        }
    }

    private void messageStart(JsonNode message) {
        id = Json.text(message, "id");
        model = Json.text(message, "model");
        JsonNode u = message.get("usage");
        if (u != null && u.isObject()) {
            updateUsage(u);
        }
        start = new MessageStart(
                id, model, u != null && u.isObject() ? AnthropicWire.countsOnly(u) : Json.MAPPER.createObjectNode());
    }

    private void messageDelta(JsonNode node) {
        JsonNode delta = node.path("delta");
        String reason = Json.text(delta, "stop_reason");
        if (!reason.isEmpty()) {
            stopReason = reason;
            stopSequence = Json.text(delta, "stop_sequence");
        }
        JsonNode details = delta.get("stop_details");
        if (details != null && details.isObject()) {
            stopDetails = details;
        }
        JsonNode u = node.get("usage");
        if (u != null && u.isObject()) {
            updateUsage(u);
        }
    }

    /** Counts are cumulative: a field present replaces the one held, a field absent keeps it. */
    private void updateUsage(JsonNode u) {
        inputTokens = replace(u, "input_tokens", inputTokens);
        outputTokens = replace(u, "output_tokens", outputTokens);
        cacheReadTokens = replace(u, "cache_read_input_tokens", cacheReadTokens);
        cacheWriteTokens = replace(u, "cache_creation_input_tokens", cacheWriteTokens);
    }

    private static long replace(JsonNode u, String field, long current) {
        JsonNode v = u.get(field);
        return v == null || !v.isNumber() ? current : Math.max(0, v.asLong());
    }

    private void blockStart(int index, JsonNode block, Consumer<StreamEvent> out) {
        String type = Json.text(block, "type");
        if (type.equals("text")) {
            String text = Json.text(block, "text");
            if (!text.isEmpty() && answerTool.isEmpty()) {
                out.accept(new StreamEvent.TextDelta(text));
            }
        } else if (type.equals("tool_use")) {
            String name = Json.text(block, "name");
            if (answerTool.isPresent() && answerTool.get().equals(name) && answerBlocks.isEmpty()) {
                answerBlocks.add(index);
                return;
            }
            int toolIndex = toolIndexByBlock.size();
            toolIndexByBlock.put(index, toolIndex);
            String callId = Json.text(block, "id");
            out.accept(new StreamEvent.ToolCallDelta(
                    toolIndex,
                    callId.isEmpty() ? Optional.empty() : Optional.of(callId),
                    name.isEmpty() ? Optional.empty() : Optional.of(name),
                    ""));
        }
    }

    private void blockDelta(int index, JsonNode delta, Consumer<StreamEvent> out) {
        String type = Json.text(delta, "type");
        if (type.equals("text_delta")) {
            String text = Json.text(delta, "text");
            if (!text.isEmpty() && answerTool.isEmpty()) {
                out.accept(new StreamEvent.TextDelta(text));
            }
        } else if (type.equals("input_json_delta")) {
            String json = Json.text(delta, "partial_json");
            if (json.isEmpty()) {
                return;
            }
            if (answerBlocks.contains(index)) {
                out.accept(new StreamEvent.TextDelta(json));
                return;
            }
            Integer toolIndex = toolIndexByBlock.get(index);
            if (toolIndex != null) {
                out.accept(new StreamEvent.ToolCallDelta(toolIndex, Optional.empty(), Optional.empty(), json));
            }
        }
        // thinking_delta, signature_delta, citations_delta and later delta types carry nothing this API represents
    }

    /** What the upstream's {@code message_start} said, once it was decoded. */
    public Optional<MessageStart> messageStart() {
        return Optional.ofNullable(start);
    }

    /** The upstream's stop reason and sequence, once a {@code message_delta} carried a stop reason. */
    public Optional<Stop> stop() {
        return stopReason.isEmpty()
                ? Optional.empty()
                : Optional.of(
                        new Stop(stopReason, stopSequence.isEmpty() ? Optional.empty() : Optional.of(stopSequence)));
    }

    private ProviderException malformed(String what) {
        return new ProviderException("the provider sent " + what, ErrorDetails.of(errors.provider()), true);
    }
}
