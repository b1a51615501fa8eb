package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenAI Responses API ({@code POST .../responses}, blocking) as a server sees it: reads a request
 * body into a {@link ChatRequest} and remembers where each value came from, so that what the chain
 * changed (a redaction) can be written back into the client's own body in place — every member llmgate
 * does not model stays as the client sent it; and reads upstream's {@code response} object into a
 * {@link ChatResponse}, writing the chain's changes back into it the same way. Anything the gate cannot
 * examine (hosted tools, file inputs, reasoning items, a stream) is refused rather than passed on
 * unexamined. Not public API.
 */
public final class ResponsesServerSide {
    private static final ObjectReader STRICT = Json.MAPPER
            .reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS); // (numbers as written: see Json.EXACT)
    private static final Set<String> MESSAGE_ITEM = Set.of("type", "role", "content", "id", "status");
    private static final Set<String> TEXT_PART = Set.of("type", "text");
    private static final Set<String> OUTPUT_PART = Set.of("type", "text", "annotations", "logprobs");
    private static final Set<String> IMAGE_PART = Set.of("type", "image_url", "detail");
    /** The statuses an input item may carry (any other value would reach upstream unexamined). */
    private static final Set<String> STATUSES = Set.of("completed", "in_progress", "incomplete");

    private static final Set<String> CALL_ITEM = Set.of("type", "id", "call_id", "name", "arguments", "status");
    private static final Set<String> OUTPUT_ITEM = Set.of("type", "id", "call_id", "output", "status");
    private static final Set<String> FUNCTION_TOOL = Set.of("type", "name", "description", "parameters", "strict");

    /**
     * Refuses an item with a member the gate does not read: the client's body is forwarded with such
     * members in place, so they would reach upstream unexamined.
     */
    private static void onlyKnown(JsonNode node, Set<String> known, String what) {
        if (!OpenAiServerSide.only(node, known)) {
            throw invalid(what + " has members the gate cannot examine (it reads " + new java.util.TreeSet<>(known)
                    + "): send it without the gate");
        }
    }

    private static final Set<String> MAPPED = Set.of(
            "model",
            "input",
            "instructions",
            "tools",
            "tool_choice",
            "text",
            "max_output_tokens",
            "temperature",
            "top_p",
            "parallel_tool_calls",
            "stream");

    private ResponsesServerSide() {}

    /** Where a message's text parts live in the client's body. */
    private record Slot(int message, int part, ObjectNode holder, String field) {}

    /** A read request: the chain's view, and the client's body with the places the values came from. */
    public static final class Intercepted {
        /** Whether the client asked for a stream. */
        public boolean stream() {
            return body.path("stream").asBoolean(false);
        }

        private final ChatRequest request;
        private final String model;
        /** The client's body as read; {@link #rewritten} copies it and finds the same places in the copy. */
        private final ObjectNode body;

        private Intercepted(ChatRequest request, String model, ObjectNode body) {
            this.request = request;
            this.model = model;
            this.body = body;
        }

        public ChatRequest request() {
            return request;
        }

        public String model() {
            return model;
        }

        /**
         * The client's body with what the chain changed in {@code attempt} written back in place: texts,
         * tool-call arguments, tool definitions, settings, provider options and the model; every other member
         * as the client sent it.
         *
         * @throws InvalidRequestException if a stage changed the request's shape (messages or parts added or
         *         removed), which cannot be written back into a Responses body faithfully
         */
        public byte[] rewritten(ChatRequest attempt) {
            List<Message> now = attempt.messages();
            List<Message> before = request.messages();
            if (now.size() != before.size()) {
                throw shape();
            }
            ObjectNode copy = body.deepCopy();
            // the slots point into the original tree: resolve them again in the copy by walking the same paths
            List<Slot> slots = slotsIn(copy);
            for (Slot s : slots) {
                Message m = now.get(s.message());
                if (s.part() >= m.content().size()) {
                    throw shape();
                }
                ContentPart part = m.content().get(s.part());
                if (s.field().equals("image_url")) {
                    if (!(part instanceof ContentPart.ImageUrl u)
                            || u.detail()
                                    != ((ContentPart.ImageUrl) before.get(s.message())
                                                    .content()
                                                    .get(s.part()))
                                            .detail()) {
                        throw shape();
                    }
                    s.holder().set("image_url", TextNode.valueOf(u.url()));
                    continue;
                }
                if (!(part instanceof ContentPart.Text t)) {
                    throw shape();
                }
                s.holder().set(s.field(), TextNode.valueOf(t.text()));
            }
            // what no slot holds must be as it was: a change of it could not be written back, and the client's value
            // must never go upstream in place of the one the chain decided on
            for (int i = 0; i < now.size(); i++) {
                Message a = now.get(i);
                Message b = before.get(i);
                if (a.role() != b.role()
                        || !a.name().equals(b.name())
                        || !a.toolCallId().equals(b.toolCallId())
                        || a.content().size() != b.content().size()
                        || a.toolCalls().size() != b.toolCalls().size()) {
                    throw shape();
                }
                for (int k = 0; k < a.toolCalls().size(); k++) {
                    if (!a.toolCalls().get(k).id().equals(b.toolCalls().get(k).id())
                            || !a.toolCalls()
                                    .get(k)
                                    .name()
                                    .equals(b.toolCalls().get(k).name())) {
                        throw invalid("a stage of the gate changed a tool call's name or id, which a Responses request"
                                + " cannot carry changed; the request is refused rather than sent with the original");
                    }
                }
            }
            List<List<ObjectNode>> copyCalls = callsIn(copy);
            for (int i = 0; i < now.size(); i++) {
                List<ObjectNode> items = copyCalls.get(i);
                List<ToolCall> tc = now.get(i).toolCalls();
                if (items.size() != tc.size()) {
                    throw shape();
                }
                for (int k = 0; k < items.size(); k++) {
                    items.get(k).put("arguments", tc.get(k).argumentsJson());
                }
            }
            copy.put("model", attempt.model());
            JsonNode tools = copy.get("tools");
            int toolCount = tools != null && tools.isArray() ? tools.size() : 0;
            if (toolCount != attempt.tools().size()) {
                throw shape();
            }
            for (int i = 0; i < toolCount; i++) {
                ObjectNode t = (ObjectNode) tools.get(i);
                ToolDefinition d = attempt.tools().get(i);
                t.put("name", d.name());
                t.put("description", d.description());
                t.set("parameters", tree(d.parametersJsonSchema()));
            }
            if (attempt.responseFormat() instanceof ResponseFormat.JsonSchema schema
                    && copy.path("text").path("format").isObject()) {
                ObjectNode format = (ObjectNode) copy.path("text").path("format");
                format.put("name", schema.name());
                format.set("schema", tree(schema.schemaJson()));
            }
            if (copy.path("tool_choice").isObject()) {
                if (!(attempt.toolChoice().orElse(null) instanceof ToolChoice.Specific named)) {
                    throw shape();
                }
                ((ObjectNode) copy.get("tool_choice")).put("name", named.name());
            }
            attempt.maxOutputTokens().ifPresent(v -> copy.put("max_output_tokens", v));
            attempt.temperature().ifPresent(v -> copy.put("temperature", v));
            attempt.topP().ifPresent(v -> copy.put("top_p", v));
            for (Map.Entry<String, Object> o : attempt.providerOptions().entrySet()) {
                copy.set(o.getKey(), Json.MAPPER.valueToTree(o.getValue()));
            }
            List<String> keys = new ArrayList<>();
            copy.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                if (!MAPPED.contains(key)
                        && !attempt.providerOptions().containsKey(key)
                        && !copy.get(key).isNull()) {
                    copy.remove(key); // a stage removed this option
                }
            }
            try {
                return Json.MAPPER.writeValueAsBytes(copy);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private List<Slot> slotsIn(ObjectNode root) {
            List<Slot> found = new ArrayList<>();
            List<List<ObjectNode>> ignored = new ArrayList<>();
            walk(root, found, ignored, new ArrayList<>());
            return found;
        }

        private List<List<ObjectNode>> callsIn(ObjectNode root) {
            List<List<ObjectNode>> found = new ArrayList<>();
            walk(root, new ArrayList<>(), found, new ArrayList<>());
            return found;
        }
    }

    /** An input image's {@code detail} ({@code auto} when absent): it changes the answer, so it is part of the request. */
    private static ContentPart.ImageDetail detail(JsonNode part) {
        String d = Json.text(part, "detail");
        return switch (d) {
            case "low" -> ContentPart.ImageDetail.LOW;
            case "high" -> ContentPart.ImageDetail.HIGH;
            case "", "auto" -> ContentPart.ImageDetail.AUTO;
            default -> throw invalid("an input_image has the detail '" + shortText(d) + "': use low, high or auto");
        };
    }

    private static InvalidRequestException shape() {
        return invalid("a stage of the gate added or removed messages, parts, tool calls or tools; a Responses"
                + " request can only be changed in place (e.g. redacted)");
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Set<String> TEXT = Set.of("format", "verbosity");
    private static final Set<String> SCHEMA_FORMAT = Set.of("type", "name", "schema", "strict");
    private static final Set<String> PLAIN_FORMAT = Set.of("type");
    private static final Set<String> NAMED_CHOICE = Set.of("type", "name");

    /**
     * Refuses a request whose members the gate reads hold a value of another type, or a member inside them it does
     * not read (the client's body is forwarded with everything in place, so every value in it must be one the policy
     * examined): {@code instructions} other than a string, a {@code text.format} with a {@code description}, a
     * {@code tool_choice} with more than a function's name, a setting of the wrong type.
     */
    private static void checkShapes(ObjectNode root) {
        JsonNode instructions = root.get("instructions");
        if (instructions != null && !instructions.isNull() && !instructions.isTextual()) {
            throw invalid("\"instructions\" must be a string (the gate examines no other form)");
        }
        for (String number : new String[] {"temperature", "top_p"}) {
            JsonNode v = root.get(number);
            if (v != null && !v.isNull() && !v.isNumber()) {
                throw invalid("\"" + number + "\" must be a number");
            }
        }
        JsonNode max = root.get("max_output_tokens");
        if (max != null && !max.isNull() && !(max.isIntegralNumber() && max.canConvertToInt())) {
            throw invalid("\"max_output_tokens\" must be an integer");
        }
        for (String flag : new String[] {"stream", "parallel_tool_calls"}) {
            JsonNode v = root.get(flag);
            if (v != null && !v.isNull() && !v.isBoolean()) {
                throw invalid("\"" + flag + "\" must be true or false");
            }
        }
        JsonNode text = root.get("text");
        if (text != null && !text.isNull()) {
            if (!text.isObject() || !OpenAiServerSide.only(text, TEXT)) {
                throw invalid("\"text\" may hold only format and verbosity, which the gate reads");
            }
            JsonNode verbosity = text.get("verbosity");
            if (verbosity != null
                    && !verbosity.isNull()
                    && !(verbosity.isTextual()
                            && Set.of("low", "medium", "high").contains(verbosity.asText()))) {
                throw invalid("\"text.verbosity\" must be low, medium or high");
            }
            JsonNode format = text.get("format");
            if (format != null && !format.isNull()) {
                String type = Json.text(format, "type");
                boolean ok = format.isObject()
                        && (type.equals("json_schema")
                                ? OpenAiServerSide.only(format, SCHEMA_FORMAT)
                                        && format.path("name").isTextual()
                                : (type.equals("text") || type.equals("json_object"))
                                        && OpenAiServerSide.only(format, PLAIN_FORMAT));
                if (!ok) {
                    throw invalid("\"text.format\" must be {\"type\":\"text\"}, {\"type\":\"json_object\"} or"
                            + " {\"type\":\"json_schema\",\"name\":...,\"schema\":...,\"strict\":...}: the gate"
                            + " examines the schema's name and the schema itself, nothing else (write a description"
                            + " into the schema's own \"description\" keyword)");
                }
            }
        }
        JsonNode choice = root.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            boolean named = choice.isObject()
                    && OpenAiServerSide.only(choice, NAMED_CHOICE)
                    && Json.text(choice, "type").equals("function")
                    && choice.path("name").isTextual();
            boolean word =
                    choice.isTextual() && Set.of("none", "auto", "required").contains(choice.asText());
            if (!named && !word) {
                throw invalid("\"tool_choice\" must be \"none\", \"auto\", \"required\" or"
                        + " {\"type\":\"function\",\"name\":...} (other forms cannot be examined by the gate)");
            }
        }
        for (JsonNode t : root.path("tools")) {
            if (t.has("name") && !t.get("name").isTextual()
                    || t.has("description")
                            && !t.get("description").isTextual()
                            && !t.get("description").isNull()
                    || t.has("strict")
                            && !t.get("strict").isBoolean()
                            && !t.get("strict").isNull()) {
                throw invalid("a function tool's name and description must be strings, its strict true or false");
            }
        }
        JsonNode strict = root.path("text").path("format").get("strict");
        if (strict != null && !strict.isNull() && !strict.isBoolean()) {
            throw invalid("\"text.format.strict\" must be true or false");
        }
        for (JsonNode item : root.path("input")) {
            // a type (or an image's detail) of another kind reads as none: the item or part would be examined as
            // something it is not, and its value forwarded unread
            if (!textOrAbsent(item.get("type"))) {
                throw invalid("an input item's \"type\" must be a string");
            }
            for (JsonNode part : item.path("content")) {
                if (!textOrAbsent(part.get("type")) || !textOrAbsent(part.get("detail"))) {
                    throw invalid("a content part's \"type\" and an input_image's \"detail\" must be strings");
                }
            }
        }
        JsonNode variables = root.path("prompt").path("variables");
        if (!variables.isMissingNode() && !variables.isNull()) {
            if (!variables.isObject()) {
                throw invalid("\"prompt.variables\" must be an object");
            }
            for (JsonNode v : variables) {
                boolean isText = v.isTextual()
                        || (v.isObject()
                                && OpenAiServerSide.only(v, INPUT_TEXT)
                                && Json.text(v, "type").equals("input_text")
                                && v.path("text").isTextual());
                if (!isText) {
                    throw invalid("a stored prompt's variables must be text (a string or an input_text part): the gate"
                            + " cannot examine a file or an image given as a variable; send text in the input instead");
                }
            }
        }
    }

    private static final Set<String> INPUT_TEXT = Set.of("type", "text");

    /** Whether {@code v} is absent, null or a string. */
    private static boolean textOrAbsent(JsonNode v) {
        return v == null || v.isNull() || v.isTextual();
    }

    /** Reads a Responses request body; {@code modelPrefix} (e.g. "openai:") is put before its model. */
    public static Intercepted read(byte[] body, String modelPrefix) {
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (IOException e) {
            throw invalid("the request body is not valid JSON, or names a member twice");
        }
        if (root == null || !root.isObject()) {
            throw invalid("the request body is not a JSON object");
        }
        ObjectNode obj = (ObjectNode) root;
        String model = Json.text(obj, "model");
        if (model.isEmpty()) {
            throw invalid("the request has no model");
        }
        checkShapes(obj);
        List<Slot> slots = new ArrayList<>();
        List<List<ObjectNode>> calls = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        walk(obj, slots, calls, messages);
        ChatRequest.Builder b = ChatRequest.builder(modelPrefix + model).messages(messages);
        for (JsonNode t : obj.path("tools")) {
            if (!Json.text(t, "type").equals("function")) {
                throw invalid(
                        "tools of type '" + shortText(Json.text(t, "type")) + "' run at the provider, where the"
                                + " gate cannot examine what they read or return; only function tools can be routed through it");
            }
            onlyKnown(t, FUNCTION_TOOL, "a function tool");
            JsonNode params = t.get("parameters");
            b.addTool(new ToolDefinition(
                    Json.text(t, "name"),
                    Json.text(t, "description"),
                    params == null || params.isNull() ? "{\"type\":\"object\",\"properties\":{}}" : params.toString(),
                    t.path("strict").asBoolean(false)));
        }
        JsonNode choice = obj.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            if (choice.isObject()) {
                b.toolChoice(ToolChoice.tool(Json.text(choice, "name")));
            } else {
                String c = choice.asText();
                b.toolChoice(
                        "none".equals(c)
                                ? ToolChoice.none()
                                : "required".equals(c) ? ToolChoice.required() : ToolChoice.auto());
            }
        }
        if (obj.has("parallel_tool_calls") && !obj.get("parallel_tool_calls").isNull()) {
            b.parallelToolCalls(obj.get("parallel_tool_calls").asBoolean());
        }
        JsonNode format = obj.path("text").path("format");
        if (format.isObject()) {
            String type = Json.text(format, "type");
            if (type.equals("json_object")) {
                b.responseFormat(ResponseFormat.jsonObject());
            } else if (type.equals("json_schema")) {
                b.responseFormat(ResponseFormat.jsonSchema(
                        Json.text(format, "name"),
                        format.path("schema").toString(),
                        format.path("strict").asBoolean(false)));
            }
        }
        if (obj.hasNonNull("max_output_tokens")) {
            b.maxOutputTokens(obj.get("max_output_tokens").asInt());
        }
        if (obj.hasNonNull("temperature")) {
            b.temperature(obj.get("temperature").asDouble());
        }
        if (obj.hasNonNull("top_p")) {
            b.topP(obj.get("top_p").asDouble());
        }
        for (Map.Entry<String, JsonNode> f : obj.properties()) {
            if (!MAPPED.contains(f.getKey()) && !f.getValue().isNull()) {
                b.providerOption(f.getKey(), Json.MAPPER.convertValue(f.getValue(), Object.class));
            } else if (f.getValue().isNull() && !OpenAiServerSide.plainName(f.getKey())) {
                throw invalid("a member whose name is not a plain word has a null value; the gate does not examine"
                        + " member names, so it is refused rather than sent (leave it out)");
            }
        }
        try {
            return new Intercepted(b.build(), model, obj);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /**
     * Walks {@code instructions} and {@code input} in order, collecting messages, the places of their texts
     * and their function_call items.
     */
    private static void walk(ObjectNode root, List<Slot> slots, List<List<ObjectNode>> calls, List<Message> messages) {
        JsonNode instructions = root.get("instructions");
        if (instructions != null && instructions.isTextual()) {
            slots.add(new Slot(calls.size(), 0, root, "instructions"));
            messages.add(Message.system(instructions.asText()));
            calls.add(List.of());
        }
        JsonNode input = root.get("input");
        if (input == null || input.isNull()) {
            throw invalid("the request has no input");
        }
        if (input.isTextual()) {
            slots.add(new Slot(calls.size(), 0, root, "input"));
            messages.add(Message.user(input.asText()));
            calls.add(List.of());
            return;
        }
        if (!input.isArray()) {
            throw invalid("\"input\" must be a string or an array of items");
        }
        for (JsonNode n : input) {
            if (!n.isObject()) {
                throw invalid("an input item is not an object");
            }
            ObjectNode item = (ObjectNode) n;
            String type = Json.text(item, "type");
            JsonNode status = item.get("status");
            if (status != null && !status.isNull() && !(status.isTextual() && STATUSES.contains(status.asText()))) {
                throw invalid("an input item's status must be completed, in_progress or incomplete");
            }
            JsonNode id = item.get("id");
            if (id != null && !id.isNull() && !id.isTextual()) {
                throw invalid("an input item's id must be a string");
            }
            int index = calls.size();
            if (type.isEmpty() || type.equals("message")) {
                onlyKnown(item, MESSAGE_ITEM, "a message item");
                Role role = role(Json.text(item, "role"));
                JsonNode content = item.get("content");
                List<ContentPart> parts = new ArrayList<>();
                if (content != null && content.isTextual()) {
                    slots.add(new Slot(index, 0, item, "content"));
                    parts.add(ContentPart.text(content.asText()));
                } else if (content != null && content.isArray()) {
                    for (JsonNode p : content) {
                        String pt = Json.text(p, "type");
                        onlyKnown(
                                p,
                                pt.equals("input_image")
                                        ? IMAGE_PART
                                        : pt.equals("output_text") ? OUTPUT_PART : TEXT_PART,
                                "a content part of type '" + shortText(pt) + "'");
                        for (String list : new String[] {"annotations", "logprobs"}) {
                            JsonNode v = p.path(list);
                            if (!(v.isMissingNode() || v.isNull() || v.isArray() && v.isEmpty())) {
                                throw invalid("a content part with " + list + " cannot be examined by the gate");
                            }
                        }
                        if (p.has("text") && !p.get("text").isTextual()) {
                            throw invalid("a content part's text must be a string");
                        }
                        if (pt.equals("input_text") || pt.equals("output_text")) {
                            slots.add(new Slot(index, parts.size(), (ObjectNode) p, "text"));
                            parts.add(ContentPart.text(Json.text(p, "text")));
                        } else if (pt.equals("input_image")
                                && p.path("image_url").isTextual()) {
                            // the URL is scanned like any channel: a stage's change of it is written back in place
                            slots.add(new Slot(index, parts.size(), (ObjectNode) p, "image_url"));
                            parts.add(
                                    new ContentPart.ImageUrl(p.get("image_url").asText(), detail(p)));
                        } else {
                            throw invalid("content parts of type '" + shortText(pt) + "' cannot be examined by the gate"
                                    + " (input_text, output_text and input_image with a URL can)");
                        }
                    }
                } else {
                    throw invalid("a message item has no content");
                }
                messages.add(new Message(role, parts, List.of(), Optional.empty(), Optional.empty()));
                calls.add(List.of());
            } else if (type.equals("function_call")) {
                onlyKnown(item, CALL_ITEM, "a function_call item");
                for (String text : new String[] {"call_id", "name", "arguments", "id", "status"}) {
                    if (item.has(text) && !item.get(text).isTextual()) {
                        throw invalid("a function_call item's \"" + text + "\" must be a string");
                    }
                }
                ToolCall call =
                        new ToolCall(Json.text(item, "call_id"), Json.text(item, "name"), Json.text(item, "arguments"));
                messages.add(new Message(Role.ASSISTANT, List.of(), List.of(call), Optional.empty(), Optional.empty()));
                calls.add(List.of(item));
            } else if (type.equals("function_call_output")) {
                onlyKnown(item, OUTPUT_ITEM, "a function_call_output item");
                for (String text : new String[] {"call_id", "id", "status"}) {
                    if (item.has(text) && !item.get(text).isTextual()) {
                        throw invalid("a function_call_output item's \"" + text + "\" must be a string");
                    }
                }
                JsonNode output = item.get("output");
                if (output == null || !output.isTextual()) {
                    throw invalid("a function_call_output whose output is not a string cannot be examined by the gate");
                }
                slots.add(new Slot(index, 0, item, "output"));
                messages.add(Message.tool(Json.text(item, "call_id"), output.asText()));
                calls.add(List.of());
            } else {
                throw invalid("input items of type '" + shortText(type) + "' cannot be examined by the gate (message,"
                        + " function_call and function_call_output can)");
            }
        }
    }

    private static Role role(String role) {
        switch (role) {
            case "user":
                return Role.USER;
            case "system":
                return Role.SYSTEM;
            case "developer":
                return Role.DEVELOPER;
            case "assistant":
                return Role.ASSISTANT;
            default:
                throw invalid("unknown message role '" + shortText(role) + "'");
        }
    }

    /**
     * Upstream's {@code response} object as the chain's answer: the text of its output_text parts, its
     * function calls, its refusal. Output the gate cannot examine (reasoning summaries, hosted tool calls)
     * fails the call rather than reaching the client unexamined.
     */
    public static ChatResponse parseResponse(JsonNode root, String provider) {
        if (!root.isObject() || !root.path("output").isArray()) {
            throw new ProviderException(
                    "the upstream answer is not a Responses object", ErrorDetails.of(provider), true);
        }
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = null;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode item : root.get("output")) {
            String type = Json.text(item, "type");
            if (type.equals("message")) {
                for (JsonNode p : item.path("content")) {
                    String pt = Json.text(p, "type");
                    if (pt.equals("output_text")) {
                        text.append(Json.text(p, "text"));
                    } else if (pt.equals("refusal")) {
                        if (refusal == null) {
                            refusal = new StringBuilder();
                        }
                        refusal.append(Json.text(p, "refusal"));
                    } else {
                        throw unexaminable(provider, "content part '" + shortText(pt) + "'");
                    }
                }
            } else if (type.equals("function_call")) {
                calls.add(new ToolCall(
                        Json.text(item, "call_id"), Json.text(item, "name"), Json.text(item, "arguments")));
            } else if (!(type.equals("reasoning") && item.path("summary").isEmpty() && !item.has("content"))) {
                // an encrypted or empty reasoning item carries no readable text; anything else might
                throw unexaminable(provider, "output item '" + shortText(type) + "'");
            }
        }
        String status = Json.text(root, "status");
        FinishReason reason = !calls.isEmpty()
                ? FinishReason.TOOL_CALLS
                : status.equals("incomplete") ? FinishReason.LENGTH : FinishReason.STOP;
        JsonNode u = root.path("usage");
        return ChatResponse.builder()
                .id(Json.text(root, "id"))
                .provider(provider)
                .model(Json.text(root, "model"))
                .text(text.toString())
                .toolCalls(calls)
                .refusal(refusal == null ? Optional.empty() : Optional.of(refusal.toString()))
                .finishReason(reason)
                .usage(Usage.of(Json.number(u, "input_tokens"), Json.number(u, "output_tokens")))
                .build();
    }

    private static final Set<String> ANSWER_MESSAGE = Set.of("type", "id", "status", "role", "content");
    private static final Set<String> ANSWER_TEXT = Set.of("type", "text", "annotations", "logprobs");
    private static final Set<String> ANSWER_REFUSAL = Set.of("type", "refusal");
    private static final Set<String> REASONING = Set.of("type", "id", "summary", "encrypted_content", "status");

    /**
     * Whether upstream's {@code response} holds nothing in its output the gate did not read: message items of
     * output_text parts (no annotations, no log-probabilities) and refusals, function calls, reasoning items without
     * readable text, each with only the members the gate reads. Only such an answer may reach the client as
     * upstream's own bytes; any other is written with {@link #patchResponse}.
     */
    public static boolean onlyModelled(JsonNode upstream) {
        for (JsonNode item : upstream.path("output")) {
            String type = Json.text(item, "type");
            if (type.equals("message")) {
                if (!OpenAiServerSide.only(item, ANSWER_MESSAGE)) {
                    return false;
                }
                for (JsonNode p : item.path("content")) {
                    String pt = Json.text(p, "type");
                    boolean ok = pt.equals("output_text")
                            ? OpenAiServerSide.only(p, ANSWER_TEXT)
                                    && empty(p.get("annotations"))
                                    && empty(p.get("logprobs"))
                            : pt.equals("refusal") && OpenAiServerSide.only(p, ANSWER_REFUSAL);
                    if (!ok) {
                        return false;
                    }
                }
            } else if (type.equals("function_call")) {
                if (!OpenAiServerSide.only(item, CALL_ITEM)) {
                    return false;
                }
            } else if (!type.equals("reasoning") || !OpenAiServerSide.only(item, REASONING)) {
                return false;
            }
        }
        return true;
    }

    private static boolean empty(JsonNode n) {
        return n == null || n.isNull() || n.isArray() && n.isEmpty();
    }

    /**
     * Upstream's {@code response} with its output written anew from the chain's answer {@code r}: each message item
     * with only its output_text parts (the text in the first, the others empty, without annotations or
     * log-probabilities, since they may carry the original text) and refusals, each function call with the chain's
     * call id, name and arguments, each reasoning item (one without readable text) with its id and encrypted content;
     * members of the items the gate does not read are dropped, and so are items and parts of other kinds (a blocking
     * answer with one fails in {@link #parseResponse}, a stream in {@link ResponsesStreamDecoder}) and function calls
     * beyond the chain's (a stream's completed object may list calls its events did not carry). Every other member of
     * the response (id, status, usage, the echoes of the request) stays as upstream sent it.
     */
    public static byte[] patchResponse(JsonNode upstream, ChatResponse r) {
        ObjectNode copy = (ObjectNode) upstream.deepCopy();
        ArrayNode output = Json.MAPPER.createArrayNode();
        boolean first = true;
        int call = 0;
        for (JsonNode item : upstream.path("output")) {
            String type = Json.text(item, "type");
            if (type.equals("message")) {
                ObjectNode m = output.addObject();
                m.put("type", "message");
                copyText(item, m, "id");
                copyStatus(item, m);
                m.put("role", "assistant");
                ArrayNode content = m.putArray("content");
                for (JsonNode p : item.path("content")) {
                    String pt = Json.text(p, "type");
                    if (pt.equals("output_text")) {
                        ObjectNode part = content.addObject();
                        part.put("type", "output_text");
                        part.put("text", first ? r.text() : "");
                        part.putArray("annotations");
                        first = false;
                    } else if (pt.equals("refusal")) {
                        content.addObject()
                                .put("type", "refusal")
                                .put("refusal", r.refusal().orElse(""));
                    }
                }
            } else if (type.equals("function_call") && call < r.toolCalls().size()) {
                ToolCall c = r.toolCalls().get(call++);
                ObjectNode f = output.addObject();
                f.put("type", "function_call");
                copyText(item, f, "id");
                f.put("call_id", c.id());
                f.put("name", c.name());
                f.put("arguments", c.argumentsJson());
                copyStatus(item, f);
            } else if (type.equals("reasoning") && item.path("summary").isEmpty() && !item.has("content")) {
                ObjectNode reasoning = output.addObject();
                reasoning.put("type", "reasoning");
                copyText(item, reasoning, "id");
                reasoning.putArray("summary");
                copyText(item, reasoning, "encrypted_content");
                copyStatus(item, reasoning);
            }
        }
        for (; call < r.toolCalls().size(); call++) { // calls the chain's answer holds beyond upstream's items
            ToolCall c = r.toolCalls().get(call);
            output.addObject()
                    .put("type", "function_call")
                    .put("id", "fc_llmgate_" + c.id())
                    .put("call_id", c.id())
                    .put("name", c.name())
                    .put("arguments", c.argumentsJson())
                    .put("status", "completed");
        }
        copy.set("output", output);
        copy.remove("output_text");
        try {
            return Json.MAPPER.writeValueAsBytes(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies {@code from}'s status into {@code to} if it is one of the statuses an item has. */
    private static void copyStatus(JsonNode from, ObjectNode to) {
        JsonNode v = from.get("status");
        if (v != null && v.isTextual() && STATUSES.contains(v.asText())) {
            to.put("status", v.asText());
        }
    }

    /** Copies member {@code name} of {@code from} into {@code to} if it is a string. */
    private static void copyText(JsonNode from, ObjectNode to, String name) {
        JsonNode v = from.get(name);
        if (v != null && v.isTextual()) {
            to.put(name, v.asText());
        }
    }

    /** A {@code response} object written for an answer upstream did not send (a cached replay, another provider's). */
    public static byte[] writeResponse(ChatResponse r, java.time.Instant created) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", r.id().startsWith("resp_") ? r.id() : "resp_llmgate_" + r.id());
        root.put("object", "response");
        root.put("created_at", created.getEpochSecond());
        root.put("status", r.finishReason() == FinishReason.LENGTH ? "incomplete" : "completed");
        root.put("model", r.model());
        ArrayNode output = root.putArray("output");
        if (!r.text().isEmpty() || r.refusal().isPresent() || r.toolCalls().isEmpty()) {
            ObjectNode message = output.addObject();
            message.put("type", "message");
            message.put("id", "msg_llmgate_" + r.id());
            message.put("status", "completed");
            message.put("role", "assistant");
            ArrayNode content = message.putArray("content");
            if (r.refusal().isPresent()) {
                content.addObject()
                        .put("type", "refusal")
                        .put("refusal", r.refusal().get());
            } else {
                ObjectNode part = content.addObject();
                part.put("type", "output_text");
                part.put("text", r.text());
                part.putArray("annotations");
            }
        }
        for (ToolCall c : r.toolCalls()) {
            ObjectNode call = output.addObject();
            call.put("type", "function_call");
            call.put("id", "fc_llmgate_" + c.id());
            call.put("call_id", c.id());
            call.put("name", c.name());
            call.put("arguments", c.argumentsJson());
            call.put("status", "completed");
        }
        ObjectNode usage = root.putObject("usage");
        usage.put("input_tokens", r.usage().inputTokens());
        usage.put("output_tokens", r.usage().outputTokens());
        usage.put("total_tokens", r.usage().totalTokens());
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProviderException unexaminable(String provider, String what) {
        return new ProviderException(
                "the upstream answer holds " + what + ", which the gate cannot examine: the answer is not passed on",
                ErrorDetails.of(provider),
                false);
    }

    private static String shortText(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static InvalidRequestException invalid(String what) {
        return new InvalidRequestException("cannot read the intercepted Responses request: " + what, ErrorDetails.NONE);
    }
}
