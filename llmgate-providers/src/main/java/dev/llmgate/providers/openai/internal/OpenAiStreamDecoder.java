package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.StreamDecoder;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import okhttp3.Headers;

/**
 * Decodes {@code chat.completion.chunk} events. Text and tool-call deltas pass straight through;
 * the finish reason and the usage chunk ({@code stream_options.include_usage}) are held until
 * {@code data: [DONE]}, which alone ends the stream successfully.
 *
 * <p>Most chunks carry only a text delta (or a finish reason): those are read in one pass over the
 * text ({@link PlainChunk}), without a parser or a tree. A chunk with anything else (tool calls, usage, an
 * error, a value of an unexpected type, a repeated member) is read as a tree, with exactly the same
 * result: the one-pass reader changes nothing until it has read the whole chunk.
 */
public final class OpenAiStreamDecoder implements StreamDecoder {
    private final ProviderErrors errors;
    private final Headers headers;
    private final CallContext call;
    private String id = "";
    private String model = "";
    private String finishReason = "";
    private boolean sawToolCalls;
    private Usage usage;
    private StringBuilder refusal;
    private final boolean onePass;
    private final PlainChunk plain;
    /** Where upstream's top-level members llmgate does not know go, from the chunks after the first (null: nowhere). */
    private final BiConsumer<String, JsonNode> laterMembers;
    /** Those members' last values (the first chunk's included), to pass on a value only when it changed. */
    private final Map<String, JsonNode> lastMembers = new HashMap<>();

    private boolean sawChunk;

    public OpenAiStreamDecoder(ProviderErrors errors, Headers headers, CallContext call) {
        this(errors, headers, call, true, null);
    }

    /**
     * A decoder for a wrapped client's stream: each top-level member llmgate does not know that a chunk after the
     * first carries, with a value other than the one it had last (in that chunk or the first), goes to {@code
     * laterMembers} before the chunk's events (the first chunk's members are read from the chunk itself).
     */
    public OpenAiStreamDecoder(
            ProviderErrors errors, Headers headers, CallContext call, BiConsumer<String, JsonNode> laterMembers) {
        this(errors, headers, call, true, laterMembers);
    }

    /** @param onePass whether plain chunks are read without a tree (false: every chunk as a tree; for tests) */
    OpenAiStreamDecoder(
            ProviderErrors errors,
            Headers headers,
            CallContext call,
            boolean onePass,
            BiConsumer<String, JsonNode> laterMembers) {
        this.errors = errors;
        this.headers = headers;
        this.call = call;
        this.onePass = onePass;
        this.laterMembers = laterMembers;
        this.plain = new PlainChunk(laterMembers != null);
    }

    @Override
    public void decode(String event, String data, Consumer<StreamEvent> out) {
        if (data.equals("[DONE]")) {
            if (usage != null) {
                out.accept(new StreamEvent.UsageUpdate(usage));
            }
            out.accept(StreamEvent.Finish.builder(OpenAiWire.finishReason(finishReason, sawToolCalls))
                    .responseId(id)
                    .provider(errors.provider())
                    .model(model)
                    .refusal(refusal == null ? Optional.empty() : Optional.of(refusal.toString()))
                    .build());
            return;
        }
        boolean first = !sawChunk;
        sawChunk = true;
        if (onePass && decodePlain(data, out)) {
            return; // (with laterMembers, a plain chunk has no member llmgate does not know)
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            throw new ProviderException(
                    "the provider sent a stream event that is not valid JSON",
                    ErrorDetails.of(errors.provider()),
                    true);
        }
        if (chunk == null || !chunk.isObject()) {
            throw new ProviderException(
                    "the provider sent a stream event that is not a JSON object",
                    ErrorDetails.of(errors.provider()),
                    true);
        }
        if (chunk.has("error")) {
            throw errors.inBody(chunk, headers, call);
        }
        if (laterMembers != null) {
            passUnknownMembers(chunk, first);
        }
        if (id.isEmpty()) {
            id = Json.text(chunk, "id");
        }
        if (model.isEmpty()) {
            model = Json.text(chunk, "model");
        }
        JsonNode u = chunk.get("usage");
        if (u != null && !u.isNull()) {
            usage = OpenAiWire.usage(u);
        }
        JsonNode choices = chunk.get("choices");
        if (choices == null || choices.isEmpty()) {
            return;
        }
        JsonNode choice = choices.get(0);
        JsonNode delta = choice.get("delta");
        if (delta != null) {
            JsonNode content = delta.get("content");
            if (content != null && content.isTextual() && !content.asText().isEmpty()) {
                out.accept(new StreamEvent.TextDelta(content.asText()));
            }
            JsonNode r = delta.get("refusal");
            if (r != null && r.isTextual() && !r.asText().isEmpty()) {
                if (refusal == null) {
                    refusal = new StringBuilder();
                }
                refusal.append(r.asText());
            }
            JsonNode calls = delta.get("tool_calls");
            if (calls != null && calls.isArray()) {
                for (JsonNode c : calls) {
                    sawToolCalls = true;
                    JsonNode fn = c.path("function");
                    String callId = Json.text(c, "id");
                    String name = Json.text(fn, "name");
                    JsonNode args = fn.get("arguments");
                    out.accept(new StreamEvent.ToolCallDelta(
                            c.path("index").asInt(0),
                            callId.isEmpty() ? Optional.empty() : Optional.of(callId),
                            name.isEmpty() ? Optional.empty() : Optional.of(name),
                            args == null || args.isNull() ? "" : OpenAiWire.argumentsText(args)));
                }
            }
        }
        List<TokenLogprob> logprobs = OpenAiWire.logprobs(choice.get("logprobs"));
        if (!logprobs.isEmpty()) {
            out.accept(new StreamEvent.LogprobsDelta(logprobs));
        }
        String fr = Json.text(choice, "finish_reason");
        if (!fr.isEmpty()) {
            finishReason = fr;
        }
    }

    private void passUnknownMembers(JsonNode chunk, boolean first) {
        for (Map.Entry<String, JsonNode> e : chunk.properties()) {
            if (OpenAiServerSide.ChunkHead.OWN.contains(e.getKey())) {
                continue;
            }
            JsonNode before = lastMembers.put(e.getKey(), e.getValue());
            if (!first && !e.getValue().equals(before)) {
                laterMembers.accept(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * Reads a chunk of the plain shape in one pass ({@link PlainChunk}) and applies it as the tree
     * path would; false, with nothing changed or emitted, for any other chunk.
     */
    private boolean decodePlain(String data, Consumer<StreamEvent> out) {
        PlainChunk c = plain;
        if (!c.read(data)) {
            return false;
        }
        if (id.isEmpty() && c.id != null) {
            id = c.id;
        }
        if (model.isEmpty() && c.model != null) {
            model = c.model;
        }
        if (!c.hasChoice) {
            return true;
        }
        if (c.content != null && !c.content.isEmpty()) {
            out.accept(new StreamEvent.TextDelta(c.content));
        }
        if (c.refusal != null && !c.refusal.isEmpty()) {
            if (refusal == null) {
                refusal = new StringBuilder();
            }
            refusal.append(c.refusal);
        }
        if (c.finishReason != null && !c.finishReason.isEmpty()) {
            finishReason = c.finishReason;
        }
        return true;
    }
}
