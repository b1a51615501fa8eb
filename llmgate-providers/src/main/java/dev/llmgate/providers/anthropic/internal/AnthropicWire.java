package dev.llmgate.providers.anthropic.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.Role;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.providers.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Anthropic's Messages API wire format. Request bodies are written in one pass with a streaming
 * generator (tool schemas, JSON Schemas and tool-call arguments embedded raw, never re-serialized);
 * responses are read from one parsed tree.
 *
 * <p>What the mapping guarantees:
 * <ul>
 *   <li>{@code SYSTEM} and {@code DEVELOPER} messages, wherever they stand, become the top-level
 *       {@code system} string (several are joined with a blank line).</li>
 *   <li>The remaining messages strictly alternate {@code user}/{@code assistant}: {@code TOOL}
 *       messages become {@code tool_result} blocks of a {@code user} turn, and consecutive turns of
 *       the same role are merged into one, so consecutive tool results share one user turn.</li>
 *   <li>Empty text parts are left out (Anthropic rejects empty text blocks).</li>
 *   <li>Usage follows the {@link Usage} convention: {@code inputTokens} includes cache reads and
 *       cache writes, which Anthropic reports apart from {@code input_tokens}.</li>
 * </ul>
 */
public final class AnthropicWire {
    /**
     * The metadata attribute that marks tool results as failures ({@code is_error: true}): the ids of their tool
     * calls, comma-separated. The provider-neutral tool message has no such flag; a wrapped Anthropic client's request
     * sets it ({@link AnthropicServerSide}), any caller may, and this adapter writes it. Other providers' formats have
     * no such flag (the result's text says what failed). Attributes named {@code llmgate.wire.*} are part of the
     * response cache's key.
     */
    public static final String TOOL_ERRORS_ATTRIBUTE = "llmgate.wire.anthropic.tool_errors";

    /** The tool call ids whose results {@code r} marks as failures ({@link #TOOL_ERRORS_ATTRIBUTE}). */
    static Set<String> toolErrors(ChatRequest r) {
        String ids = r.metadata().attributes().get(TOOL_ERRORS_ATTRIBUTE);
        if (ids == null || ids.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new java.util.HashSet<>();
        for (String id : ids.split(",", -1)) {
            if (!id.isEmpty()) {
                out.add(id);
            }
        }
        return out;
    }

    /** The body fields this adapter writes itself; {@code providerOptions} must not set them. */
    static final Set<String> STANDARD_FIELDS = Set.of(
            "model",
            "messages",
            "system",
            "max_tokens",
            "tools",
            "tool_choice",
            "temperature",
            "top_p",
            "stop_sequences",
            "stream");

    /** The synthetic tool that carries a {@link ResponseFormat.JsonObject} answer. */
    public static final String JSON_OBJECT_TOOL = "json_object";

    private AnthropicWire() {}

    /**
     * How this provider is configured.
     *
     * @param defaultMaxTokens       {@code max_tokens} for requests that set no {@code maxOutputTokens}
     * @param jsonSchemaAsForcedTool send a JSON Schema response format as a forced tool instead of {@code output_config.format}
     */
    public record Options(int defaultMaxTokens, boolean jsonSchemaAsForcedTool) {}

    /**
     * The synthetic tool whose input is the answer, when this request's response format is sent as a
     * forced tool: {@code "json_object"} for {@link ResponseFormat.JsonObject}, the schema's name for a
     * {@link ResponseFormat.JsonSchema} in forced-tool mode; empty otherwise.
     */
    public static Optional<String> answerTool(ChatRequest r, Options options) {
        ResponseFormat f = r.responseFormat();
        if (f instanceof ResponseFormat.JsonObject) {
            return Optional.of(JSON_OBJECT_TOOL);
        }
        if (f instanceof ResponseFormat.JsonSchema && options.jsonSchemaAsForcedTool()) {
            return Optional.of(((ResponseFormat.JsonSchema) f).name());
        }
        return Optional.empty();
    }

    /** The request body for {@code POST /v1/messages}. */
    public static byte[] requestBody(ChatRequest r, boolean stream, Options options, String provider) {
        ErrorDetails details = ErrorDetails.of(provider);
        Map<String, Object> extra = r.providerOptions();
        Optional<String> answerTool = answerTool(r, options);
        boolean outputConfig = r.responseFormat() instanceof ResponseFormat.JsonSchema && answerTool.isEmpty();
        for (String key : extra.keySet()) {
            if (STANDARD_FIELDS.contains(key)) {
                throw new InvalidRequestException(
                        "providerOptions must not set '" + key + "': it is a standard field, set it through"
                                + " ChatRequest.Builder (max_tokens is maxOutputTokens, stop_sequences is addStop)",
                        details);
            }
            if (key.equals("output_config") && outputConfig) {
                throw new InvalidRequestException(
                        "providerOptions must not set 'output_config' together with a JSON Schema response"
                                + " format: the adapter writes output_config.format itself; drop one of the two",
                        details);
            }
        }
        if (answerTool.isPresent() && !r.tools().isEmpty()) {
            throw new InvalidRequestException(
                    "a " + (r.responseFormat() instanceof ResponseFormat.JsonObject ? "JSON object" : "JSON Schema")
                            + " response format is sent to Anthropic as a forced tool, which cannot be combined with the request's own tools:"
                            + " remove the tools, or use ResponseFormat.jsonSchema(...) with the provider's default"
                            + " JSON Schema mode (output_config)",
                    details);
        }
        if (r.temperature().isPresent() && r.temperature().getAsDouble() > 1) {
            throw new InvalidRequestException(
                    "temperature " + r.temperature().getAsDouble()
                            + " is above Anthropic's maximum of 1: use a value between 0 and 1",
                    details);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + estimateSize(r));
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            g.writeNumberField("max_tokens", r.maxOutputTokens().orElse(options.defaultMaxTokens()));
            AnthropicCacheMarks marks = AnthropicCacheMarks.of(r);
            writeSystem(g, r.messages(), marks);
            writeMessages(g, r.messages(), toolErrors(r), marks, details);
            if (answerTool.isPresent()) {
                writeAnswerTool(g, r.responseFormat(), answerTool.get());
            } else {
                writeTools(g, r, marks);
            }
            if (outputConfig) {
                ResponseFormat.JsonSchema s = (ResponseFormat.JsonSchema) r.responseFormat();
                g.writeObjectFieldStart("output_config");
                g.writeObjectFieldStart("format");
                g.writeStringField("type", "json_schema");
                g.writeFieldName("schema");
                g.writeRawValue(s.schemaJson());
                g.writeEndObject();
                g.writeEndObject();
            }
            if (r.temperature().isPresent()) {
                g.writeNumberField("temperature", r.temperature().getAsDouble());
            }
            if (r.topP().isPresent()) {
                g.writeNumberField("top_p", r.topP().getAsDouble());
            }
            if (!r.stop().isEmpty()) {
                g.writeArrayFieldStart("stop_sequences");
                for (String s : r.stop()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            if (stream) {
                g.writeBooleanField("stream", true);
            }
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                g.writeFieldName(e.getKey());
                Json.MAPPER.writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int estimateSize(ChatRequest r) {
        int n = 0;
        for (Message m : r.messages()) {
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Text) {
                    n += ((ContentPart.Text) p).text().length() + 32;
                }
            }
        }
        return Math.min(n, 1 << 20);
    }

    private static boolean isSystem(Message m) {
        return m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER;
    }

    private static void writeSystem(JsonGenerator g, List<Message> messages, AnthropicCacheMarks marks)
            throws IOException {
        if (marks.anySystem()) { // a breakpoint inside the system prompt: its blocks as they were
            g.writeArrayFieldStart("system");
            int k = 0;
            for (Message m : messages) {
                if (isSystem(m)) {
                    g.writeStartObject();
                    g.writeStringField("type", "text");
                    g.writeStringField("text", m.text());
                    marks.write(g, "s" + k++);
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            return;
        }
        StringBuilder system = null;
        for (Message m : messages) {
            if (!isSystem(m)) {
                continue;
            }
            String text = m.text();
            if (text.isEmpty()) {
                continue;
            }
            if (system == null) {
                system = new StringBuilder(text);
            } else {
                system.append("\n\n").append(text);
            }
        }
        if (system != null) {
            g.writeStringField("system", system.toString());
        }
    }

    /** Writes {@code messages}: one entry per role change, each a list of content blocks. */
    private static void writeMessages(
            JsonGenerator g,
            List<Message> messages,
            Set<String> toolErrors,
            AnthropicCacheMarks marks,
            ErrorDetails details)
            throws IOException {
        g.writeArrayFieldStart("messages");
        String openRole = null;
        for (int index = 0; index < messages.size(); index++) {
            Message m = messages.get(index);
            if (isSystem(m) || !hasBlocks(m)) {
                continue;
            }
            String role = m.role() == Role.ASSISTANT ? "assistant" : "user";
            if (!role.equals(openRole)) {
                if (openRole != null) {
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeStartObject();
                g.writeStringField("role", role);
                g.writeArrayFieldStart("content");
                openRole = role;
            }
            writeBlocks(g, m, "m" + index, toolErrors, marks, details);
        }
        if (openRole == null) {
            throw new InvalidRequestException(
                    "the request has no user or assistant content for Anthropic (system instructions alone"
                            + " are not a conversation, and empty texts are left out): add a user message with text",
                    details);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
    }

    private static boolean hasBlocks(Message m) {
        if (m.role() == Role.TOOL || !m.toolCalls().isEmpty()) {
            return true;
        }
        for (ContentPart p : m.content()) {
            if (!(p instanceof ContentPart.Text)
                    || !((ContentPart.Text) p).text().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static void writeBlocks(
            JsonGenerator g,
            Message m,
            String at,
            Set<String> toolErrors,
            AnthropicCacheMarks marks,
            ErrorDetails details)
            throws IOException {
        if (m.role() == Role.TOOL) {
            g.writeStartObject();
            g.writeStringField("type", "tool_result");
            String id = m.toolCallId().orElseThrow();
            g.writeStringField("tool_use_id", id);
            String text = m.text();
            if (!text.isEmpty()) {
                g.writeStringField("content", text);
            }
            if (toolErrors.contains(id)) {
                g.writeBooleanField("is_error", true);
            }
            marks.write(g, at);
            g.writeEndObject();
            return;
        }
        int part = 0;
        for (ContentPart p : m.content()) {
            String partAt = at + ".p" + part++;
            if (p instanceof ContentPart.Text) {
                String text = ((ContentPart.Text) p).text();
                if (!text.isEmpty()) {
                    g.writeStartObject();
                    g.writeStringField("type", "text");
                    g.writeStringField("text", text);
                    marks.write(g, partAt);
                    g.writeEndObject();
                }
            } else if (p instanceof ContentPart.ImageData) {
                ContentPart.ImageData d = (ContentPart.ImageData) p;
                writeBase64Image(g, d.mediaType(), Base64.getEncoder().encodeToString(d.data()), marks, partAt);
            } else {
                writeImageUrl(g, ((ContentPart.ImageUrl) p).url(), details, marks, partAt);
            }
        }
        int call = 0;
        for (ToolCall c : m.toolCalls()) {
            String callAt = at + ".c" + call++;
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", c.id());
            g.writeStringField("name", c.name());
            g.writeFieldName("input");
            String args = c.argumentsJson().strip();
            if (args.isEmpty()) {
                g.writeStartObject();
                g.writeEndObject();
            } else {
                if (!isJsonObject(args)) {
                    throw new InvalidRequestException(
                            "the arguments of tool call '" + c.id() + "' (tool '" + c.name()
                                    + "') are not a JSON object, and Anthropic needs a tool call's input as an object: pass the"
                                    + " model's arguments unchanged, or \"{}\" for none",
                            details);
                }
                g.writeRawValue(args);
            }
            marks.write(g, callAt);
            g.writeEndObject();
        }
    }

    private static void writeBase64Image(
            JsonGenerator g, String mediaType, String base64, AnthropicCacheMarks marks, String at) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "image");
        g.writeObjectFieldStart("source");
        g.writeStringField("type", "base64");
        g.writeStringField("media_type", mediaType);
        g.writeStringField("data", base64);
        g.writeEndObject();
        marks.write(g, at);
        g.writeEndObject();
    }

    /** An https: URL is passed as a URL source; a {@code data:} URL (which Anthropic does not fetch) as a base64 source. */
    private static void writeImageUrl(
            JsonGenerator g, String url, ErrorDetails details, AnthropicCacheMarks marks, String at)
            throws IOException {
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !meta.endsWith(";base64") || !meta.startsWith("image/")) {
                throw new InvalidRequestException(
                        "an image data: URL must look like data:image/png;base64,<data> for Anthropic,"
                                + " which takes inline images only base64-encoded: re-encode it, or pass the bytes with ContentPart.image(...)",
                        details);
            }
            writeBase64Image(
                    g, meta.substring(0, meta.length() - ";base64".length()), url.substring(comma + 1), marks, at);
            return;
        }
        g.writeStartObject();
        g.writeStringField("type", "image");
        g.writeObjectFieldStart("source");
        g.writeStringField("type", "url");
        g.writeStringField("url", url);
        g.writeEndObject();
        marks.write(g, at);
        g.writeEndObject();
    }

    /** True if {@code json} is one well-formed JSON object and nothing else. */
    static boolean isJsonObject(String json) {
        try (JsonParser p = Json.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeTools(JsonGenerator g, ChatRequest r, AnthropicCacheMarks marks) throws IOException {
        if (r.tools().isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("tools");
        int k = 0;
        for (ToolDefinition t : r.tools()) {
            g.writeStartObject();
            g.writeStringField("name", t.name());
            if (!t.description().isEmpty()) {
                g.writeStringField("description", t.description());
            }
            g.writeFieldName("input_schema");
            g.writeRawValue(t.parametersJsonSchema());
            if (t.strict()) {
                g.writeBooleanField("strict", true);
            }
            marks.write(g, "t" + k++);
            g.writeEndObject();
        }
        g.writeEndArray();
        boolean noParallel =
                r.parallelToolCalls().isPresent() && !r.parallelToolCalls().get();
        ToolChoice c = r.toolChoice().orElse(null);
        if (c == null && !noParallel) {
            return;
        }
        g.writeObjectFieldStart("tool_choice");
        if (c instanceof ToolChoice.Specific) {
            g.writeStringField("type", "tool");
            g.writeStringField("name", ((ToolChoice.Specific) c).name());
        } else if (c instanceof ToolChoice.Required) {
            g.writeStringField("type", "any");
        } else if (c instanceof ToolChoice.None) {
            g.writeStringField("type", "none");
        } else {
            g.writeStringField("type", "auto");
        }
        if (noParallel && !(c instanceof ToolChoice.None)) {
            g.writeBooleanField("disable_parallel_tool_use", true);
        }
        g.writeEndObject();
    }

    /** The forced tool whose input is the answer (no other tools are allowed with it). */
    private static void writeAnswerTool(JsonGenerator g, ResponseFormat f, String name) throws IOException {
        g.writeArrayFieldStart("tools");
        g.writeStartObject();
        g.writeStringField("name", name);
        if (f instanceof ResponseFormat.JsonSchema) {
            ResponseFormat.JsonSchema s = (ResponseFormat.JsonSchema) f;
            g.writeStringField(
                    "description", "Give your complete answer as this tool's input, which must follow its schema.");
            g.writeFieldName("input_schema");
            g.writeRawValue(s.schemaJson());
            if (s.strict()) {
                g.writeBooleanField("strict", true);
            }
        } else {
            g.writeStringField("description", "Give your complete answer as this tool's input, a JSON object.");
            g.writeObjectFieldStart("input_schema");
            g.writeStringField("type", "object");
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndArray();
        g.writeObjectFieldStart("tool_choice");
        g.writeStringField("type", "tool");
        g.writeStringField("name", name);
        g.writeEndObject();
    }

    /**
     * Reads a {@code message} object.
     *
     * @param answerTool the synthetic tool whose input is the answer's text (forced-tool JSON), if any;
     *                   with one, text blocks are dropped (under a forced tool choice Claude writes none),
     *                   exactly as the stream decoder does, so both paths give the same response
     */
    public static ChatResponse parseResponse(JsonNode root, String provider, Optional<String> answerTool) {
        JsonNode content = root.get("content");
        if (content == null || !content.isArray()) {
            throw new ProviderException("the provider's answer has no content array", ErrorDetails.of(provider), true);
        }
        StringBuilder text = new StringBuilder();
        String answer = null;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : content) {
            String type = Json.text(block, "type");
            if (type.equals("text")) {
                text.append(Json.text(block, "text"));
            } else if (type.equals("tool_use")) {
                String name = Json.text(block, "name");
                JsonNode input = block.get("input");
                String args = input == null || input.isNull() ? "{}" : input.toString();
                if (answerTool.isPresent() && answerTool.get().equals(name) && answer == null) {
                    answer = args;
                } else {
                    calls.add(new ToolCall(Json.text(block, "id"), name, args));
                }
            }
            // thinking, redacted_thinking and server-tool blocks carry nothing this API represents
        }
        FinishReason reason = finishReason(Json.text(root, "stop_reason"), !calls.isEmpty());
        if (answer != null && reason == FinishReason.TOOL_CALLS && calls.isEmpty()) {
            reason = FinishReason.STOP;
        }
        return ChatResponse.builder()
                .id(Json.text(root, "id"))
                .provider(provider)
                .model(Json.text(root, "model"))
                .text(answerTool.isPresent() ? (answer == null ? "" : answer) : text.toString())
                .toolCalls(calls)
                .finishReason(reason)
                .refusal(refusal(Json.text(root, "stop_reason"), root.get("stop_details")))
                .usage(usage(root.get("usage")))
                .build();
    }

    /**
     * Maps a {@code stop_reason}: {@code end_turn}, {@code stop_sequence} and {@code pause_turn} are a
     * normal stop, {@code max_tokens} and {@code model_context_window_exceeded} a cut-off answer,
     * {@code tool_use} tool calls, {@code refusal} the content filter. Unknown or missing reasons
     * count as tool calls when there are some, else as a stop.
     */
    public static FinishReason finishReason(String stopReason, boolean hasToolCalls) {
        switch (stopReason) {
            case "max_tokens":
            case "model_context_window_exceeded":
                return FinishReason.LENGTH;
            case "tool_use":
                return FinishReason.TOOL_CALLS;
            case "refusal":
                return FinishReason.CONTENT_FILTER;
            case "end_turn":
            case "stop_sequence":
            case "pause_turn":
                return FinishReason.STOP;
            default:
                return hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
    }

    /**
     * A {@code usage} object with only what cannot carry text: members named in lower-case words whose values are
     * numbers, nested objects of them (such as {@code cache_creation}), or short lower-case words (such as
     * {@code service_tier: "standard"}). It reaches the
     * client as upstream sent it, so a member that could carry text (an upstream's {@code "note": "card ..."}) is
     * dropped rather than passed on unexamined.
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode countsOnly(JsonNode usage) {
        com.fasterxml.jackson.databind.node.ObjectNode out = Json.MAPPER.createObjectNode();
        for (java.util.Map.Entry<String, JsonNode> e : usage.properties()) {
            if (!e.getKey().matches("[a-z_]{1,64}")) {
                continue; // (a member's name is text too)
            }
            JsonNode v = e.getValue();
            if (v.isNumber() || v.isNull() || v.isBoolean()) {
                out.set(e.getKey(), v);
            } else if (v.isObject()) {
                out.set(e.getKey(), countsOnly(v));
            } else if (v.isTextual() && v.asText().matches("[a-z_-]{1,32}")) {
                out.set(e.getKey(), v);
            }
        }
        return out;
    }

    /** The refusal's explanation, for {@code stop_reason: refusal} with {@code stop_details.explanation}. */
    static Optional<String> refusal(String stopReason, JsonNode stopDetails) {
        if (!stopReason.equals("refusal") || stopDetails == null || !stopDetails.isObject()) {
            return Optional.empty();
        }
        String explanation = Json.text(stopDetails, "explanation");
        return explanation.isEmpty() ? Optional.empty() : Optional.of(explanation);
    }

    /**
     * Reads a {@code usage} object (absent: zero). {@code inputTokens} is {@code input_tokens +
     * cache_read_input_tokens + cache_creation_input_tokens}, per the {@link Usage} convention.
     */
    public static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return Usage.ZERO;
        }
        return usage(
                Json.number(u, "input_tokens"),
                Json.number(u, "output_tokens"),
                Json.number(u, "cache_read_input_tokens"),
                Json.number(u, "cache_creation_input_tokens"));
    }

    static Usage usage(long input, long output, long cacheRead, long cacheWrite) {
        return new Usage(input + cacheRead + cacheWrite, output, cacheRead, 0, cacheWrite);
    }
}
