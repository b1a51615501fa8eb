package dev.llmgate.api.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks and deep-copies JSON-like values (String, Number, Boolean, List, Map with String keys),
 * so that options passed through to providers are immutable and serializable. Not public API.
 */
public final class JsonLike {
    private JsonLike() {}

    /** An immutable deep copy of {@code map}; throws with the offending path if a value is not JSON-like. */
    public static Map<String, Object> copyOf(Map<String, ?> map, String what) {
        return Collections.unmodifiableMap(copyMap(map, what));
    }

    private static Map<String, Object> copyMap(Map<?, ?> map, String path) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException(path + " has a key that is not a String: a "
                        + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
            }
            copy.put(key, copyValue(e.getValue(), path + "." + segment(key)));
        }
        return copy;
    }

    /**
     * A key as a message names it: itself when it is a plain name ({@code metadata}, {@code user_id}), else only its
     * length (a key is text too, and may hold a value the policy protects).
     */
    private static String segment(String key) {
        return PLAIN_KEY.matcher(key).matches() ? key : "<a key of " + key.length() + " characters>";
    }

    private static final java.util.regex.Pattern PLAIN_KEY =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z_-]{0,63}(?:[0-9]{1,4}[A-Za-z_-]{0,16})?");

    private static Object copyValue(Object value, String path) {
        if (value instanceof String || value instanceof Boolean || value instanceof Number) {
            return value;
        }
        if (value instanceof Map<?, ?> m) {
            return Collections.unmodifiableMap(copyMap(m, path));
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                copy.add(copyValue(l.get(i), path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new IllegalArgumentException(
                path + " must be a String, Number, Boolean, List or Map (a JSON value), was: "
                        + (value == null ? "null" : value.getClass().getName()));
    }
}
