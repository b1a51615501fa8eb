package dev.llmgate.policy.internal;

/** Escaping text for use inside a JSON string (RFC 8259 section 7). */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** {@code s} escaped for a JSON string's content (quotes not added). */
    public static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            switch (c) {
                case '"': rep = "\\\""; break;
                case '\\': rep = "\\\\"; break;
                case '\n': rep = "\\n"; break;
                case '\r': rep = "\\r"; break;
                case '\t': rep = "\\t"; break;
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
