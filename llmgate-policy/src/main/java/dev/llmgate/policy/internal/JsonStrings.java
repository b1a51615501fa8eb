package dev.llmgate.policy.internal;

/** JSON strings: escaping text for use inside one (RFC 8259 section 7), and reading the decoded strings of a JSON text. */
final class JsonStrings {
    private JsonStrings() {}

    /** One decoded string (a key or a value) of a JSON text, with the span of its raw content. */
    public record Value(String text, int start, int end) {}

    /**
     * Every string of {@code json} (keys and values, in document order), with its escapes decoded and nothing else
     * changed; text that is not JSON throughout (other text after the value, which lenient readers ignore, or
     * non-JSON tokens inside it) gives its strings decoded and, as well, the whole text as it is.
     */
    public static java.util.List<Value> values(String json) {
        JsonTokens tokens = JsonTokens.of(json);
        java.util.List<Value> out = new java.util.ArrayList<>(tokens.count + 1);
        for (int t = 0; t < tokens.count; t++) {
            if (tokens.type[t] == JsonTokens.STRING) {
                out.add(new Value(decode(json, tokens.start[t], tokens.end[t]), tokens.start[t], tokens.end[t]));
            }
        }
        if (tokens.hasOther || tokens.count == 0) {
            out.add(new Value(json, 0, json.length()));
        }
        return out;
    }

    /** The content {@code s[from, to)} of a JSON string with its escapes decoded (an invalid escape kept as it is). */
    static String decode(String s, int from, int to) {
        int bs = s.indexOf('\\', from);
        if (bs < 0 || bs >= to) {
            return s.substring(from, to);
        }
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '\\') {
                long d = Escapes.json(s, i, to);
                if (d >= 0) {
                    out.appendCodePoint((int) (d >>> 32));
                    i = (int) d;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** {@code s} escaped for a JSON string's content (quotes not added). */
    public static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            switch (c) {
                case '"':
                    rep = "\\\"";
                    break;
                case '\\':
                    rep = "\\\\";
                    break;
                case '\n':
                    rep = "\\n";
                    break;
                case '\r':
                    rep = "\\r";
                    break;
                case '\t':
                    rep = "\\t";
                    break;
                default:
                    if (c < 0x20) {
                        rep = String.format("\\u%04x", (int) c);
                    }
            }
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }
}
