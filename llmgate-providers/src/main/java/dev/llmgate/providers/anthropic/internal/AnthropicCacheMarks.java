package dev.llmgate.providers.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.providers.internal.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Anthropic's prompt-caching breakpoints ({@code cache_control}) of one request, by position in the provider-neutral
 * request, carried beside it in the metadata attribute {@link #ATTRIBUTE} (a JSON object): {@code s<k>} the k-th
 * system message, {@code m<i>} the tool message at index i of {@link ChatRequest#messages()}, {@code m<i>.p<j>} part j
 * of message i, {@code m<i>.c<k>} its k-th tool call, {@code t<k>} the k-th tool; {@code n} holds the counts of
 * messages and tools the positions were taken from. A request whose counts differ (a stage added or removed a message)
 * keeps no breakpoint: a breakpoint on another block would cache the wrong prefix, and none only costs the cache
 * discount. Immutable.
 */
final class AnthropicCacheMarks {
    /** The metadata attribute (a {@code llmgate.wire.*} attribute: part of the response cache's key). */
    static final String ATTRIBUTE = "llmgate.wire.anthropic.cache_control";

    static final AnthropicCacheMarks NONE = new AnthropicCacheMarks(Json.MAPPER.createObjectNode());

    private final ObjectNode marks;

    private AnthropicCacheMarks(ObjectNode marks) {
        this.marks = marks;
    }

    /** The breakpoints {@code r} carries, or none when it carries none or its counts do not match them. */
    static AnthropicCacheMarks of(ChatRequest r) {
        String value = r.metadata().attributes().get(ATTRIBUTE);
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            return NONE;
        }
        if (!(root instanceof ObjectNode o)
                || !o.path("n").path(0).canConvertToInt()
                || o.path("n").path(0).intValue() != r.messages().size()
                || o.path("n").path(1).intValue() != r.tools().size()) {
            return NONE;
        }
        return new AnthropicCacheMarks(o);
    }

    /** The breakpoint at {@code position}, or null. */
    JsonNode at(String position) {
        JsonNode n = marks.get(position);
        return n != null && n.isObject() ? n : null;
    }

    /** Whether a system message has a breakpoint (then the system prompt is written as blocks). */
    boolean anySystem() {
        Iterator<String> names = marks.fieldNames();
        while (names.hasNext()) {
            if (names.next().startsWith("s")) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code "cache_control": ...} if {@code position} has a breakpoint. */
    void write(com.fasterxml.jackson.core.JsonGenerator g, String position) throws IOException {
        JsonNode n = at(position);
        if (n != null) {
            g.writeFieldName("cache_control");
            Json.MAPPER.writeTree(g, n);
        }
    }

    /** The attribute's value for {@code marks} taken from a request of {@code messages} messages and {@code tools} tools. */
    static String encode(Map<String, JsonNode> marks, int messages, int tools) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putArray("n").add(messages).add(tools);
        marks.forEach(o::set);
        return o.toString();
    }

    /**
     * {@code block}'s {@code cache_control}, checked (else {@link IllegalArgumentException}) ({@code {"type":"ephemeral"}}, optionally with a {@code ttl}
     * string), or null if it has none.
     */
    static JsonNode read(JsonNode block, String where) {
        JsonNode c = block.get("cache_control");
        if (c == null || c.isNull()) {
            return null;
        }
        if (!c.isObject() || !"ephemeral".equals(Json.text(c, "type"))) {
            throw new IllegalArgumentException(
                    where + " has a cache_control that is not {\"type\":\"ephemeral\"} (with an optional ttl)");
        }
        Iterator<String> fields = c.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!f.equals("type") && !(f.equals("ttl") && c.get("ttl").isTextual())) {
                throw new IllegalArgumentException(
                        where + " has a cache_control with a field the gate does not know: use type and ttl only");
            }
        }
        return c;
    }
}
