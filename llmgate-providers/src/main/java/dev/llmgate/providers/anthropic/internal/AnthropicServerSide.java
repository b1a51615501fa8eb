package dev.llmgate.providers.anthropic.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.Role;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.Secrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Headers;

/**
 * The other side of {@link AnthropicWire}: reads a Messages API request body ({@code POST /v1/messages})
 * as Anthropic's server would, and writes answers and errors back in Anthropic's format, so that an
 * existing Anthropic-format client (such as the official {@code anthropic-java} SDK) can be routed
 * through a gate without noticing.
 *
 * <p>What {@link #read} guarantees:
 * <ul>
 *   <li>For every body that {@link AnthropicWire#requestBody} can write, writing the request read from it
 *       again gives the same JSON (same fields, same values; numbers compared as numbers).</li>
 *   <li>Forms that mean the same are accepted and forwarded in AnthropicWire's form: a string
 *       {@code content} or {@code system} as text blocks or a string, a {@code tool_result} whose content is
 *       one text block as a string, {@code "type":"custom"} tools, {@code "is_error":false} (absent),
 *       {@code "disable_parallel_tool_use":false} and a {@code tool_choice} of {@code auto} or {@code none}
 *       without tools (both mean no forced tool), fields set to {@code null} (absent). Several
 *       {@code system} text blocks are forwarded as one string, joined by a blank line, unless one has a
 *       prompt-caching breakpoint (then as the same blocks).</li>
 *   <li>What the neutral request has no place for travels beside it in its metadata, for AnthropicWire to write:
 *       {@code is_error: true} of failed tool results ({@link AnthropicWire#TOOL_ERRORS_ATTRIBUTE}) and
 *       {@code cache_control} breakpoints on system, text, image, tool_use and tool_result blocks and on tools
 *       ({@link AnthropicCacheMarks}).</li>
 *   <li>Every other top-level field ({@code metadata}, {@code top_k}, {@code thinking}, {@code service_tier},
 *       {@code output_config}, ...) is kept as a provider option, which AnthropicWire forwards unchanged.</li>
 *   <li>Anything that the provider-neutral request cannot carry faithfully is refused with an
 *       {@link InvalidRequestException} naming the part and what to do (never a prompt's text): citations,
 *       document, thinking and server-tool blocks, server tools, several content blocks or images (or a
 *       {@code cache_control} on the text) inside a {@code tool_result}, and any field of
 *       a block or message that this codec does not know.</li>
 * </ul>
 */
public final class AnthropicServerSide {
    private static final Set<String> TEXT_BLOCK = Set.of("type", "text", "cache_control");
    private static final Set<String> IMAGE_BLOCK = Set.of("type", "source", "cache_control");
    private static final Set<String> BASE64_SOURCE = Set.of("type", "media_type", "data");
    private static final Set<String> URL_SOURCE = Set.of("type", "url");
    private static final Set<String> TOOL_USE_BLOCK = Set.of("type", "id", "name", "input", "cache_control");
    private static final Set<String> TOOL_RESULT_BLOCK =
            Set.of("type", "tool_use_id", "content", "is_error", "cache_control");
    private static final Set<String> MESSAGE = Set.of("role", "content");
    private static final Set<String> TOOL =
            Set.of("type", "name", "description", "input_schema", "strict", "cache_control");
    private static final Set<String> TOOL_CHOICE = Set.of("type", "name", "disable_parallel_tool_use");
    /** Like a server, refuses a body with anything after its JSON value. */
    private static final ObjectReader READER =
            Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final String HOW = "send this request without the gate, or without that part";

    private AnthropicServerSide() {}

    /**
     * An intercepted request, read once.
     *
     * @param request the request, addressed to {@code modelPrefix + model}
     * @param model   the model the client named
     * @param stream  whether the client asked for a stream
     */
    public record Intercepted(ChatRequest request, String model, boolean stream) {}

    /**
     * Reads a request body; {@code modelPrefix} (e.g. "anthropic:") is put before the body's model.
     *
     * @throws InvalidRequestException for anything that is not a valid Messages request, or that uses a part
     *         this gateway cannot pass on faithfully; its message never holds the prompt's text
     */
    public static Intercepted read(byte[] body, String modelPrefix) {
        try {
            return readUnchecked(body, modelPrefix);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static Intercepted readUnchecked(byte[] body, String modelPrefix) {
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (StreamConstraintsException e) {
            throw invalid("the request body exceeds the gate's JSON reader limits (a string of more than 20,000,000"
                    + " characters, a number of more than 1000 digits or nesting deeper than 1000 levels): send"
                    + " large images by URL");
        } catch (IOException e) {
            throw invalid("the request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid("the request body is not a JSON object");
        }
        JsonNode modelNode = root.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isBlank()) {
            throw invalid("the request has no model: set \"model\" to a model name such as \"claude-sonnet-4-5\"");
        }
        String model = modelNode.asText();
        ChatRequest.Builder b = ChatRequest.builder(modelPrefix + model);

        JsonNode max = present(root, "max_tokens");
        if (max == null) {
            throw invalid("the request has no max_tokens, which the Messages API requires: set it");
        }
        if (!max.isIntegralNumber() || !max.canConvertToInt() || max.intValue() < 1) {
            throw invalid("max_tokens must be a whole number of at least 1");
        }
        b.maxOutputTokens(max.intValue());

        Reading reading = new Reading(b);
        readSystem(present(root, "system"), reading);
        JsonNode messages = present(root, "messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw invalid("the request has no messages: \"messages\" must be a non-empty array");
        }
        int i = 0;
        for (JsonNode m : messages) {
            readMessage(m, i++, reading);
        }
        readTools(present(root, "tools"), reading);
        readToolChoice(present(root, "tool_choice"), b);

        JsonNode temperature = present(root, "temperature");
        if (temperature != null) {
            if (!temperature.isNumber() || !(temperature.doubleValue() >= 0 && temperature.doubleValue() <= 1)) {
                throw invalid("temperature must be a number between 0 and 1");
            }
            b.temperature(temperature.doubleValue());
        }
        JsonNode topP = present(root, "top_p");
        if (topP != null) {
            if (!topP.isNumber()) {
                throw invalid("top_p must be a number greater than 0 and at most 1");
            }
            b.topP(topP.doubleValue());
        }
        JsonNode stop = present(root, "stop_sequences");
        if (stop != null) {
            if (!stop.isArray()) {
                throw invalid("stop_sequences must be an array of strings");
            }
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw invalid("stop_sequences must be an array of strings");
                }
                b.addStop(s.asText());
            }
        }
        JsonNode stream = present(root, "stream");
        if (stream != null && !stream.isBoolean()) {
            throw invalid("stream must be true or false");
        }
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (!AnthropicWire.STANDARD_FIELDS.contains(f.getKey())
                    && !f.getValue().isNull()) {
                b.providerOption(f.getKey(), Json.MAPPER.convertValue(f.getValue(), Object.class));
            }
        }
        ChatRequest request = b.build();
        // what the neutral request has no place for travels beside it, for AnthropicWire to write
        Metadata meta = Metadata.EMPTY;
        if (!reading.toolErrors.isEmpty()) {
            meta = meta.withAttribute(AnthropicWire.TOOL_ERRORS_ATTRIBUTE, String.join(",", reading.toolErrors));
        }
        if (!reading.marks.isEmpty()) {
            meta = meta.withAttribute(
                    AnthropicCacheMarks.ATTRIBUTE, AnthropicCacheMarks.encode(reading.marks, request));
        }
        if (!meta.equals(Metadata.EMPTY)) {
            request = request.toBuilder().metadata(meta).build();
        }
        return new Intercepted(request, model, stream != null && stream.booleanValue());
    }

    /** The field's value, or null when it is absent or JSON null (both mean "not set" to the Messages API). */
    private static JsonNode present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** What one read collects beside the request: neutral messages so far, failed tool results, cache breakpoints. */
    private static final class Reading {
        final ChatRequest.Builder b;
        int messages;
        int systems;
        /** The tool_use ids of failed results (each once); those of results that did not fail. */
        final java.util.Set<String> toolErrors = new java.util.LinkedHashSet<>();

        final java.util.Set<String> toolSuccesses = new java.util.HashSet<>();
        /** Position to the TTL of its breakpoint ("": none given). */
        final Map<String, String> marks = new java.util.LinkedHashMap<>();

        Reading(ChatRequest.Builder b) {
            this.b = b;
        }

        /** Adds {@code m}; returns its index in the request's messages. */
        int add(Message m) {
            b.addMessage(m);
            return messages++;
        }

        void mark(String position, String ttl) {
            if (ttl != null) {
                marks.put(position, ttl);
            }
        }
    }

    private static void readSystem(JsonNode system, Reading r) {
        if (system == null) {
            return;
        }
        if (system.isTextual()) {
            r.add(Message.system(system.asText()));
            r.systems++;
            return;
        }
        if (!system.isArray()) {
            throw invalid("system must be a string or an array of text blocks");
        }
        for (JsonNode block : system) {
            r.add(Message.system(textOf(block, "system")));
            r.mark("s" + r.systems++, AnthropicCacheMarks.read(block, "a system block"));
        }
    }

    /** The text of a plain text block ({@code type} and {@code text} only). */
    private static String textOf(JsonNode block, String where) {
        if (!block.isObject() || !"text".equals(Json.text(block, "type"))) {
            throw invalid("a " + where + " block of type '" + typeOf(block) + "' where only text blocks are allowed");
        }
        onlyFields(block, TEXT_BLOCK, "a text block in " + where);
        JsonNode text = block.get("text");
        if (text == null || !text.isTextual()) {
            throw invalid("a text block in " + where + " has no text string");
        }
        return text.asText();
    }

    private static void readMessage(JsonNode m, int index, Reading r) {
        String where = "messages[" + index + "]";
        if (!m.isObject()) {
            throw invalid(where + " is not an object");
        }
        onlyFields(m, MESSAGE, where);
        JsonNode roleNode = m.get("role");
        String role = roleNode == null || !roleNode.isTextual() ? "" : roleNode.asText();
        if (!role.equals("user") && !role.equals("assistant")) {
            throw invalid(where + " has role '" + shortName(role)
                    + "': the Messages API knows only user and assistant (system instructions go in \"system\")");
        }
        boolean user = role.equals("user");
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            r.add(user ? Message.user(content.asText()) : Message.assistant(content.asText()));
            return;
        }
        if (content == null || !content.isArray()) {
            throw invalid(where + " has no content: it must be a string or an array of content blocks");
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        // breakpoints of the parts and calls of the message being built: placed once it is added
        Map<String, String> pending = new java.util.LinkedHashMap<>();
        int i = 0;
        for (JsonNode block : content) {
            String blockWhere = where + ".content[" + i++ + "]";
            String type = block.isObject() ? Json.text(block, "type") : "";
            if (type.equals("text")) {
                if (!calls.isEmpty()) {
                    // text after a tool call: a new message, so that AnthropicWire writes the blocks in this order
                    place(
                            r,
                            r.add(new Message(Role.ASSISTANT, parts, calls, Optional.empty(), Optional.empty())),
                            pending);
                    parts = new ArrayList<>();
                    calls = new ArrayList<>();
                }
                pending.put("p" + parts.size(), AnthropicCacheMarks.read(block, blockWhere));
                parts.add(ContentPart.text(textOf(block, blockWhere)));
            } else if (type.equals("image") && user) {
                pending.put("p" + parts.size(), AnthropicCacheMarks.read(block, blockWhere));
                parts.add(image(block, blockWhere));
            } else if (type.equals("tool_result") && user) {
                if (!parts.isEmpty()) {
                    place(
                            r,
                            r.add(new Message(Role.USER, parts, List.of(), Optional.empty(), Optional.empty())),
                            pending);
                    parts = new ArrayList<>();
                }
                String mark = AnthropicCacheMarks.read(block, blockWhere);
                r.mark("m" + r.add(toolResult(block, blockWhere, r)), mark);
            } else if (type.equals("tool_use") && !user) {
                pending.put("c" + calls.size(), AnthropicCacheMarks.read(block, blockWhere));
                calls.add(toolUse(block, blockWhere));
            } else if (type.equals("image") || type.equals("tool_result") || type.equals("tool_use")) {
                throw invalid(blockWhere + " is a " + type + " block in a " + role + " message, where the Messages"
                        + " API does not allow one");
            } else {
                throw invalid(blockWhere + " is a content block of type '" + shortName(type)
                        + "', which cannot be routed through the gate (text, image, tool_use and tool_result can): "
                        + HOW);
            }
        }
        if (user && !parts.isEmpty()) {
            place(r, r.add(new Message(Role.USER, parts, List.of(), Optional.empty(), Optional.empty())), pending);
        } else if (!user && (!parts.isEmpty() || !calls.isEmpty())) {
            place(r, r.add(new Message(Role.ASSISTANT, parts, calls, Optional.empty(), Optional.empty())), pending);
        }
    }

    /** The breakpoints {@code pending} of the parts and calls of message {@code index}, placed; {@code pending} cleared. */
    private static void place(Reading r, int index, Map<String, String> pending) {
        pending.forEach((part, mark) -> r.mark("m" + index + "." + part, mark));
        pending.clear();
    }

    private static ContentPart image(JsonNode block, String where) {
        onlyFields(block, IMAGE_BLOCK, "the image block " + where);
        JsonNode source = block.path("source");
        String type = Json.text(source, "type");
        if (type.equals("base64")) {
            onlyFields(source, BASE64_SOURCE, "the image source of " + where);
            String mediaType = Json.text(source, "media_type");
            if (!mediaType.startsWith("image/")) {
                throw invalid("the image " + where + " has media_type '" + shortName(mediaType)
                        + "': use image/jpeg, image/png, image/gif or image/webp");
            }
            JsonNode data = source.get("data");
            if (data == null || !data.isTextual()) {
                throw invalid("the image " + where + " has no base64 data string");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(data.asText());
            } catch (IllegalArgumentException e) {
                throw invalid("the image " + where + " is not valid base64 (standard alphabet, no line breaks)");
            }
            return ContentPart.image(bytes, mediaType);
        }
        if (type.equals("url")) {
            onlyFields(source, URL_SOURCE, "the image source of " + where);
            String url = Json.text(source, "url");
            if (url.isBlank() || url.regionMatches(true, 0, "data:", 0, 5)) {
                throw invalid("the image " + where + " has no https: url (inline images are sent as base64 sources)");
            }
            return ContentPart.imageUrl(url);
        }
        throw invalid("the image " + where + " has a source of type '" + shortName(type)
                + "', which cannot be routed through the gate (base64 and url can): " + HOW);
    }

    private static Message toolResult(JsonNode block, String where, Reading r) {
        onlyFields(block, TOOL_RESULT_BLOCK, "the tool_result block " + where);
        JsonNode id = block.get("tool_use_id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw invalid("the tool_result block " + where + " has no tool_use_id");
        }
        JsonNode isError = present(block, "is_error");
        if (isError != null && !isError.isBoolean()) {
            throw invalid("the tool_result block " + where + " has an is_error that is not true or false");
        }
        boolean failed = isError != null && isError.booleanValue();
        if (failed && id.asText().indexOf(',') >= 0) {
            throw invalid("the tool_result block " + where + " sets is_error for a tool_use_id with a comma,"
                    + " which the gate cannot carry: use the ids Anthropic gives (letters, digits, '_', '-')");
        }
        if ((failed ? r.toolSuccesses : r.toolErrors).contains(id.asText())) {
            throw invalid("the tool_result block " + where + " answers a tool_use_id that another tool_result answers"
                    + " with a different is_error, which the gate cannot carry: send one result per tool call");
        }
        (failed ? r.toolErrors : r.toolSuccesses).add(id.asText());
        JsonNode content = present(block, "content");
        String text;
        if (content == null) {
            text = "";
        } else if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray() && content.size() <= 1) {
            if (!content.isEmpty() && present(content.get(0), "cache_control") != null) {
                throw invalid("the text inside the tool_result block " + where + " sets cache_control, which the gate"
                        + " carries on the tool_result block itself: set it there, or " + HOW);
            }
            text = content.isEmpty() ? "" : textOf(content.get(0), "the tool_result " + where);
        } else {
            throw invalid("the tool_result block " + where + " has "
                    + (content.isArray() ? "several content blocks" : "content that is neither a string nor blocks")
                    + ", while the gate's tool messages carry one text: send the result as one string, or " + HOW);
        }
        return Message.tool(id.asText(), text);
    }

    private static ToolCall toolUse(JsonNode block, String where) {
        onlyFields(block, TOOL_USE_BLOCK, "the tool_use block " + where);
        JsonNode id = block.get("id");
        JsonNode name = block.get("name");
        JsonNode input = block.get("input");
        if (id == null || !id.isTextual() || name == null || !name.isTextual()) {
            throw invalid("the tool_use block " + where + " needs an id and a name");
        }
        if (input == null || !input.isObject()) {
            throw invalid("the tool_use block " + where + " needs an input object");
        }
        return new ToolCall(id.asText(), name.asText(), input.toString());
    }

    /** Reads the tools into the request. */
    private static void readTools(JsonNode tools, Reading r) {
        ChatRequest.Builder b = r.b;
        if (tools == null) {
            return;
        }
        if (!tools.isArray()) {
            throw invalid("tools must be an array");
        }
        int i = 0;
        for (JsonNode t : tools) {
            String where = "tools[" + i++ + "]";
            if (!t.isObject()) {
                throw invalid(where + " is not an object");
            }
            String type = Json.text(t, "type");
            if (!type.isEmpty() && !type.equals("custom")) {
                throw invalid(where + " is a server tool of type '" + shortName(type)
                        + "', which cannot be routed through the gate (client tools can): " + HOW);
            }
            onlyFields(t, TOOL, where);
            JsonNode name = t.get("name");
            JsonNode description = present(t, "description");
            JsonNode schema = t.get("input_schema");
            JsonNode strict = present(t, "strict");
            if (name == null || !name.isTextual()) {
                throw invalid(where + " has no name");
            }
            if (description != null && !description.isTextual()) {
                throw invalid(where + " has a description that is not a string");
            }
            if (schema == null || !schema.isObject()) {
                throw invalid(where + " has no input_schema object");
            }
            if (strict != null && !strict.isBoolean()) {
                throw invalid(where + " has a strict that is not true or false");
            }
            r.mark("t" + (i - 1), AnthropicCacheMarks.read(t, where));
            b.addTool(new ToolDefinition(
                    name.asText(),
                    description == null ? "" : description.asText(),
                    schema.toString(),
                    strict != null && strict.booleanValue()));
        }
    }

    private static void readToolChoice(JsonNode choice, ChatRequest.Builder b) {
        if (choice == null) {
            return;
        }
        if (!choice.isObject()) {
            throw invalid("tool_choice must be an object such as {\"type\":\"auto\"}");
        }
        onlyFields(choice, TOOL_CHOICE, "tool_choice");
        JsonNode noParallel = present(choice, "disable_parallel_tool_use");
        if (noParallel != null && !noParallel.isBoolean()) {
            throw invalid("tool_choice.disable_parallel_tool_use must be true or false");
        }
        String type = Json.text(choice, "type");
        switch (type) {
            case "auto":
                b.toolChoice(ToolChoice.auto());
                break;
            case "any":
                b.toolChoice(ToolChoice.required());
                break;
            case "none":
                b.toolChoice(ToolChoice.none());
                break;
            case "tool":
                JsonNode name = choice.get("name");
                if (name == null || !name.isTextual()) {
                    throw invalid("tool_choice of type tool needs the tool's name");
                }
                b.toolChoice(ToolChoice.tool(name.asText()));
                break;
            default:
                throw invalid("tool_choice has type '" + shortName(type) + "': use auto, any, tool or none");
        }
        if (noParallel != null && noParallel.booleanValue()) {
            b.parallelToolCalls(false);
        }
    }

    private static void onlyFields(JsonNode node, Set<String> known, String where) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String f = names.next();
            if (!known.contains(f)
                    && !node.get(f).isNull()) { // (a null member says nothing: SDKs echo "citations": null)
                if (f.equals("cache_control")) {
                    throw invalid(where + " sets cache_control: prompt-caching breakpoints cannot be routed through the"
                            + " gate; " + HOW);
                }
                throw invalid(where + " has the field '" + shortName(f) + "', which the gate cannot pass on: " + HOW);
            }
        }
    }

    private static String typeOf(JsonNode block) {
        return block.isObject()
                ? shortName(Json.text(block, "type"))
                : block.getNodeType().name();
    }

    /** A field or type name from the request, cut short: a name is not prompt text, but it is the client's input. */
    private static String shortName(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return Secrets.NONE.scrub(sb.toString());
    }

    // ------------------------------------------------------------------------------------------------
    // Answers

    /**
     * A {@code message} object for {@code r}.
     *
     * <p>With {@code upstream} (the message the real server answered), the answer is that message with only
     * what the gate changed replaced: the text (all text blocks become one, at the first one's place, without
     * citations), the {@code tool_use} blocks (an unchanged call keeps its block as it was), the
     * {@code stop_reason} (with {@code stop_sequence} and {@code stop_details} cleared), the refusal's explanation.
     * What the gate did not read does not reach the client: thinking and server-tool blocks, citations, a
     * {@code stop_details} other than a refusal's and usage members other than counts are dropped
     * ({@link #examinedOnly}); only a message with none of them, and with nothing changed, is passed on as upstream's
     * own bytes. Ids and unknown top-level members are kept as they were.
     *
     * <p>Without it (a cached replay, or an answer from another provider) a complete message is synthesised:
     * {@code id} is {@code r.id()} if it starts with {@code msg_}, else a new {@code msg_llmgate_...};
     * {@code model} is {@code r.model()}; {@code content} a text block (if there is text) and the tool calls;
     * {@code stop_reason} from the finish reason ({@code end_turn}, {@code max_tokens}, {@code tool_use},
     * {@code refusal}, with {@code stop_details.explanation} for a refusal); {@code stop_sequence} null; usage
     * split back into Anthropic's {@code input_tokens}, {@code cache_read_input_tokens} and
     * {@code cache_creation_input_tokens}. Nothing else is synthesised.
     *
     * @throws ProviderException if a tool call's arguments are not a JSON object (the format needs one)
     */
    public static byte[] writeMessage(ChatResponse r, Optional<JsonNode> upstream) {
        if (upstream.isPresent()
                && upstream.get().isObject()
                && upstream.get().path("content").isArray()) {
            return edit(r, (ObjectNode) upstream.get());
        }
        return synthesise(r);
    }

    private static byte[] edit(ChatResponse r, ObjectNode upstream) {
        ChatResponse original = AnthropicWire.parseResponse(upstream, r.provider(), Optional.empty());
        boolean textChanged = !original.text().equals(r.text());
        boolean callsChanged = !original.toolCalls().equals(r.toolCalls());
        boolean reasonChanged = original.finishReason() != r.finishReason();
        boolean refusalChanged = !original.refusal().equals(r.refusal());
        ObjectNode root = examinedOnly(upstream);
        if (!textChanged && !callsChanged && !reasonChanged && !refusalChanged && Json.same(upstream, root)) {
            return bytes(upstream); // holds nothing the gate does not read
        }
        if (refusalChanged && root.path("stop_details").isObject()) {
            ((ObjectNode) root.get("stop_details"))
                    .put("explanation", r.refusal().orElse(""));
        }
        if (textChanged || callsChanged) {
            ArrayNode content = (ArrayNode) root.get("content");
            ArrayNode out = Json.MAPPER.createArrayNode();
            Map<String, JsonNode> oldCalls = new HashMap<>();
            boolean textPlaced = false;
            boolean callsPlaced = false;
            for (JsonNode block : content) {
                String type = Json.text(block, "type");
                if (textChanged && type.equals("text")) {
                    if (!textPlaced && !r.text().isEmpty()) {
                        out.add(textBlock(r.text()));
                    }
                    textPlaced = true;
                } else if (callsChanged && type.equals("tool_use")) {
                    oldCalls.put(Json.text(block, "id"), block);
                    if (!callsPlaced) {
                        out.add(Json.MAPPER.nullNode()); // the calls' place, filled below
                        callsPlaced = true;
                    }
                } else {
                    out.add(block);
                }
            }
            if (textChanged && !textPlaced && !r.text().isEmpty()) {
                int firstCall = indexOfType(out, "tool_use");
                if (firstCall < 0 && callsPlaced) {
                    firstCall = indexOfNull(out);
                }
                if (firstCall < 0) {
                    out.add(textBlock(r.text()));
                } else {
                    out.insert(firstCall, textBlock(r.text()));
                }
            }
            if (callsChanged) {
                int at = callsPlaced ? indexOfNull(out) : out.size();
                if (callsPlaced) {
                    out.remove(at);
                }
                for (ToolCall c : r.toolCalls()) {
                    JsonNode old = oldCalls.get(c.id());
                    JsonNode block = old != null
                                    && Json.text(old, "name").equals(c.name())
                                    && old.path("input").toString().equals(c.argumentsJson())
                            ? old
                            : toolUseBlock(c, r.provider());
                    out.insert(at++, block);
                }
            }
            root.set("content", out);
        }
        if (reasonChanged) {
            root.put("stop_reason", stopReason(r.finishReason()));
            root.putNull("stop_sequence");
            if (root.has("stop_details")) {
                root.putNull("stop_details");
            }
        }
        return bytes(root);
    }

    /**
     * A copy of upstream's message with only what the gate read: text blocks (without citations, which may quote the
     * text the gate changed), tool_use blocks (type, id, name, input), redacted thinking (encrypted: no readable
     * text); thinking blocks, server-tool blocks and blocks of other kinds are dropped; {@code stop_details} is kept
     * only for a refusal; the usage holds counts only. Every other member stays as upstream sent it.
     */
    private static ObjectNode examinedOnly(ObjectNode upstream) {
        ObjectNode root = upstream.deepCopy();
        ArrayNode content = Json.MAPPER.createArrayNode();
        for (JsonNode block : upstream.path("content")) {
            String type = Json.text(block, "type");
            if (type.equals("text")) {
                content.addObject().put("type", "text").put("text", Json.text(block, "text"));
            } else if (type.equals("tool_use")) {
                ObjectNode call = content.addObject();
                call.put("type", "tool_use");
                call.put("id", Json.text(block, "id"));
                call.put("name", Json.text(block, "name"));
                call.set("input", block.path("input").isObject() ? block.get("input") : Json.MAPPER.createObjectNode());
            } else if (type.equals("redacted_thinking")) {
                content.addObject().put("type", "redacted_thinking").put("data", Json.text(block, "data"));
            }
        }
        root.set("content", content);
        JsonNode details = upstream.get("stop_details");
        if (details != null && !details.isNull()) {
            if (Json.text(upstream, "stop_reason").equals("refusal") && details.isObject()) {
                ObjectNode kept = root.putObject("stop_details");
                kept.put("type", "refusal");
                JsonNode category = details.get("category");
                if (category != null
                        && category.isTextual()
                        && category.asText().matches("[a-z_-]{1,32}")) {
                    kept.set("category", category);
                }
                kept.put("explanation", Json.text(details, "explanation"));
            } else {
                root.putNull("stop_details");
            }
        }
        JsonNode usage = upstream.get("usage");
        if (usage != null && usage.isObject()) {
            root.set("usage", AnthropicWire.countsOnly(usage));
        }
        return root;
    }

    private static int indexOfType(ArrayNode blocks, String type) {
        for (int i = 0; i < blocks.size(); i++) {
            if (type.equals(Json.text(blocks.get(i), "type"))) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfNull(ArrayNode blocks) {
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).isNull()) {
                return i;
            }
        }
        return -1;
    }

    private static ObjectNode textBlock(String text) {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("type", "text");
        b.put("text", text);
        return b;
    }

    private static ObjectNode toolUseBlock(ToolCall c, String provider) {
        ObjectNode b = Json.MAPPER.createObjectNode();
        b.put("type", "tool_use");
        b.put("id", c.id());
        b.put("name", c.name());
        b.set("input", toolInput(c, provider));
        return b;
    }

    private static JsonNode toolInput(ToolCall c, String provider) {
        String args = c.argumentsJson().strip();
        if (args.isEmpty()) {
            return Json.MAPPER.createObjectNode();
        }
        if (AnthropicWire.isJsonObject(args)) {
            try {
                return Json.MAPPER.readTree(args);
            } catch (IOException e) {
                // isJsonObject just parsed it
            }
        }
        throw new ProviderException(
                "the arguments of tool call '" + shortName(c.id()) + "' (tool '" + shortName(c.name())
                        + "') are not a JSON object, which an Anthropic tool_use block needs",
                ErrorDetails.of(provider),
                false);
    }

    private static byte[] synthesise(ChatResponse r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + r.text().length());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", r.id().startsWith("msg_") ? r.id() : newId("msg_llmgate_"));
            g.writeStringField("type", "message");
            g.writeStringField("role", "assistant");
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("content");
            if (!r.text().isEmpty()) {
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", r.text());
                g.writeEndObject();
            }
            for (ToolCall c : r.toolCalls()) {
                g.writeTree(toolUseBlock(c, r.provider()));
            }
            g.writeEndArray();
            g.writeStringField("stop_reason", stopReason(r.finishReason()));
            g.writeNullField("stop_sequence");
            if (r.finishReason() == FinishReason.CONTENT_FILTER && r.refusal().isPresent()) {
                g.writeObjectFieldStart("stop_details");
                g.writeStringField("type", "refusal");
                g.writeStringField("explanation", r.refusal().get());
                g.writeEndObject();
            }
            g.writeFieldName("usage");
            writeUsage(g, r.usage());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A {@code usage} object: {@link Usage}'s input split back into Anthropic's three input counts. */
    static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("input_tokens", plainInput(u));
        g.writeNumberField("cache_creation_input_tokens", u.cacheWriteTokens());
        g.writeNumberField("cache_read_input_tokens", u.cachedInputTokens());
        g.writeNumberField("output_tokens", u.outputTokens());
        g.writeEndObject();
    }

    /** The input tokens billed at the plain price, Anthropic's {@code input_tokens}. */
    static long plainInput(Usage u) {
        return Math.max(0, u.inputTokens() - u.cachedInputTokens() - u.cacheWriteTokens());
    }

    /** The {@code stop_reason} for a finish reason. */
    static String stopReason(FinishReason reason) {
        switch (reason) {
            case LENGTH:
                return "max_tokens";
            case TOOL_CALLS:
                return "tool_use";
            case CONTENT_FILTER:
                return "refusal";
            default:
                return "end_turn";
        }
    }

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    /** {@code prefix} and 24 random base-62 characters (an identifier, not a secret). */
    static String newId(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 24).append(prefix);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < 24; i++) {
            sb.append(BASE62[random.nextInt(BASE62.length)]);
        }
        return sb.toString();
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Errors

    /**
     * An error answer as Anthropic gives one: status, headers and a body
     * {@code {"type":"error","error":{"type":...,"message":...},"request_id":...}}.
     *
     * @param status  the HTTP status
     * @param headers {@code content-type}, {@code x-should-retry} (whether the SDK should send the request
     *                again, from {@link LlmException#isRetryable()}) and {@code retry-after} in whole seconds
     *                when the error knows when to come back
     * @param body    the JSON body
     */
    @SuppressWarnings("ArrayRecordComponent") // an internal carrier of bytes written once
    public record ErrorReply(int status, Headers headers, byte[] body) {}

    /** An Anthropic error type and the status it comes with. */
    record ErrorKind(int status, String type) {}

    /**
     * The error answer for a gate error, the way Anthropic would answer it, so that the SDK raises the
     * matching exception: a policy block 403 {@code permission_error}; a budget 429 {@code rate_limit_error}
     * (not retryable); a rate limit 429; overload 529 {@code overloaded_error}; authentication 401; permission
     * 403; context length, content filter and invalid requests 400 {@code invalid_request_error} (or the
     * upstream's own 4xx status: 404 {@code not_found_error}, 413 {@code request_too_large}); a timeout 504
     * {@code timeout_error}; anything else 500 {@code api_error} or the upstream's own 5xx status.
     *
     * <p>The message is the exception's message passed through {@code secrets} (the client's key, and anything
     * credential-shaped, masked; cut to {@value Secrets#MAX_TEXT} characters). Exception messages never hold
     * prompt text (see {@link LlmException}).
     *
     * @param now the current time, to turn a budget's reset time into {@code retry-after} seconds
     */
    public static ErrorReply error(LlmException e, Secrets secrets, Instant now) {
        ErrorKind kind = kind(e);
        Headers.Builder headers = new Headers.Builder()
                .add("content-type", "application/json")
                .add("x-should-retry", Boolean.toString(e.isRetryable()));
        retryAfter(e, now).ifPresent(d -> headers.add("retry-after", Long.toString(ceilSeconds(d))));
        e.details().requestId().ifPresent(id -> headers.add("request-id", secrets.scrub(id)));
        return new ErrorReply(kind.status(), headers.build(), errorBody(e, kind, secrets));
    }

    /** {@link #error(LlmException, Secrets, Instant)} with no key to mask beyond credential shapes, at the system clock's time. */
    public static ErrorReply error(LlmException e) {
        return error(e, Secrets.NONE, Instant.now());
    }

    static ErrorKind kind(LlmException e) {
        int upstream = e.details().httpStatus().orElse(0);
        if (e instanceof PolicyBlockedException) {
            return new ErrorKind(403, "permission_error");
        }
        if (e instanceof BudgetExceededException || e instanceof RateLimitedException) {
            return new ErrorKind(429, "rate_limit_error");
        }
        if (e instanceof OverloadedException) {
            return new ErrorKind(529, "overloaded_error");
        }
        if (e instanceof AuthenticationException) {
            return new ErrorKind(401, "authentication_error");
        }
        if (e instanceof PermissionDeniedException) {
            return new ErrorKind(403, "permission_error");
        }
        if (e instanceof InvalidRequestException
                || e instanceof ContextLengthExceededException
                || e instanceof ContentFilteredException) {
            if (upstream == 404) {
                return new ErrorKind(404, "not_found_error");
            }
            if (upstream == 413) {
                return new ErrorKind(413, "request_too_large");
            }
            return new ErrorKind(
                    upstream >= 400 && upstream < 500 && upstream != 429 ? upstream : 400, "invalid_request_error");
        }
        if (e instanceof RequestTimeoutException) {
            return new ErrorKind(504, "timeout_error");
        }
        return new ErrorKind(upstream >= 500 && upstream < 600 ? upstream : 500, "api_error");
    }

    private static Optional<Duration> retryAfter(LlmException e, Instant now) {
        if (e instanceof RateLimitedException) {
            return ((RateLimitedException) e).retryAfter();
        }
        if (e instanceof OverloadedException) {
            return ((OverloadedException) e).retryAfter();
        }
        if (e instanceof BudgetExceededException) {
            Duration d = Duration.between(now, ((BudgetExceededException) e).resetsAt());
            return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
        }
        return Optional.empty();
    }

    private static long ceilSeconds(Duration d) {
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }

    /** {@code {"type":"error","error":{"type":...,"message":...}[,"request_id":...]}}. */
    static byte[] errorBody(LlmException e, ErrorKind kind, Secrets secrets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", kind.type());
            g.writeStringField("message", secrets.scrub(String.valueOf(e.getMessage())));
            g.writeEndObject();
            if (e.details().requestId().isPresent()) {
                g.writeStringField(
                        "request_id", secrets.scrub(e.details().requestId().get()));
            } else {
                g.writeNullField("request_id");
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    private static InvalidRequestException invalid(String what) {
        return new InvalidRequestException(
                "cannot read the intercepted Anthropic Messages request: " + what, ErrorDetails.NONE);
    }
}
