package dev.llmgate.providers.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The providers' one shared, thread-safe ObjectMapper and small helpers over JSON trees. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {}

    /** The text of {@code node.field}, or {@code ""} if missing or null. */
    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** The long of {@code node.field}, or 0 if missing. */
    public static long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? 0 : v.asLong();
    }

    /** Equal JSON, numbers compared by value ({@code 1} and {@code 1.0} are one number). */
    private static final java.util.Comparator<JsonNode> SAME = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return 1;
    };

    /**
     * Whether {@code a} and {@code b} are the same JSON (members in any order, numbers by value), a member whose value
     * is {@code null} or an empty array or object counting as absent (it carries nothing: {@code "refusal": null},
     * {@code "annotations": []}).
     */
    public static boolean same(JsonNode a, JsonNode b) {
        return withoutEmpty(a).equals(SAME, withoutEmpty(b));
    }

    private static JsonNode withoutEmpty(JsonNode n) {
        if (n.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode out = MAPPER.createObjectNode();
            for (java.util.Map.Entry<String, JsonNode> e : n.properties()) {
                JsonNode v = withoutEmpty(e.getValue());
                if (!(v.isNull() || (v.isContainerNode() && v.isEmpty()))) {
                    out.set(e.getKey(), v);
                }
            }
            return out;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = MAPPER.createArrayNode();
            n.forEach(v -> out.add(withoutEmpty(v)));
            return out;
        }
        return n;
    }

    /**
     * Whether {@code written} (bytes the gate wrote) parse to the same JSON as {@code upstream}: then upstream's own bytes
     * hold nothing the gate did not write, and may stand for them. False if they cannot be read.
     */
    public static boolean sameAs(JsonNode upstream, byte[] written) {
        try {
            return same(upstream, MAPPER.readTree(written));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
