package dev.llmgate.core.audit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON in the canonical form of RFC 8785 (JCS) for the value types audit entries use:
 * objects (maps with String keys), arrays (lists), strings, integers within +-(2^53 - 1), booleans
 * and null. Object members are sorted by their keys' UTF-16 code units (which is what
 * {@link String#compareTo} compares); strings are escaped as ECMAScript's {@code JSON.stringify}
 * escapes them; no whitespace. Non-integer numbers are rejected: audit entries carry decimals as
 * strings, so that no floating-point formatting is involved. Not public API.
 */
public final class CanonicalJson {
    /** The largest integer every JSON implementation represents exactly (2^53 - 1). */
    public static final long MAX_SAFE_INTEGER = 9007199254740991L;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CanonicalJson() {
    }

    /** The canonical text of {@code value}. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(1024);
        write(value, sb);
        return sb.toString();
    }

    /** The canonical text of {@code value}, as UTF-8. */
    public static byte[] utf8(Object value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Appends the canonical text of {@code value} to {@code sb}. */
    public static void write(Object value, StringBuilder sb) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String) {
            writeString((String) value, sb);
        } else if (value instanceof Boolean) {
            sb.append(((Boolean) value) ? "true" : "false");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            long n = ((Number) value).longValue();
            if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER) {
                throw new IllegalArgumentException("integer " + n + " is outside +-(2^53 - 1): write it as a decimal string");
            }
            sb.append(n);
        } else if (value instanceof Map) {
            writeObject((Map<?, ?>) value, sb);
        } else if (value instanceof List) {
            List<?> list = (List<?>) value;
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(list.get(i), sb);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("audit entries hold only strings, integers, booleans, null, lists and maps, not "
                    + value.getClass().getName() + " (write decimals as strings)");
        }
    }

    private static void writeObject(Map<?, ?> map, StringBuilder sb) {
        String[] keys = new String[map.size()];
        int n = 0;
        for (Object k : map.keySet()) {
            if (!(k instanceof String)) {
                throw new IllegalArgumentException("object keys must be strings, was: " + k);
            }
            keys[n++] = (String) k;
        }
        if (!(map instanceof java.util.SortedMap && ((java.util.SortedMap<?, ?>) map).comparator() == null)) {
            Arrays.sort(keys);
        }
        sb.append('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            writeString(keys[i], sb);
            sb.append(':');
            write(map.get(keys[i]), sb);
        }
        sb.append('}');
    }

    /** Appends {@code s} as a JSON string, escaped as RFC 8785 (and ECMAScript JSON.stringify) escapes it. */
    public static void writeString(String s, StringBuilder sb) {
        int len = s.length();
        sb.ensureCapacity(sb.length() + len + 2);
        sb.append('"');
        int run = 0;   // start of the stretch of characters that need no escaping, appended in one piece
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && (c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;   // a well-formed pair stays as it is
                continue;
            }
            sb.append(s, run, i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    unicodeEscape(c, sb);   // other control characters and lone surrogates
            }
            run = i + 1;
        }
        if (run == 0) {
            sb.append(s);   // nothing escaped: one bulk copy
        } else {
            sb.append(s, run, len);
        }
        sb.append('"');
    }

    private static void unicodeEscape(char c, StringBuilder sb) {
        sb.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
