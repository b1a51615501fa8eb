package dev.llmgate.policy.internal;

import java.util.Locale;

/**
 * Whether text read so far ends inside a URL, for deciding where tokenized values may be restored:
 * the current run of characters (since whitespace, a quote, {@code <}, {@code >} or a backtick) is
 * a URL once it holds {@code //}, its JSON-escaped form {@code \/\/}, {@code /\} (scheme-relative to
 * a browser), {@code http:}, {@code https:} or {@code mailto:} in any case (a special scheme needs no
 * slashes: {@code http:host}, {@code https:\host}), an escaped colon or slash
 * (<code>&amp;colon;</code>, <code>&amp;sol;</code>), or two backslashes or {@code www.} at its start or
 * after {@code (} or {@code =}. A markdown destination's {@code (} does not start a new run
 * ({@code ?e=([EMAIL_1])} is inside its URL). Immutable; {@link #advance} reads more text.
 */
public final class UrlRun {
    /** The state at the start of a text. */
    public static final UrlRun START = new UrlRun("", false, "");

    private static final int HEAD = 7;
    private static final int TAIL = 6; // (the longest marker read across two pieces, "mailto:", less one)

    private final String head;
    private final boolean url;
    private final String tail;

    private UrlRun(String head, boolean url, String tail) {
        this.head = head;
        this.url = url;
        this.tail = tail;
    }

    /** Whether the text read so far ends inside a URL. */
    public boolean inUrl() {
        return url;
    }

    private static boolean boundary(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
    }

    /** The state after reading {@code s[from, to)}. */
    public UrlRun advance(CharSequence s, int from, int to) {
        if (from >= to) {
            return this;
        }
        int runStart = from;
        for (int i = to - 1; i >= from; i--) {
            if (boundary(s.charAt(i))) {
                runStart = i + 1;
                break;
            }
        }
        String h = head;
        boolean u = url;
        String t = tail;
        if (runStart > from || boundaryIn(s, from, to)) {
            h = "";
            u = false;
            t = "";
        }
        // read the run's part in [runStart, to): the head fills up first, the URL markers may straddle the previous
        // tail
        String part = s.subSequence(runStart, to).toString();
        if (h.length() < HEAD) {
            h = (h + part.substring(0, Math.min(part.length(), HEAD - h.length()))).toLowerCase(Locale.ROOT);
        }
        String joined = t + part;
        if (!u) {
            String lower = joined.toLowerCase(Locale.ROOT);
            u = joined.contains("//")
                    || joined.contains("\\/\\/")
                    || joined.contains("/\\") // "/\evil.net": scheme-relative to a browser
                    || lower.contains("http:")
                    || lower.contains("https:")
                    || lower.contains("mailto:")
                    || lower.contains("&colon;")
                    || lower.contains("&sol;")
                    || h.startsWith("\\\\")
                    || h.startsWith("www.")
                    || joined.contains("(\\\\")
                    || joined.contains("=\\\\")
                    || lower.contains("(www.");
        }
        t = joined.length() <= TAIL ? joined : joined.substring(joined.length() - TAIL);
        return new UrlRun(h, u, t);
    }

    private static boolean boundaryIn(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (boundary(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
