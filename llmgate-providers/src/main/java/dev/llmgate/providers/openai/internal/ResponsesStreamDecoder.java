package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.StreamDecoder;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import okhttp3.Headers;

/**
 * Decodes a streamed OpenAI Responses answer ({@code response.*} events) into the chain's events: text
 * deltas, function-call deltas, the usage and the finish from {@code response.completed} (or
 * {@code response.incomplete}). An event that carries text the gate does not model (reasoning
 * summaries, hosted tools' output, audio) fails the stream rather than letting that text pass
 * unexamined. Keeps upstream's completed {@code response} object for the encoder. One per stream.
 */
final class ResponsesStreamDecoder implements StreamDecoder {
    /** Events that carry nothing the chain needs: their content arrives in the deltas. */
    private static final Set<String> IGNORED = Set.of(
            "response.created",
            "response.in_progress",
            "response.queued",
            "response.content_part.added",
            "response.content_part.done",
            "response.output_text.done",
            "response.output_text.annotation.added",
            "response.refusal.done",
            "response.output_item.done",
            "response.function_call_arguments.done");

    private final ProviderErrors errors;
    private final Headers headers;
    private final CallContext call;
    private final Map<Integer, Integer> toolIndexByOutput = new HashMap<>();
    private StringBuilder refusal;
    private JsonNode completed;

    ResponsesStreamDecoder(ProviderErrors errors, Headers headers, CallContext call) {
        this.errors = errors;
        this.headers = headers;
        this.call = call;
    }

    /** Upstream's final {@code response} object, once its {@code response.completed} was read. */
    Optional<JsonNode> completed() {
        return Optional.ofNullable(completed);
    }

    @Override
    public void decode(String event, String data, Consumer<StreamEvent> out) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw new ProviderException(
                    "the provider sent a stream event that is not a JSON object",
                    ErrorDetails.of(errors.provider()),
                    true);
        }
        String type = Json.text(node, "type");
        if (IGNORED.contains(type)) {
            return;
        }
        switch (type) {
            case "response.output_text.delta":
                String delta = Json.text(node, "delta");
                if (!delta.isEmpty()) {
                    out.accept(new StreamEvent.TextDelta(delta));
                }
                return;
            case "response.refusal.delta":
                if (refusal == null) {
                    refusal = new StringBuilder();
                }
                refusal.append(Json.text(node, "delta"));
                return;
            case "response.output_item.added":
                JsonNode item = node.path("item");
                String itemType = Json.text(item, "type");
                if (itemType.equals("function_call")) {
                    int index = toolIndexByOutput.size();
                    toolIndexByOutput.put(node.path("output_index").asInt(), index);
                    out.accept(new StreamEvent.ToolCallDelta(
                            index,
                            Optional.of(Json.text(item, "call_id")),
                            Optional.of(Json.text(item, "name")),
                            Json.text(item, "arguments")));
                } else if (!itemType.equals("message")
                        && !(itemType.equals("reasoning")
                                && item.path("summary").isEmpty())) {
                    throw unexaminable("an output item of type '" + itemType + "'");
                }
                return;
            case "response.function_call_arguments.delta":
                Integer index = toolIndexByOutput.get(node.path("output_index").asInt());
                if (index == null) {
                    throw new ProviderException(
                            "the provider sent arguments for a function call it had not announced",
                            ErrorDetails.of(errors.provider()),
                            true);
                }
                out.accept(new StreamEvent.ToolCallDelta(
                        index, Optional.empty(), Optional.empty(), Json.text(node, "delta")));
                return;
            case "response.completed":
            case "response.incomplete":
                JsonNode response = node.path("response");
                checkCompleted(response);
                completed = response;
                JsonNode u = response.path("usage");
                out.accept(new StreamEvent.UsageUpdate(
                        Usage.of(Json.number(u, "input_tokens"), Json.number(u, "output_tokens"))));
                FinishReason reason = type.equals("response.incomplete")
                        ? FinishReason.LENGTH
                        : toolIndexByOutput.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
                out.accept(StreamEvent.Finish.builder(reason)
                        .responseId(Json.text(response, "id"))
                        .provider(errors.provider())
                        .model(Json.text(response, "model"))
                        .refusal(refusal == null ? Optional.empty() : Optional.of(refusal.toString()))
                        .build());
                return;
            case "response.failed":
            case "error":
                throw errors.inBody(node.has("response") ? node.path("response") : node, headers, call);
            default:
                throw unexaminable(
                        "a stream event of type '" + (type.length() > 60 ? type.substring(0, 60) : type) + "'");
        }
    }

    /**
     * Upstream's final {@code response} object is written to the client with the chain's answer in place of its
     * output ({@link ResponsesServerSide#patchResponse}), so its output may hold only what the gate can write from the
     * answer: message items of output_text and refusal parts, function calls, reasoning items without readable text.
     * Anything else (a reasoning summary, another item's or part's kind) fails the stream, as it would have had it been
     * streamed.
     */
    private void checkCompleted(JsonNode response) {
        for (JsonNode item : response.path("output")) {
            String itemType = Json.text(item, "type");
            if (itemType.equals("message")) {
                for (JsonNode p : item.path("content")) {
                    String pt = Json.text(p, "type");
                    if (!pt.equals("output_text") && !pt.equals("refusal")) {
                        throw unexaminable("a content part of type '" + (pt.length() > 60 ? pt.substring(0, 60) : pt)
                                + "' in its completed response");
                    }
                }
            } else if (!itemType.equals("function_call")
                    && !(itemType.equals("reasoning") && item.path("summary").isEmpty() && !item.has("content"))) {
                throw unexaminable("an output item of type '"
                        + (itemType.length() > 60 ? itemType.substring(0, 60) : itemType)
                        + "' in its completed response");
            }
        }
    }

    private ProviderException unexaminable(String what) {
        return new ProviderException(
                "the upstream stream holds " + what + ", which the gate cannot examine: the stream is not passed on",
                ErrorDetails.of(errors.provider()),
                false);
    }
}
