package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.StreamDecoder;
import okhttp3.Headers;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Decodes {@code chat.completion.chunk} events. Text and tool-call deltas pass straight through;
 * the finish reason and the usage chunk ({@code stream_options.include_usage}) are held until
 * {@code data: [DONE]}, which alone ends the stream successfully.
 *
 * <p>Most chunks carry only a text delta (or a finish reason): those are read in one pass of the
 * streaming parser, without building a tree. A chunk with anything else (tool calls, usage, an
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

    public OpenAiStreamDecoder(ProviderErrors errors, Headers headers, CallContext call) {
        this(errors, headers, call, true);
    }

    /** @param onePass whether plain chunks are read without a tree (false: every chunk as a tree; for tests) */
    OpenAiStreamDecoder(ProviderErrors errors, Headers headers, CallContext call, boolean onePass) {
        this.errors = errors;
        this.headers = headers;
        this.call = call;
        this.onePass = onePass;
    }

    @Override
    public void decode(String event, String data, Consumer<StreamEvent> out) {
        if (data.equals("[DONE]")) {
            if (usage != null) {
                out.accept(new StreamEvent.UsageUpdate(usage));
            }
            out.accept(new StreamEvent.Finish(OpenAiWire.finishReason(finishReason, sawToolCalls), id, errors.provider(), model,
                    refusal == null ? Optional.empty() : Optional.of(refusal.toString())));
            return;
        }
        if (onePass && decodePlain(data, out)) {
            return;
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            throw new ProviderException("the provider sent a stream event that is not valid JSON", ErrorDetails.of(errors.provider()), true);
        }
        if (chunk == null || !chunk.isObject()) {
            throw new ProviderException("the provider sent a stream event that is not a JSON object", ErrorDetails.of(errors.provider()), true);
        }
        if (chunk.has("error")) {
            throw errors.inBody(chunk, headers, call);
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
                    out.accept(new StreamEvent.ToolCallDelta(c.path("index").asInt(0),
                            callId.isEmpty() ? Optional.empty() : Optional.of(callId),
                            name.isEmpty() ? Optional.empty() : Optional.of(name),
                            args == null || args.isNull() ? "" : OpenAiWire.argumentsText(args)));
                }
            }
        }
        String fr = Json.text(choice, "finish_reason");
        if (!fr.isEmpty()) {
            finishReason = fr;
        }
    }

    /** What one plain chunk holds; null for what it does not have. */
    private static final class Plain {
        String id;
        String model;
        boolean hasChoice;
        String content;
        String refusal;
        String finishReason;
    }

    /**
     * Reads a chunk of the plain shape in one pass and applies it as the tree path would; false,
     * with nothing changed or emitted, for any other chunk.
     */
    private boolean decodePlain(String data, Consumer<StreamEvent> out) {
        Plain c = new Plain();
        try (JsonParser p = Json.FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            int seen = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                int bit;
                switch (field) {
                    case "id":
                        bit = 1;
                        c.id = text(t, p);
                        if (c.id == null) {
                            return false;
                        }
                        break;
                    case "model":
                        bit = 2;
                        c.model = text(t, p);
                        if (c.model == null) {
                            return false;
                        }
                        break;
                    case "choices":
                        bit = 4;
                        if (t == JsonToken.START_ARRAY && !choices(p, c)) {
                            return false;
                        } else if (t != JsonToken.START_ARRAY && t != JsonToken.VALUE_NULL) {
                            return false;
                        }
                        break;
                    case "usage":
                        if (t != JsonToken.VALUE_NULL) {
                            return false;
                        }
                        bit = 8;
                        break;
                    case "error":
                        return false;
                    default:
                        bit = 0;
                        p.skipChildren();
                }
                if ((seen & bit) != 0) {
                    return false;   // a repeated member: the tree keeps the last one; leave it to the tree
                }
                seen |= bit;
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return false;
            }
        } catch (IOException e) {
            return false;   // the tree path reports it
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

    /** The array of choices, its first element read into {@code c}; at the closing bracket. */
    private static boolean choices(JsonParser p, Plain c) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            return true;
        }
        if (t != JsonToken.START_OBJECT) {
            return false;
        }
        c.hasChoice = true;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            int bit;
            if (field.equals("delta")) {
                bit = 1;
                if (v == JsonToken.START_OBJECT) {
                    if (!delta(p, c)) {
                        return false;
                    }
                } else if (v != JsonToken.VALUE_NULL) {
                    return false;
                }
            } else if (field.equals("finish_reason")) {
                bit = 2;
                c.finishReason = text(v, p);
                if (c.finishReason == null) {
                    return false;
                }
            } else {
                bit = 0;
                p.skipChildren();
            }
            if ((seen & bit) != 0) {
                return false;
            }
            seen |= bit;
        }
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                return false;
            }
            p.skipChildren();   // other choices (n > 1): only the first is used
        }
        return true;
    }

    /** A delta object with text and refusal only (tool calls are left to the tree path); at its closing brace. */
    private static boolean delta(JsonParser p, Plain c) throws IOException {
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            int bit;
            if (field.equals("content")) {
                bit = 1;
                c.content = text(v, p);
                if (c.content == null) {
                    return false;
                }
            } else if (field.equals("refusal")) {
                bit = 2;
                c.refusal = text(v, p);
                if (c.refusal == null) {
                    return false;
                }
            } else if (field.equals("tool_calls")) {
                if (v != JsonToken.VALUE_NULL) {
                    return false;
                }
                bit = 4;
            } else {
                bit = 0;
                p.skipChildren();
            }
            if ((seen & bit) != 0) {
                return false;
            }
            seen |= bit;
        }
        return true;
    }

    /** A string value's text, {@code ""} for null (as {@link Json#text} gives), or null for any other type. */
    private static String text(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        return t == JsonToken.VALUE_NULL ? "" : null;
    }
}
