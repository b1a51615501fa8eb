package dev.llmgate.providers.anthropic.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.Role;
import dev.llmgate.providers.internal.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Anthropic's prompt-caching breakpoints ({@code cache_control}) of one request, by position in the provider-neutral
 * request, carried beside it in the metadata attribute {@link #ATTRIBUTE}: {@code s<k>} the k-th system message,
 * {@code m<i>} the tool message at index i of {@link ChatRequest#messages()}, {@code m<i>.p<j>} part j of message i,
 * {@code m<i>.c<k>} its k-th tool call, {@code t<k>} the k-th tool. Each position also records what was there (role,
 * part kind and count, tool call or tool name), and the counts of messages and tools: a request whose counts differ
 * keeps no breakpoint, and a breakpoint whose block is no longer what it was is dropped, so a stage that reshapes the
 * request loses breakpoints (only the cache discount) and never moves one onto another block. Only what Anthropic
 * defines is carried and written: {@code {"type":"ephemeral"}}, with the TTL {@code "5m"} if the client gave it.
 * Immutable.
 */
final class AnthropicCacheMarks {
    /** The metadata attribute (a {@code llmgate.wire.*} attribute: part of the response cache's key). */
    static final String ATTRIBUTE = "llmgate.wire.anthropic.cache_control";

    /** Anthropic's limit of breakpoints per request. */
    static final int MAX = 4;

    static final AnthropicCacheMarks NONE = new AnthropicCacheMarks(Map.of());

    /** Position to TTL ({@code ""}: none given), for the positions whose block is still what it was. */
    private final Map<String, String> marks;

    private AnthropicCacheMarks(Map<String, String> marks) {
        this.marks = marks;
    }

    /** The breakpoints {@code r} carries whose blocks are still there, or none when its counts do not match. */
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
                || o.path("n").path(0).asInt(-1) != r.messages().size()
                || o.path("n").path(1).asInt(-1) != r.tools().size()
                || !o.path("at").isObject()) {
            return NONE;
        }
        Map<String, String> valid = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : o.path("at").properties()) {
            if (valid.size() == MAX) {
                break;
            }
            String ttl = e.getValue().path("ttl").asText("");
            String was = e.getValue().path("id").asText("");
            if ((ttl.isEmpty() || ttl.equals("5m")) && was.equals(identity(r, e.getKey()))) {
                valid.put(e.getKey(), ttl);
            }
        }
        return valid.isEmpty() ? NONE : new AnthropicCacheMarks(Map.copyOf(valid));
    }

    /** Whether a system message has a breakpoint (then the system prompt is written as blocks). */
    boolean anySystem() {
        for (String position : marks.keySet()) {
            if (position.startsWith("s")) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code "cache_control": {"type":"ephemeral"...}} if {@code position} has a breakpoint. */
    void write(JsonGenerator g, String position) throws IOException {
        String ttl = marks.get(position);
        if (ttl != null) {
            g.writeObjectFieldStart("cache_control");
            g.writeStringField("type", "ephemeral");
            if (!ttl.isEmpty()) {
                g.writeStringField("ttl", ttl);
            }
            g.writeEndObject();
        }
    }

    /**
     * The attribute's value for {@code marks} (position to TTL) of {@code r}, the request they were read with.
     *
     * @throws IllegalArgumentException for more breakpoints than Anthropic allows
     */
    static String encode(Map<String, String> marks, ChatRequest r) {
        if (marks.size() > MAX) {
            throw new IllegalArgumentException("the request sets " + marks.size() + " cache_control breakpoints;"
                    + " Anthropic allows at most " + MAX);
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.putArray("n").add(r.messages().size()).add(r.tools().size());
        ObjectNode at = o.putObject("at");
        marks.forEach((position, ttl) -> {
            ObjectNode m = at.putObject(position);
            m.put("id", identity(r, position));
            if (!ttl.isEmpty()) {
                m.put("ttl", ttl);
            }
        });
        return o.toString();
    }

    /** What is at {@code position} of {@code r}: enough to tell that a stage put another block there; "" if nothing. */
    static String identity(ChatRequest r, String position) {
        try {
            if (position.startsWith("t")) {
                return "tool:"
                        + r.tools().get(Integer.parseInt(position.substring(1))).name();
            }
            if (position.startsWith("s")) {
                int k = Integer.parseInt(position.substring(1));
                for (Message m : r.messages()) {
                    if ((m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) && k-- == 0) {
                        return "system";
                    }
                }
                return "";
            }
            if (!position.startsWith("m")) {
                return "";
            }
            int dot = position.indexOf('.');
            Message m = r.messages().get(Integer.parseInt(position.substring(1, dot < 0 ? position.length() : dot)));
            if (dot < 0) {
                return m.role() == Role.TOOL ? "result:" + m.toolCallId().orElse("") : "";
            }
            int k = Integer.parseInt(position.substring(dot + 2));
            if (position.charAt(dot + 1) == 'c') {
                return "call:" + m.toolCalls().get(k).id();
            }
            ContentPart p = m.content().get(k);
            String kind = p instanceof ContentPart.Text ? "text" : p instanceof ContentPart.ImageData ? "data" : "url";
            return m.role() + ":" + kind + ":" + k + "/" + m.content().size();
        } catch (RuntimeException e) { // a position that is not there (or not a position)
            return "";
        }
    }

    /**
     * The TTL of {@code block}'s {@code cache_control} ({@code ""}: none given), or null if it has none (absent or
     * null); else {@link IllegalArgumentException} naming what to do.
     */
    static String read(JsonNode block, String where) {
        JsonNode c = block.get("cache_control");
        if (c == null || c.isNull()) {
            return null;
        }
        if (!c.isObject() || !"ephemeral".equals(Json.text(c, "type"))) {
            throw new IllegalArgumentException(
                    where + " has a cache_control that is not {\"type\":\"ephemeral\"} (with an optional ttl)");
        }
        String ttl = "";
        for (Map.Entry<String, JsonNode> f : c.properties()) {
            if (f.getKey().equals("type") || f.getValue().isNull()) {
                continue;
            }
            if (!f.getKey().equals("ttl")) {
                throw new IllegalArgumentException(
                        where + " has a cache_control with a field the gate does not know: use type and ttl only");
            }
            if (f.getValue().isTextual() && f.getValue().asText().equals("5m")) {
                ttl = "5m";
            } else if (f.getValue().isTextual() && f.getValue().asText().equals("1h")) {
                throw new IllegalArgumentException(
                        where + " asks for a one-hour cache (ttl 1h), whose writes cost twice"
                                + " the input price, which llmgate's cost model and budgets do not price yet: use the default"
                                + " five-minute cache, or send this request without the gate");
            } else {
                throw new IllegalArgumentException(where + " has a cache_control ttl other than \"5m\" or \"1h\"");
            }
        }
        return ttl;
    }
}
