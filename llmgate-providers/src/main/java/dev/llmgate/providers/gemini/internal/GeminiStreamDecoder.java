package dev.llmgate.providers.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.StreamDecoder;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.Headers;

/**
 * Decodes {@code streamGenerateContent?alt=sse} events, each a whole {@code GenerateContentResponse}
 * chunk. Text parts become text deltas (thought parts are skipped), each {@code functionCall} part one
 * complete tool-call delta. Gemini sends no terminal event: the answer is complete when a chunk carried
 * a finish reason and the body then ends, so the finish (with the last usage) is emitted from
 * {@link #finishAtEnd}; a body that ends without a finish reason stays an interrupted stream. A
 * prompt Gemini blocks ({@code promptFeedback.blockReason}, no candidates) raises
 * {@link dev.llmgate.api.exception.ContentFilteredException}.
 */
public final class GeminiStreamDecoder implements StreamDecoder {
    private final HttpTransport transport;
    private final Headers headers;
    private final CallContext call;
    private String id = "";
    private String model;
    private String finishReason = "";
    private int toolCalls;
    private Usage usage;

    public GeminiStreamDecoder(HttpTransport transport, Headers headers, CallContext call, String requestedModel) {
        this.transport = transport;
        this.headers = headers;
        this.call = call;
        this.model = requestedModel;
    }

    @Override
    public void decode(String event, String data, Consumer<StreamEvent> out) {
        JsonNode chunk = transport.streamObject(data, "Gemini sent a stream event", headers, call);
        String responseId = Json.text(chunk, "responseId");
        if (!responseId.isEmpty()) {
            id = responseId;
        }
        String version = Json.text(chunk, "modelVersion");
        if (!version.isEmpty()) {
            model = version;
        }
        JsonNode u = chunk.get("usageMetadata");
        if (u != null && u.isObject()) {
            usage = GeminiWire.usage(u);
        }
        JsonNode candidates = chunk.get("candidates");
        if (candidates == null || !candidates.isArray() || candidates.isEmpty()) {
            String block = GeminiWire.blockReason(chunk);
            if (!block.isEmpty()) {
                throw GeminiWire.promptBlocked(block, transport.errors());
            }
            return;
        }
        JsonNode candidate = candidates.get(0);
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.path("thought").asBoolean(false)) {
                continue;
            }
            JsonNode text = part.get("text");
            if (text != null && text.isTextual() && !text.asText().isEmpty()) {
                out.accept(new StreamEvent.TextDelta(text.asText()));
            }
            JsonNode fc = part.get("functionCall");
            if (fc != null && fc.isObject()) {
                int index = toolCalls++;
                ToolCall c = GeminiWire.toolCall(fc, part, index);
                out.accept(new StreamEvent.ToolCallDelta(
                        index, Optional.of(c.id()), Optional.of(c.name()), c.argumentsJson()));
            }
        }
        List<TokenLogprob> logprobs = GeminiWire.logprobs(candidate);
        if (!logprobs.isEmpty()) {
            out.accept(new StreamEvent.LogprobsDelta(logprobs));
        }
        String fr = Json.text(candidate, "finishReason");
        if (!fr.isEmpty() && !fr.equals("FINISH_REASON_UNSPECIFIED")) {
            finishReason = fr;
        }
    }

    /**
     * Whether an event left without its dispatching blank line at the end of the body is a whole chunk
     * (a complete JSON object), as Google's SDKs, which read each {@code data:} line as one chunk, would take it.
     */
    public static boolean isCompleteChunk(String data) {
        try {
            JsonNode node = Json.MAPPER.readTree(data);
            return node != null && node.isObject();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean finishAtEnd(Consumer<StreamEvent> out) {
        if (finishReason.isEmpty()) {
            return false;
        }
        if (usage != null) {
            out.accept(new StreamEvent.UsageUpdate(usage));
        }
        out.accept(StreamEvent.Finish.of(
                GeminiWire.finishReason(finishReason, toolCalls > 0), id, transport.provider(), model));
        return true;
    }
}
