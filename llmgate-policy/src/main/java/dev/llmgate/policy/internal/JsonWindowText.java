package dev.llmgate.policy.internal;

import java.util.Arrays;

/**
 * The strings of a window of a streamed JSON answer — keys and values alike — decoded ({@code \n}, {@code \"},
 * <code>&#92;u0021</code>, ...) and in document order, each followed by a line break once its closing quote has come
 * (a string still open at the end of the window is not: its line has not ended). This is the text a client that
 * renders the answer's strings as markdown reads, for the stream guard's questions that depend on order and on
 * lines: is an image still open, has a definition's line ended, which definitions were released. Each decoded
 * character knows where in the window it came from (an escape: its backslash; a line break: the closing quote before
 * it). Linear in the window. Not API.
 */
final class JsonWindowText {
    /** The decoded strings, one per line. */
    final String text;

    /** Per character of {@link #text}: its position in the window. */
    private final int[] raw;

    private JsonWindowText(String text, int[] raw) {
        this.text = text;
        this.raw = raw;
    }

    /** The strings of {@code window}, a piece of JSON text that starts in lexer state {@code state}. */
    static JsonWindowText of(String window, int state) {
        JsonTokens t = JsonTokens.of(window, state);
        Decoder d = new Decoder(window.length());
        int n = window.length();
        for (int k = 0; k < t.count; k++) {
            if (t.type[k] != JsonTokens.STRING) {
                continue;
            }
            int i = t.start[k];
            int end = t.end[k];
            if (k == 0 && i == 0 && state == JsonTokens.AFTER_BACKSLASH && i < end) {
                // a window that begins right after a backslash: its first character is an escape's second one
                i = d.escape(window, 0, 0, end);
            }
            while (i >= 0 && i < end) {
                char c = window.charAt(i);
                if (c == '\\') {
                    // an escape cut at the end of the window ends what is read of it (the rest comes later)
                    i = i + 1 < end ? d.escape(window, i, i + 1, end) : -1;
                    continue;
                }
                d.put(c, i);
                i++;
            }
            if (end < n && window.charAt(end) == '"') {
                d.put('\n', end); // the string has ended: so has its line
            }
        }
        return new JsonWindowText(d.out.toString(), Arrays.copyOf(d.raw, d.out.length()));
    }

    /** The decoded characters and where each came from, as they are appended. */
    private static final class Decoder {
        final StringBuilder out;
        int[] raw;

        Decoder(int size) {
            out = new StringBuilder(size);
            raw = new int[Math.max(16, size)];
        }

        void put(char c, int at) {
            if (out.length() == raw.length) {
                raw = Arrays.copyOf(raw, raw.length * 2);
            }
            raw[out.length()] = at;
            out.append(c);
        }

        /**
         * Appends the escape whose backslash is at {@code backslash} and whose letter is at {@code at}; returns where
         * the next character starts, or -1 if the escape is cut by the end of the window.
         */
        int escape(String w, int backslash, int at, int end) {
            char e = w.charAt(at);
            char c;
            int next = at + 1;
            switch (e) {
                case 'n' -> c = '\n';
                case 't' -> c = '\t';
                case 'r' -> c = '\r';
                case 'b' -> c = '\b';
                case 'f' -> c = '\f';
                case 'u' -> {
                    if (at + 5 > end) {
                        // cut by the end of the window (the rest comes later), or a string that ends too soon
                        return end == w.length() ? -1 : literal(backslash, at);
                    }
                    int v = 0;
                    for (int h = at + 1; h < at + 5; h++) {
                        int digit = Character.digit(w.charAt(h), 16);
                        if (digit < 0) {
                            return literal(backslash, at); // no JSON escape: read on, as a lenient reader does
                        }
                        v = v * 16 + digit;
                    }
                    c = (char) v;
                    next = at + 5;
                }
                default -> c = e; // a quote, a backslash, a slash (and any other character as itself)
            }
            put(c, backslash);
            return next;
        }

        /** A backslash that starts no escape: read as itself, and what follows it as text. */
        private int literal(int backslash, int at) {
            put('\\', backslash);
            return at;
        }
    }

    /** The first character of {@link #text} that came from window position {@code rawPos} or after ({@code text.length()} if none). */
    int from(int rawPos) {
        int lo = 0;
        int hi = raw.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (raw[mid] < rawPos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The window position character {@code index} of {@link #text} came from. */
    int rawOf(int index) {
        return raw[index];
    }
}
