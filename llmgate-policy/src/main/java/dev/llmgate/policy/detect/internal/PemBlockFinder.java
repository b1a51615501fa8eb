package dev.llmgate.policy.detect.internal;

import java.util.Arrays;

/**
 * The matches of the private-key pattern
 * {@code -----BEGIN (?:[A-Z0-9]{1,10} ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,16384}?-----END
 * (?:[A-Z0-9]{1,10} ){0,3}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s]{0,16384}+)} ({@link #PATTERN}), as its
 * {@code find()} loop finds them, in linear time. The regex looks for the END line anew from each
 * BEGIN line, up to 16 KB ahead: unterminated BEGIN lines one after another cost 16 KB of reading
 * each. Here the END lines are found once, in one pass, and each BEGIN line takes the first END
 * line after it within the same 16,384 characters (counted in code points, as {@code [\s\S]} steps),
 * or else the run of base64 characters and whitespace that follows it (at most 16,384).
 * Immutable and thread-safe. Not API.
 */
public final class PemBlockFinder implements Recognizer.Finder {
    /** The pattern this finder replaces (the reference of the tests). */
    public static final String PATTERN =
            "-----BEGIN (?:[A-Z0-9]{1,10} ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]{0,16384}?-----END "
                    + "(?:[A-Z0-9]{1,10} ){0,3}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\\s]{0,16384}+)";

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final int BODY = 16384;

    @Override
    public void findAll(MeteredText metered, Recognizer.MatchSink sink) {
        String t = metered.string();
        int n = t.length();
        long read = 0;
        try {
            // every END line, by where it starts, and where its match ends (one pass over the text)
            int[] endStarts = new int[0];
            int[] endEnds = new int[0];
            int ends = 0;
            for (int at = t.indexOf(END); at >= 0; at = t.indexOf(END, at + 1)) {
                int e = marker(t, at + END.length());
                read += e < 0 ? 64 : e - at;
                if (e >= 0) {
                    if (ends == endStarts.length) {
                        endStarts = Arrays.copyOf(endStarts, Math.max(8, 2 * ends));
                        endEnds = Arrays.copyOf(endEnds, Math.max(8, 2 * ends));
                    }
                    endStarts[ends] = at;
                    endEnds[ends] = e;
                    ends++;
                }
            }
            read += n; // the search for END lines
            int[] pairsBefore =
                    null; // surrogate pairs before each position, built if a code-point count is ever needed
            int nextEnd = 0;
            int from = 0;
            while (from < n) {
                int p = t.indexOf(BEGIN, from);
                read += (p < 0 ? n : p + BEGIN.length()) - from;
                if (p < 0) {
                    break;
                }
                int h = marker(t, p + BEGIN.length());
                if (h < 0) {
                    read += 64;
                    from = p + 1;
                    continue;
                }
                read += h - p;
                while (nextEnd < ends && endStarts[nextEnd] < h) {
                    nextEnd++;
                }
                int end = -1;
                if (nextEnd < ends) {
                    int x = endStarts[nextEnd];
                    boolean within = x - h <= BODY;
                    if (!within && x - h <= 2 * BODY) {
                        if (pairsBefore == null) {
                            pairsBefore = surrogatePairsBefore(t);
                            read += n;
                        }
                        within = (x - h) - (pairsBefore[x] - pairsBefore[h]) <= BODY;
                    }
                    if (within) {
                        end = endEnds[nextEnd];
                    }
                }
                if (end < 0) {
                    // the second alternative: the base64 body, possessive, at most 16,384 characters
                    end = h;
                    int limit = Math.min(n, h + BODY);
                    while (end < limit && bodyChar(t.charAt(end))) {
                        end++;
                    }
                    read += end - h + 1;
                }
                sink.match(p, end);
                from = end;
            }
        } finally {
            metered.charge(read);
        }
    }

    /**
     * Where {@code (?:[A-Z0-9]{1,10} ){0,3}PRIVATE KEY(?: BLOCK)?-----} first matches at {@code i} (as the
     * regex backtracks: the most words first), or -1. Each word is a whole run of up to ten
     * characters followed by a space (a longer run cannot be split: the next character would have to
     * be the space), so the words are fixed and only how many of them come before PRIVATE KEY varies.
     */
    static int marker(String t, int i) {
        int n = t.length();
        int[] wordEnds = new int[4];
        wordEnds[0] = i;
        int words = 0;
        int at = i;
        while (words < 3) {
            int run = 0;
            while (at + run < n && run <= 10 && upperOrDigit(t.charAt(at + run))) {
                run++;
            }
            if (run < 1 || run > 10 || at + run >= n || t.charAt(at + run) != ' ') {
                break;
            }
            at += run + 1;
            wordEnds[++words] = at;
        }
        for (int w = words; w >= 0; w--) {
            int k = wordEnds[w];
            if (!t.startsWith("PRIVATE KEY", k)) {
                continue;
            }
            int e = k + "PRIVATE KEY".length();
            if (t.startsWith(" BLOCK-----", e)) {
                return e + " BLOCK-----".length();
            }
            if (t.startsWith("-----", e)) {
                return e + "-----".length();
            }
        }
        return -1;
    }

    private static boolean upperOrDigit(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** {@code [A-Za-z0-9+/=\s]}. */
    private static boolean bodyChar(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '+'
                || c == '/'
                || c == '='
                || c == ' '
                || c == '\t'
                || c == '\n'
                || c == 0x0B
                || c == '\f'
                || c == '\r';
    }

    /** Per position: how many surrogate pairs (a high surrogate followed by a low one) end at or before it. */
    private static int[] surrogatePairsBefore(String t) {
        int n = t.length();
        int[] before = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            before[i] = before[i - 1]
                    + (i >= 2 && Character.isHighSurrogate(t.charAt(i - 2)) && Character.isLowSurrogate(t.charAt(i - 1))
                            ? 1
                            : 0);
        }
        return before;
    }
}
