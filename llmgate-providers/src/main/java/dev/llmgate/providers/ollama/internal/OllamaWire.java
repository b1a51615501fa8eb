package dev.llmgate.providers.ollama.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.providers.internal.DataUrls;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.OptionsObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ollama's native {@code /api/chat} wire format: request bodies written in one pass with a
 * streaming generator (tool and format schemas embedded raw), responses read from parsed trees.
 * Tool call ids are Ollama's own where it sends them, else synthesized per answer ({@code call_0}, ...).
 */
public final class OllamaWire {
    private static final Set<String> STANDARD_FIELDS = Set.of("model", "messages", "tools", "format", "stream");
    private static final String OPTIONS = "options";

    private OllamaWire() {}

    // ---------------------------------------------------------------- request

    public static byte[] requestBody(ChatRequest r, boolean stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            Map<String, Object> extra = r.providerOptions();
            for (String key : extra.keySet()) {
                if (STANDARD_FIELDS.contains(key)) {
                    throw new InvalidRequestException(
                            "providerOptions must not set '" + key + "': it is a standard field, set it through"
                                    + " ChatRequest.Builder",
                            ErrorDetails.NONE);
                }
            }
            g.writeStartObject();
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("messages");
            Map<String, String> callNames = new HashMap<>();
            for (Message m : r.messages()) {
                writeMessage(g, m, callNames);
            }
            g.writeEndArray();
            writeTools(g, r);
            ResponseFormat f = r.responseFormat();
            if (f instanceof ResponseFormat.JsonObject) {
                g.writeStringField("format", "json");
            } else if (f instanceof ResponseFormat.JsonSchema s) {
                g.writeFieldName("format");
                g.writeRawValue(s.schemaJson());
            }
            writeOptions(g, r, extra.get(OPTIONS));
            g.writeBooleanField("stream", stream);
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                if (!e.getKey().equals(OPTIONS)) {
                    g.writeFieldName(e.getKey());
                    Json.MAPPER.writeValue(g, e.getValue());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeMessage(JsonGenerator g, Message m, Map<String, String> callNames) throws IOException {
        g.writeStartObject();
        String role;
        switch (m.role()) {
            case SYSTEM:
            case DEVELOPER:
                role = "system";
                break;
            case USER:
                role = "user";
                break;
            case ASSISTANT:
                role = "assistant";
                break;
            default:
                role = "tool";
                break;
        }
        g.writeStringField("role", role);
        g.writeStringField("content", m.text());
        if (m.hasImages()) {
            g.writeArrayFieldStart("images");
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.ImageData d) {
                    g.writeString(Base64.getEncoder().encodeToString(d.data()));
                } else if (p instanceof ContentPart.ImageUrl u) {
                    if (!DataUrls.isDataUrl(u.url())) {
                        throw new InvalidRequestException(
                                "Ollama needs images inline: it cannot fetch an image URL; pass the bytes with"
                                        + " ContentPart.image(bytes, mediaType) or a data: URL",
                                ErrorDetails.NONE);
                    }
                    g.writeString(DataUrls.parse(u.url()).base64());
                }
            }
            g.writeEndArray();
        }
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                callNames.put(c.id(), c.name());
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeFieldName("arguments");
                g.writeTree(argumentsObject(c));
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (m.toolCallId().isPresent()) {
            String name = callNames.get(m.toolCallId().get());
            if (name != null) {
                g.writeStringField("tool_name", name);
            }
            g.writeStringField("tool_call_id", m.toolCallId().get());
        }
        g.writeEndObject();
    }

    private static JsonNode argumentsObject(ToolCall c) {
        String args = c.argumentsJson().strip();
        if (args.isEmpty()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(args);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new InvalidRequestException(
                "the arguments of tool call '" + c.name() + "' in the conversation are not a JSON object:"
                        + " Ollama needs tool call arguments as an object; fix or drop that assistant message",
                ErrorDetails.NONE);
    }

    private static void writeTools(JsonGenerator g, ChatRequest r) throws IOException {
        if (r.tools().isEmpty()) {
            return;
        }
        // Ollama has no tool_choice: "none" withholds the tools, a named tool is offered alone; a call
        // cannot be forced, so "required" offers every tool.
        ToolChoice choice = r.toolChoice().orElse(ToolChoice.auto());
        if (choice instanceof ToolChoice.None) {
            return;
        }
        String only = choice instanceof ToolChoice.Specific s ? s.name() : null;
        g.writeArrayFieldStart("tools");
        for (ToolDefinition t : r.tools()) {
            if (only != null && !only.equals(t.name())) {
                continue;
            }
            g.writeStartObject();
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", t.name());
            if (!t.description().isEmpty()) {
                g.writeStringField("description", t.description());
            }
            g.writeFieldName("parameters");
            g.writeRawValue(t.parametersJsonSchema());
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeOptions(JsonGenerator g, ChatRequest r, Object extraOptions) throws IOException {
        OptionsObject options =
                new OptionsObject(g, OPTIONS, extraOptions, "{\"num_ctx\":8192} (Ollama's model options)");
        if (r.temperature().isPresent()) {
            options.number("temperature", r.temperature().getAsDouble());
        }
        if (r.topP().isPresent()) {
            options.number("top_p", r.topP().getAsDouble());
        }
        if (r.maxOutputTokens().isPresent()) {
            options.number("num_predict", r.maxOutputTokens().getAsInt());
        }
        if (!r.stop().isEmpty()) {
            options.strings("stop", r.stop());
        }
        if (r.seed().isPresent()) {
            options.number("seed", r.seed().getAsLong());
        }
        options.finish();
    }

    // ---------------------------------------------------------------- response

    /** Reads a non-streamed {@code /api/chat} answer. */
    public static ChatResponse parseResponse(JsonNode root, String provider, String requestedModel) {
        JsonNode message = root.path("message");
        List<ToolCall> calls = toolCalls(message, 0);
        String model = Json.text(root, "model");
        return ChatResponse.builder()
                .id("")
                .provider(provider)
                .model(model.isEmpty() ? requestedModel : model)
                .text(Json.text(message, "content"))
                .toolCalls(calls)
                .finishReason(finishReason(Json.text(root, "done_reason"), !calls.isEmpty()))
                .usage(usage(root))
                .build();
    }

    /** The tool calls of a message, numbered from {@code firstIndex}. */
    static List<ToolCall> toolCalls(JsonNode message, int firstIndex) {
        JsonNode calls = message.get("tool_calls");
        if (calls == null || !calls.isArray() || calls.isEmpty()) {
            return List.of();
        }
        List<ToolCall> out = new ArrayList<>(calls.size());
        int index = firstIndex;
        for (JsonNode c : calls) {
            JsonNode fn = c.path("function");
            String id = Json.text(c, "id");
            JsonNode args = fn.get("arguments");
            String argsText = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
            out.add(new ToolCall(id.isEmpty() ? "call_" + index : id, Json.text(fn, "name"), argsText));
            index++;
        }
        return out;
    }

    /** Maps {@code done_reason}: "length" is a cut-off answer; "stop", "load", "unload" and none are natural ends. */
    public static FinishReason finishReason(String doneReason, boolean hasToolCalls) {
        if (doneReason.equals("length")) {
            return FinishReason.LENGTH;
        }
        return hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
    }

    /** {@code prompt_eval_count} in, {@code eval_count} out (Ollama reports no cache or reasoning counts). */
    public static Usage usage(JsonNode root) {
        return Usage.of(Json.number(root, "prompt_eval_count"), Json.number(root, "eval_count"));
    }
}
