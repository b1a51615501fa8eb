package dev.llmgate.config.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed configuration value with the line it started on (0 when it came from a tree without lines, such as a
 * property binder's). The value is a {@code Map<String, ConfigNode>}, a {@code List<ConfigNode>}, a String, Number,
 * Boolean, or null.
 */
public final class ConfigNode {
    private final Object value;
    private final int line;

    ConfigNode(Object value, int line) {
        this.value = value;
        this.line = line;
    }

    public Object value() {
        return value;
    }

    public int line() {
        return line;
    }

    /** Reads the value at the parser's current token (and everything under it). */
    public static ConfigNode read(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, ConfigNode> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    ConfigNode value = read(p);
                    // a nested mapping or list starts on its key's line (YAML reports its first child's)
                    map.put(
                            key,
                            value.value instanceof Map<?, ?> || value.value instanceof List<?>
                                    ? new ConfigNode(value.value, keyLine)
                                    : value);
                }
                return new ConfigNode(map, line);
            }
            case START_ARRAY: {
                List<ConfigNode> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return new ConfigNode(list, line);
            }
            case VALUE_STRING:
                return new ConfigNode(p.getText(), line);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new ConfigNode(p.getNumberValue(), line);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new ConfigNode(p.getBooleanValue(), line);
            default:
                return new ConfigNode(null, line);
        }
    }

    /**
     * A tree of maps, lists and scalars as nodes without lines. A map whose keys are exactly {@code 0..n-1} (how a
     * property binder hands over a list) becomes a list.
     */
    public static ConfigNode of(Object value) {
        if (value instanceof Map<?, ?> m) {
            if (!m.isEmpty() && indexKeys(m)) {
                List<ConfigNode> list = new ArrayList<>();
                for (int i = 0; i < m.size(); i++) {
                    list.add(of(m.get(String.valueOf(i))));
                }
                return new ConfigNode(list, 0);
            }
            Map<String, ConfigNode> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), of(v)));
            return new ConfigNode(map, 0);
        }
        if (value instanceof List<?> l) {
            List<ConfigNode> list = new ArrayList<>();
            l.forEach(v -> list.add(of(v)));
            return new ConfigNode(list, 0);
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return new ConfigNode(value, 0);
        }
        return new ConfigNode(String.valueOf(value), 0);
    }

    private static boolean indexKeys(Map<?, ?> m) {
        for (int i = 0; i < m.size(); i++) {
            if (!m.containsKey(String.valueOf(i))) {
                return false;
            }
        }
        return true;
    }

    /** What the value is, for messages; never the text of a string that might be a secret unless {@code quote}. */
    public String describe(boolean quote) {
        if (value == null) {
            return "empty";
        }
        if (value instanceof String s) {
            return quote ? shown(s) : "a string";
        }
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        return String.valueOf(value);
    }

    /** Runs a secret has and a setting does not: a credential's prefix, a long mixed run of letters and digits, a long digit run. */
    private static final java.util.regex.Pattern SECRET_LIKE = java.util.regex.Pattern.compile(
            "(?i)sk-|AIza|eyJ|bearer|api[_-]?key|(?=[A-Za-z0-9]*\\d)[A-Za-z0-9]{16,}|\\d(?:[ ._-]?\\d){11,}");

    /**
     * {@code s} quoted for a problem's message, unless it may be a secret typed into the wrong field (a key, a token, a
     * card number): then only its length. A setting's value, such as {@code 'BLOK'} or {@code 'gpt-4o-mini'}, is shown.
     */
    public static String shown(String s) {
        if (s.length() <= 64 && !SECRET_LIKE.matcher(s).find()) {
            return "'" + s + "'";
        }
        return "a value of " + s.length() + " characters (not shown: it may be a secret)";
    }
}
