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
        return same(a, b, new Absence());
    }

    /**
     * Which nodes carry nothing, worked out only where a member is missing on one side or unequal (rare: the trees are
     * mostly the same), each node once: comparing stays linear in the trees' size however deep they nest.
     */
    private static final class Absence {
        private java.util.IdentityHashMap<JsonNode, Boolean> known;

        /** {@code null}, an empty array, or an object whose members all count as absent. */
        boolean carriesNothing(JsonNode value) {
            if (value.isNull()) {
                return true;
            }
            if (value.isArray()) {
                return value.isEmpty();
            }
            if (!value.isObject()) {
                return false;
            }
            if (known == null) {
                known = new java.util.IdentityHashMap<>();
            }
            Boolean k = known.get(value);
            if (k != null) {
                return k;
            }
            boolean nothing = true;
            for (java.util.Map.Entry<String, JsonNode> e : value.properties()) {
                if (!dropped(e.getKey(), e.getValue())) {
                    nothing = false;
                    break;
                }
            }
            known.put(value, nothing);
            return nothing;
        }

        /** Whether a member {@code name: value} counts as absent: a plain name and a value that carries nothing. */
        boolean dropped(String name, JsonNode value) {
            return plainName(name) && carriesNothing(value);
        }
    }

    // compared in place: no stripped copies of either tree (this runs on every wrapped blocking call)
    private static boolean same(JsonNode a, JsonNode b, Absence absence) {
        if (a.isObject()) {
            if (!b.isObject()) {
                return false;
            }
            for (java.util.Map.Entry<String, JsonNode> e : a.properties()) {
                JsonNode other = b.get(e.getKey());
                if (other == null) {
                    if (!absence.dropped(e.getKey(), e.getValue())) {
                        return false;
                    }
                } else if (!same(e.getValue(), other, absence)
                        // unequal values are the same only when both count as absent (null against {})
                        && !(absence.dropped(e.getKey(), e.getValue()) && absence.carriesNothing(other))) {
                    return false;
                }
            }
            for (java.util.Map.Entry<String, JsonNode> e : b.properties()) {
                if (a.get(e.getKey()) == null && !absence.dropped(e.getKey(), e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray()) {
            if (!b.isArray() || a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i), absence)) {
                    return false;
                }
            }
            return true;
        }
        return !b.isContainerNode() && SAME.compare(a, b) == 0;
    }

    /** {@code [a-z_]{1,64}}: a member name such as the formats use. */
    private static boolean plainName(String name) {
        int n = name.length();
        if (n == 0 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if ((c < 'a' || c > 'z') && c != '_') {
                return false;
            }
        }
        return true;
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
