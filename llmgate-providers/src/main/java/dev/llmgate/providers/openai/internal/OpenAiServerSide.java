package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.Role;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.providers.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The other side of {@link OpenAiWire}: reads a Chat Completions request body as a client sent it,
 * and writes answers back in the same format, so that an existing OpenAI-format client can be
 * routed through a gate without noticing.
 */
public final class OpenAiServerSide {
    private static final Set<String> MAPPED = Set.of(
            "model",
            "messages",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "response_format",
            "temperature",
            "top_p",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "seed",
            "stream",
            "stream_options",
            "n");

    /**
     * Reads intercepted bodies refusing a member named twice: an unchanged request is forwarded as the
     * client's own bytes, so the value the policy examined must be the only one upstream can read.
     */
    private static final ObjectReader STRICT = Json.MAPPER
            .reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS); // (numbers as written: see Json.EXACT)

    private OpenAiServerSide() {}

    /**
     * An intercepted request, read once.
     *
     * @param request        the request, addressed to {@code prefix + model}
     * @param model          the model the client named
     * @param stream         whether the client asked for a stream
     * @param includeUsage   whether the client asked for a usage chunk ({@code stream_options.include_usage})
     * @param maxTokensField the output-limit field the client used, to forward the same one
     * @param faithful       whether {@code request} holds every non-null member of the body's messages and tools
     *                       (only then may the client's own bytes stand for it)
     */
    public record Intercepted(
            ChatRequest request,
            String model,
            boolean stream,
            boolean includeUsage,
            String maxTokensField,
            boolean faithful) {}

    private static final Set<String> MESSAGE_MEMBERS = Set.of("role", "content", "name", "tool_calls", "tool_call_id");
    private static final Set<String> PART_MEMBERS = Set.of("type", "text", "image_url");
    private static final Set<String> IMAGE_MEMBERS = Set.of("url", "detail");
    private static final Set<String> CALL_MEMBERS = Set.of("id", "type", "function", "index");
    private static final Set<String> FUNCTION_MEMBERS = Set.of("name", "arguments");
    private static final Set<String> TOOL_MEMBERS = Set.of("type", "function");
    private static final Set<String> TOOL_FUNCTION_MEMBERS = Set.of("name", "description", "parameters", "strict");

    /**
     * Whether every member of {@code node} is one of {@code known}, a member whose value is null counting only when its
     * name is not a plain lower-case word (a name is text too: {@code "card 4111…": null} would reach upstream).
     */
    static boolean only(JsonNode node, Set<String> known) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if ((!f.getValue().isNull() || !plainName(f.getKey())) && !known.contains(f.getKey())) {
                return false;
            }
        }
        return true;
    }

    private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[a-z_]{1,64}");

    /** Whether {@code name} is a plain lower-case member name ({@code refusal}, {@code tool_calls}). */
    static boolean plainName(String name) {
        return PLAIN_NAME.matcher(name).matches();
    }

    /** Whether the request body's messages and tools hold only members the gate reads. */
    private static boolean faithful(JsonNode root) {
        for (JsonNode m : root.path("messages")) {
            if (!only(m, MESSAGE_MEMBERS)) {
                return false;
            }
            for (JsonNode p : m.path("content")) {
                if (!only(p, PART_MEMBERS) || p.has("image_url") && !only(p.get("image_url"), IMAGE_MEMBERS)) {
                    return false;
                }
            }
            for (JsonNode c : m.path("tool_calls")) {
                if (!only(c, CALL_MEMBERS) || !only(c.path("function"), FUNCTION_MEMBERS)) {
                    return false;
                }
            }
        }
        for (JsonNode t : root.path("tools")) {
            if (!only(t, TOOL_MEMBERS) || !only(t.path("function"), TOOL_FUNCTION_MEMBERS)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the body the gate writes for {@code request} (what the policy examined, as a blocking call sends it) is
     * the client's body as JSON: then every value the client's bytes hold is one the policy read, and they may stand
     * for it. Any value the gate does not carry (a member inside a tool call or a part it does not read, a value of
     * another kind, {@code max_tokens} beside {@code max_completion_tokens}) makes them differ: the request is then
     * written anew from what the policy read.
     */
    private static boolean writtenAsSent(JsonNode root, ChatRequest request, String maxField) {
        try {
            return Json.sameAs(
                    root, OpenAiWire.requestBody(request, false, new OpenAiWire.Options(maxField, true, true)));
        } catch (RuntimeException e) {
            return false; // (written anew, as for any request the gate changed)
        }
    }

    private static final Set<String> NAMED_CHOICE_MEMBERS = Set.of("type", "function");
    private static final Set<String> NAME_ONLY = Set.of("name");
    private static final Set<String> FORMAT_MEMBERS = Set.of("type", "json_schema");
    private static final Set<String> SCHEMA_MEMBERS = Set.of("name", "schema", "strict");
    private static final Set<String> STREAM_OPTION_MEMBERS = Set.of("include_usage", "include_obfuscation");

    /**
     * Refuses a request whose members the gate reads hold a value of another type, or a member inside them it does
     * not read: the client's own bytes may be forwarded for an unchanged request, so every value in them must be one
     * the policy examined (a card number written as a {@code temperature} string, a {@code tool_choice} with an extra
     * member or a schema's {@code description} would reach upstream unexamined). Upstream would refuse most of these
     * too; the gate refuses them before anything is sent, saying which member and what it expects.
     */
    private static void checkShapes(JsonNode root) {
        for (String number : new String[] {"temperature", "top_p"}) {
            JsonNode v = root.get(number);
            if (v != null && !v.isNull() && !v.isNumber()) {
                throw invalid("\"" + number + "\" must be a number");
            }
        }
        JsonNode seed = root.get("seed");
        if (seed != null && !seed.isNull() && !seed.isIntegralNumber()) {
            throw invalid("\"seed\" must be an integer");
        }
        for (String flag : new String[] {"stream", "parallel_tool_calls"}) {
            JsonNode v = root.get(flag);
            if (v != null && !v.isNull() && !v.isBoolean()) {
                throw invalid("\"" + flag + "\" must be true or false");
            }
        }
        JsonNode stop = root.get("stop");
        if (stop != null && !stop.isNull() && !stop.isTextual()) {
            if (!stop.isArray()) {
                throw invalid("\"stop\" must be a string or an array of strings");
            }
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw invalid("\"stop\" must be a string or an array of strings");
                }
            }
        }
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject() || !only(streamOptions, STREAM_OPTION_MEMBERS)) {
                throw invalid("\"stream_options\" may hold only include_usage and include_obfuscation (true or false),"
                        + " the options the gate reads");
            }
            for (String option : STREAM_OPTION_MEMBERS) {
                JsonNode v = streamOptions.get(option);
                if (v != null && !v.isNull() && !v.isBoolean()) {
                    throw invalid("\"stream_options." + option + "\" must be true or false");
                }
            }
        }
        JsonNode choice = root.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            boolean named = choice.isObject()
                    && only(choice, NAMED_CHOICE_MEMBERS)
                    && Json.text(choice, "type").equals("function")
                    && choice.path("function").isObject()
                    && only(choice.get("function"), NAME_ONLY)
                    && choice.get("function").path("name").isTextual();
            boolean word =
                    choice.isTextual() && Set.of("none", "auto", "required").contains(choice.asText());
            if (!named && !word) {
                throw invalid("\"tool_choice\" must be \"none\", \"auto\", \"required\" or"
                        + " {\"type\":\"function\",\"function\":{\"name\":...}} with nothing else in it (other forms"
                        + " cannot be examined by the gate)");
            }
        }
        JsonNode format = root.get("response_format");
        if (format != null && !format.isNull()) {
            String type = Json.text(format, "type");
            boolean known = format.isObject()
                    && only(format, FORMAT_MEMBERS)
                    && (type.equals("text") || type.equals("json_object") || type.equals("json_schema"));
            JsonNode schema = format.path("json_schema");
            if (!known
                    || type.equals("json_schema")
                            && (!schema.isObject()
                                    || !only(schema, SCHEMA_MEMBERS)
                                    || !schema.path("name").isTextual())
                    || !type.equals("json_schema") && format.has("json_schema")) {
                throw invalid("\"response_format\" must be {\"type\":\"text\"}, {\"type\":\"json_object\"} or"
                        + " {\"type\":\"json_schema\",\"json_schema\":{\"name\":...,\"schema\":...,\"strict\":...}};"
                        + " the gate examines the schema's name and the schema itself, nothing else (write a"
                        + " description into the schema's own \"description\" keyword)");
            }
        }
        JsonNode messages = root.get("messages");
        if (messages != null && !messages.isNull() && !messages.isArray()) {
            throw invalid("\"messages\" must be an array");
        }
        for (JsonNode m : root.path("messages")) {
            if (!m.isObject()) {
                throw invalid("a message is not an object");
            }
            for (String text : new String[] {"role", "name", "tool_call_id"}) {
                JsonNode v = m.get(text);
                if (v != null && !v.isNull() && !v.isTextual()) {
                    throw invalid("a message's \"" + text + "\" must be a string");
                }
            }
            JsonNode content = m.get("content");
            if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                throw invalid("a message's \"content\" must be a string or an array of parts");
            }
            for (JsonNode p : m.path("content")) {
                if (!p.isObject()
                        || !p.path("type").isTextual()
                        || p.has("text") && !p.get("text").isTextual()
                        || p.has("image_url")
                                && !(p.get("image_url").isObject()
                                        && p.get("image_url").path("url").isTextual()
                                        && (!p.get("image_url").has("detail")
                                                || p.get("image_url")
                                                        .get("detail")
                                                        .isTextual()))) {
                    throw invalid("a content part must be {\"type\":\"text\",\"text\":...} or {\"type\":"
                            + "\"image_url\",\"image_url\":{\"url\":...,\"detail\":...}}");
                }
            }
            JsonNode calls = m.get("tool_calls");
            if (calls != null && !calls.isNull() && !calls.isArray()) {
                throw invalid("a message's \"tool_calls\" must be an array");
            }
            for (JsonNode c : m.path("tool_calls")) {
                JsonNode fn = c.path("function");
                if (!c.isObject()
                        || c.has("id") && !c.get("id").isTextual()
                        || c.has("type") && !c.get("type").isTextual()
                        || !fn.isObject()
                        || fn.has("name") && !fn.get("name").isTextual()) {
                    throw invalid("a tool call must be {\"id\":...,\"type\":\"function\",\"function\":{\"name\":...,"
                            + "\"arguments\":\"...\"}} with strings");
                }
            }
        }
        JsonNode tools = root.get("tools");
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw invalid("\"tools\" must be an array");
        }
        for (JsonNode t : root.path("tools")) {
            JsonNode fn = t.path("function");
            if (!t.isObject()
                    || !fn.isObject()
                    || !fn.path("name").isTextual()
                    || fn.has("description") && !fn.get("description").isTextual()
                    || fn.has("strict")
                            && !fn.get("strict").isBoolean()
                            && !fn.get("strict").isNull()) {
                throw invalid("a tool must be {\"type\":\"function\",\"function\":{\"name\":...,\"description\":...,"
                        + "\"parameters\":{...}}} with strings");
            }
        }
    }

    private static final Set<String> CHOICE_MEMBERS = Set.of("index", "message", "finish_reason");
    private static final Set<String> ANSWER_MESSAGE_MEMBERS = Set.of("role", "content", "refusal", "tool_calls");

    /**
     * Whether upstream's answer holds nothing in its choices the gate did not read: one choice, no
     * log-probabilities, a message of role, string content, refusal, tool calls and no (or empty)
     * annotations. Only such an answer may reach the client as upstream's own bytes; any other is
     * written anew ({@link #patchResponse}), without what the output policy did not examine.
     */
    public static boolean onlyModelled(JsonNode answer) {
        JsonNode choices = answer.path("choices");
        if (!choices.isArray() || choices.size() != 1) {
            return false;
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.path("message");
        JsonNode annotations = message.path("annotations");
        if (!only(choice, CHOICE_MEMBERS) || !message.isObject()) {
            return false;
        }
        if (!(annotations.isMissingNode() || annotations.isNull() || annotations.isArray() && annotations.isEmpty())) {
            return false;
        }
        ObjectNode withoutAnnotations = ((ObjectNode) message).deepCopy();
        withoutAnnotations.remove("annotations");
        JsonNode content = message.path("content");
        if (!only(withoutAnnotations, ANSWER_MESSAGE_MEMBERS)
                || !(content.isMissingNode() || content.isNull() || content.isTextual())) {
            return false;
        }
        for (JsonNode c : message.path("tool_calls")) {
            if (!only(c, CALL_MEMBERS) || !only(c.path("function"), FUNCTION_MEMBERS)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads a request body; {@code modelPrefix} (e.g. "openai:") is put before the body's model.
     *
     * @throws InvalidRequestException for anything that is not a valid Chat Completions request, or
     *         that uses a part this gateway cannot pass on faithfully
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
            root = STRICT.readTree(body);
        } catch (IOException e) {
            throw invalid("the request body is not valid JSON, or names a member twice (the gate would examine one"
                    + " value and upstream might read the other)");
        }
        if (root == null || !root.isObject()) {
            throw invalid("the request body is not a JSON object");
        }
        String model = Json.text(root, "model");
        if (model.isEmpty()) {
            throw invalid("the request has no model");
        }
        checkShapes(root);
        ChatRequest.Builder b = ChatRequest.builder(modelPrefix + model);
        for (JsonNode m : root.path("messages")) {
            b.addMessage(readMessage(m));
        }
        for (JsonNode t : root.path("tools")) {
            JsonNode fn = t.path("function");
            JsonNode params = fn.get("parameters");
            b.addTool(new ToolDefinition(
                    Json.text(fn, "name"),
                    Json.text(fn, "description"),
                    params == null || params.isNull() ? "{\"type\":\"object\",\"properties\":{}}" : params.toString(),
                    fn.path("strict").asBoolean(false)));
        }
        JsonNode choice = root.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            if (choice.isObject()) {
                b.toolChoice(
                        ToolChoice.tool(choice.path("function").path("name").asText()));
            } else {
                String c = choice.asText();
                b.toolChoice(
                        "none".equals(c)
                                ? ToolChoice.none()
                                : "required".equals(c) ? ToolChoice.required() : ToolChoice.auto());
            }
        }
        if (root.has("parallel_tool_calls")) {
            b.parallelToolCalls(root.get("parallel_tool_calls").asBoolean());
        }
        JsonNode format = root.get("response_format");
        if (format != null && format.isObject()) {
            String type = Json.text(format, "type");
            if (type.equals("json_object")) {
                b.responseFormat(ResponseFormat.jsonObject());
            } else if (type.equals("json_schema")) {
                JsonNode s = format.path("json_schema");
                b.responseFormat(ResponseFormat.jsonSchema(
                        Json.text(s, "name"),
                        s.path("schema").toString(),
                        s.path("strict").asBoolean(false)));
            }
        }
        if (root.hasNonNull("temperature")) {
            b.temperature(root.get("temperature").asDouble());
        }
        if (root.hasNonNull("top_p")) {
            b.topP(root.get("top_p").asDouble());
        }
        JsonNode max =
                root.hasNonNull("max_completion_tokens") ? root.get("max_completion_tokens") : root.get("max_tokens");
        if (max != null && !max.isNull()) {
            if (!max.canConvertToInt() || !max.isIntegralNumber()) {
                throw invalid("the output-token limit must be an integer the gate can count (at most 2^31 - 1)");
            }
            b.maxOutputTokens(max.asInt());
        }
        JsonNode stop = root.get("stop");
        if (stop != null && stop.isTextual()) {
            b.addStop(stop.asText());
        } else if (stop != null && stop.isArray()) {
            stop.forEach(s -> b.addStop(s.asText()));
        }
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && !(n.canConvertToInt() && n.asInt() == 1)) {
            throw invalid("\"n\": "
                    + n.toString().substring(0, Math.min(20, n.toString().length()))
                    + " asks for several choices; the gate examines exactly one (policy, cache and audit would miss"
                    + " the others): send n = 1 (or leave it out)");
        }
        if (root.hasNonNull("seed")) {
            b.seed(root.get("seed").asLong());
        }
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if (!MAPPED.contains(f.getKey()) && !f.getValue().isNull()) {
                b.providerOption(f.getKey(), Json.MAPPER.convertValue(f.getValue(), Object.class));
            }
        }
        String maxField = root.hasNonNull("max_tokens") && !root.hasNonNull("max_completion_tokens")
                ? "max_tokens"
                : "max_completion_tokens";
        ChatRequest request = b.build();
        return new Intercepted(
                request,
                model,
                root.path("stream").asBoolean(false),
                root.path("stream_options").path("include_usage").asBoolean(false),
                maxField,
                faithful(root) && writtenAsSent(root, request.withModel(model), maxField));
    }

    private static Message readMessage(JsonNode m) {
        String role = Json.text(m, "role");
        JsonNode content = m.get("content");
        List<ContentPart> parts = new ArrayList<>();
        if (content != null && content.isTextual()) {
            parts.add(ContentPart.text(content.asText()));
        } else if (content != null && content.isArray()) {
            for (JsonNode p : content) {
                String type = Json.text(p, "type");
                if (type.equals("text")) {
                    parts.add(ContentPart.text(Json.text(p, "text")));
                } else if (type.equals("image_url")) {
                    JsonNode img = p.path("image_url");
                    String detail = Json.text(img, "detail").toUpperCase(java.util.Locale.ROOT);
                    String url = Json.text(img, "url");
                    ContentPart.ImageDetail d;
                    try {
                        d = detail.isEmpty() ? ContentPart.ImageDetail.AUTO : ContentPart.ImageDetail.valueOf(detail);
                    } catch (IllegalArgumentException e) {
                        throw invalid("image detail '" + Json.text(img, "detail") + "' is not one of auto, low, high");
                    }
                    if (url.startsWith("data:") && url.contains(";base64,")) {
                        String mediaType = url.substring(5, url.indexOf(';'));
                        parts.add(new ContentPart.ImageData(
                                Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)), mediaType, d));
                    } else {
                        parts.add(new ContentPart.ImageUrl(url, d));
                    }
                } else {
                    throw invalid("content parts of type '" + type + "' cannot be routed through the gate (text and"
                            + " image_url can); send this request without the gate's interceptor");
                }
            }
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode c : m.path("tool_calls")) {
            JsonNode fn = c.path("function");
            calls.add(new ToolCall(
                    Json.text(c, "id"), Json.text(fn, "name"), OpenAiWire.argumentsText(fn.get("arguments"))));
        }
        Role r;
        switch (role) {
            case "system":
                r = Role.SYSTEM;
                break;
            case "developer":
                r = Role.DEVELOPER;
                break;
            case "assistant":
                r = Role.ASSISTANT;
                break;
            case "tool":
                r = Role.TOOL;
                break;
            case "user":
                r = Role.USER;
                break;
            default:
                throw invalid("unknown message role '" + role + "'");
        }
        String name = Json.text(m, "name");
        String toolCallId = Json.text(m, "tool_call_id");
        try {
            return new Message(
                    r,
                    parts,
                    calls,
                    r == Role.TOOL ? Optional.of(toolCallId) : Optional.empty(),
                    name.isEmpty() ? Optional.empty() : Optional.of(name));
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /**
     * A {@code chat.completion} body synthesised for {@code r} (an answer upstream did not send: a
     * cached replay, a fallback to another provider), dated {@code created}.
     */
    public static byte[] writeResponse(ChatResponse r, Instant created) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + r.text().length());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", r.id());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created.getEpochSecond());
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("choices");
            writeChoice(g, r);
            g.writeEndArray();
            writeUsage(g, r.usage());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Upstream's {@code chat.completion} body {@code upstream} with its one choice replaced by the
     * gate's answer {@code r} (e.g. redacted by a policy): every other member (id, {@code created},
     * model, {@code system_fingerprint}, {@code service_tier}, usage, members this gate does not know)
     * stays as upstream sent it. The choice itself is written anew — its log-probabilities and any
     * member this gate does not know are dropped, since they may carry the text the gate changed.
     */
    public static byte[] patchResponse(JsonNode upstream, ChatResponse r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + r.text().length());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            boolean wroteChoices = false;
            for (Map.Entry<String, JsonNode> f : upstream.properties()) {
                if (f.getKey().equals("choices")) {
                    g.writeArrayFieldStart("choices");
                    writeChoice(g, r);
                    g.writeEndArray();
                    wroteChoices = true;
                } else {
                    g.writeFieldName(f.getKey());
                    g.writeTree(f.getValue());
                }
            }
            if (!wroteChoices) {
                g.writeArrayFieldStart("choices");
                writeChoice(g, r);
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeChoice(JsonGenerator g, ChatResponse r) throws IOException {
        {
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            if (r.text().isEmpty() && r.hasToolCalls()) {
                g.writeNullField("content");
            } else {
                g.writeStringField("content", r.text());
            }
            if (r.hasToolCalls()) {
                g.writeArrayFieldStart("tool_calls");
                for (ToolCall c : r.toolCalls()) {
                    writeToolCall(g, c, -1);
                }
                g.writeEndArray();
            }
            if (r.refusal().isPresent()) {
                g.writeStringField("refusal", r.refusal().get());
            } else {
                g.writeNullField("refusal");
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason(r.finishReason()));
            g.writeEndObject();
        }
    }

    /**
     * The members every chunk of one stream repeats: id, object, {@code created}, model and, when
     * upstream sent them, {@code service_tier} and {@code system_fingerprint}; and, for the first chunk, the
     * top-level members of upstream's first chunk that llmgate does not know (a vendor's {@code citations},
     * {@code provider}, ...: passed on unexamined, as in a blocking answer), except OpenAI's per-chunk
     * {@code obfuscation} padding.
     */
    public static final class ChunkHead {
        /** Top-level chunk members the head writes itself or that belong to one chunk only. */
        static final java.util.Set<String> OWN = java.util.Set.of(
                "id",
                "object",
                "created",
                "model",
                "service_tier",
                "system_fingerprint",
                "choices",
                "usage",
                "obfuscation");

        private final String id;
        private final long created;
        private final String model;
        private final Optional<JsonNode> serviceTier;
        private final Optional<JsonNode> fingerprint;
        /** Upstream's first chunk's members llmgate does not know, in its order (empty if none). */
        private final List<Map.Entry<String, JsonNode>> unknown;

        private ChunkHead(
                String id,
                long created,
                String model,
                Optional<JsonNode> serviceTier,
                Optional<JsonNode> fingerprint,
                List<Map.Entry<String, JsonNode>> unknown) {
            this.id = id;
            this.created = created;
            this.model = model;
            this.serviceTier = serviceTier;
            this.fingerprint = fingerprint;
            this.unknown = unknown;
        }

        /** The head of upstream's stream, from its first chunk; the requested model if that chunk names none. */
        public static ChunkHead of(JsonNode firstChunk, String requestedModel) {
            String model = Json.text(firstChunk, "model");
            List<Map.Entry<String, JsonNode>> unknown = new ArrayList<>(0);
            for (Map.Entry<String, JsonNode> e : firstChunk.properties()) {
                if (!OWN.contains(e.getKey())) {
                    unknown.add(Map.entry(e.getKey(), e.getValue()));
                }
            }
            return new ChunkHead(
                    Json.text(firstChunk, "id"),
                    firstChunk.path("created").asLong(0),
                    model.isEmpty() ? requestedModel : model,
                    Optional.ofNullable(firstChunk.get("service_tier")),
                    Optional.ofNullable(firstChunk.get("system_fingerprint")),
                    List.copyOf(unknown));
        }

        /**
         * This head with {@code members} (upstream's members llmgate does not know, from a chunk after the first) in
         * place of its unknown members or after them, one value per name.
         */
        public ChunkHead withMembers(List<Map.Entry<String, JsonNode>> members) {
            if (members.isEmpty()) {
                return this;
            }
            java.util.LinkedHashMap<String, JsonNode> all = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : unknown) {
                all.put(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, JsonNode> e : members) {
                all.put(e.getKey(), e.getValue());
            }
            List<Map.Entry<String, JsonNode>> merged = new ArrayList<>(all.size());
            all.forEach((k, v) -> merged.add(Map.entry(k, v)));
            return new ChunkHead(id, created, model, serviceTier, fingerprint, List.copyOf(merged));
        }

        /** This head without upstream's unknown members (for the chunks after the first). */
        public ChunkHead withoutUnknownMembers() {
            return unknown.isEmpty() ? this : new ChunkHead(id, created, model, serviceTier, fingerprint, List.of());
        }

        /** A head for a stream upstream did not produce. */
        public static ChunkHead synthesised(String id, long created, String model) {
            return new ChunkHead(id, created, model, Optional.empty(), Optional.empty(), List.of());
        }

        void writeTo(JsonGenerator g) throws IOException {
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion.chunk");
            g.writeNumberField("created", created);
            g.writeStringField("model", model);
            if (serviceTier.isPresent()) {
                g.writeFieldName("service_tier");
                g.writeTree(serviceTier.get());
            }
            if (fingerprint.isPresent()) {
                g.writeFieldName("system_fingerprint");
                g.writeTree(fingerprint.get());
            }
            for (Map.Entry<String, JsonNode> e : unknown) {
                g.writeFieldName(e.getKey());
                g.writeTree(e.getValue());
            }
        }
    }

    private static final byte[] DATA_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FRAME_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    /** One SSE {@code data:} frame (with its blank line) for an event. */
    public static byte[] writeChunk(StreamEvent event, ChunkHead head) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(192);
        try {
            out.write(DATA_PREFIX);
            try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
                g.writeStartObject();
                head.writeTo(g);
                g.writeArrayFieldStart("choices");
                if (event instanceof StreamEvent.UsageUpdate u) {
                    g.writeEndArray();
                    writeUsage(g, u.usage());
                } else {
                    g.writeStartObject();
                    g.writeNumberField("index", 0);
                    g.writeObjectFieldStart("delta");
                    if (event instanceof StreamEvent.TextDelta d) {
                        g.writeStringField("content", d.text());
                    } else if (event instanceof StreamEvent.ToolCallDelta t) {
                        g.writeArrayFieldStart("tool_calls");
                        g.writeStartObject();
                        g.writeNumberField("index", t.index());
                        if (t.id().isPresent()) {
                            g.writeStringField("id", t.id().get());
                            g.writeStringField("type", "function");
                        }
                        g.writeObjectFieldStart("function");
                        if (t.name().isPresent()) {
                            g.writeStringField("name", t.name().get());
                        }
                        g.writeStringField("arguments", t.argumentsDelta());
                        g.writeEndObject();
                        g.writeEndObject();
                        g.writeEndArray();
                    } else if (event instanceof StreamEvent.Finish f
                            && f.refusal().isPresent()) {
                        g.writeStringField("refusal", f.refusal().get());
                    }
                    g.writeEndObject();
                    if (event instanceof StreamEvent.Finish f) {
                        g.writeStringField("finish_reason", finishReason(f.reason()));
                    } else {
                        g.writeNullField("finish_reason");
                    }
                    g.writeEndObject();
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            out.write(FRAME_END);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An OpenAI-shaped error body. */
    public static byte[] writeError(String message, String type, String code) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", type);
            g.writeNullField("param");
            if (code.isEmpty()) {
                g.writeNullField("code");
            } else {
                g.writeStringField("code", code);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeToolCall(JsonGenerator g, ToolCall c, int index) throws IOException {
        g.writeStartObject();
        if (index >= 0) {
            g.writeNumberField("index", index);
        }
        g.writeStringField("id", c.id());
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", c.name());
        g.writeStringField("arguments", c.argumentsJson());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.inputTokens());
        g.writeNumberField("completion_tokens", u.outputTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedInputTokens());
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", u.reasoningTokens());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static String finishReason(FinishReason r) {
        switch (r) {
            case LENGTH:
                return "length";
            case TOOL_CALLS:
                return "tool_calls";
            case CONTENT_FILTER:
                return "content_filter";
            default:
                return "stop";
        }
    }

    private static InvalidRequestException invalid(String what) {
        return new InvalidRequestException(
                "cannot read the intercepted Chat Completions request: " + what, ErrorDetails.NONE);
    }
}
