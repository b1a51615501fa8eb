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

    /** A member name such as the formats use ({@code refusal}, {@code tool_calls}); others are never taken as absent. */
    private static final java.util.regex.Pattern PLAIN_NAME = java.util.regex.Pattern.compile("[a-z_]{1,64}");

    /**
     * Reads an upstream answer or a client's body as exactly as it is written: a member named twice or anything after
     * the JSON value is an error (a policy would read one value and a client another), and fractions and exponents are
     * read as decimals, not rounded to doubles (so that a 19-digit number compares as written).
     */
    public static final com.fasterxml.jackson.databind.ObjectReader EXACT = MAPPER.reader()
            .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

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
     * is {@code null} or an empty array or object counting as absent when its name is a plain lower-case word (it
     * carries nothing: {@code "refusal": null}, {@code "annotations": []}). Compare trees read with {@link #EXACT}.
     */
    public static boolean same(JsonNode a, JsonNode b) {
        return withoutEmpty(a).equals(SAME, withoutEmpty(b));
    }

    private static JsonNode withoutEmpty(JsonNode n) {
        if (n.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode out = MAPPER.createObjectNode();
            for (java.util.Map.Entry<String, JsonNode> e : n.properties()) {
                JsonNode v = withoutEmpty(e.getValue());
                // (only a member named as members are: a name is text too, and one that holds data must differ)
                if (!(v.isNull() || (v.isContainerNode() && v.isEmpty()))
                        || !PLAIN_NAME.matcher(e.getKey()).matches()) {
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
            return same(upstream, EXACT.readTree(written));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
