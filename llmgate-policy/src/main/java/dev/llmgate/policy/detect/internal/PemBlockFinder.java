package dev.llmgate.policy.detect.internal;

import java.util.Arrays;

/**
 * The matches of the private-key pattern {@link #PATTERN} (a BEGIN line such as {@code -----BEGIN RSA PRIVATE
 * KEY-----}, in any case and with one to three spaces between its words, as people retype it, then the body up to
 * the first END line of the same form within 16,384 characters, or else the run of base64 characters and whitespace
 * that follows), as its
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
            "-----(?i:BEGIN) {1,3}(?:[A-Za-z0-9]{1,10} {1,3}){0,3}(?i:PRIVATE) {1,3}(?i:KEY)"
                    + "(?: {1,3}(?i:BLOCK))?-----(?:[\\s\\S]{0,16384}?-----(?i:END) {1,3}(?:[A-Za-z0-9]{1,10} {1,3}){0,3}"
                    + "(?i:PRIVATE) {1,3}(?i:KEY)(?: {1,3}(?i:BLOCK))?-----|[A-Za-z0-9+/=\\s]{0,16384}+)";

    private static final String DASHES = "-----";
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
            for (int at = t.indexOf(DASHES); at >= 0; at = t.indexOf(DASHES, at + 1)) {
                int w = word(t, at + DASHES.length(), "END");
                int e = w < 0 ? -1 : marker(t, w);
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
                int p = t.indexOf(DASHES, from);
                read += (p < 0 ? n : p + DASHES.length()) - from;
                if (p < 0) {
                    break;
                }
                int w = word(t, p + DASHES.length(), "BEGIN");
                int h = w < 0 ? -1 : marker(t, w);
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
     * Where {@code word} (any case) followed by one to three spaces ends at {@code i} (after the spaces), or -1: a
     * run of more than three spaces cannot go on, since what follows it must be a word.
     */
    private static int word(String t, int i, String word) {
        if (!t.regionMatches(true, i, word, 0, word.length())) {
            return -1;
        }
        return spaces(t, i + word.length());
    }

    /** After the one to three spaces at {@code i}, or -1 if there are none or more than three. */
    private static int spaces(String t, int i) {
        int n = t.length();
        int k = i;
        while (k < n && k - i <= 3 && t.charAt(k) == ' ') {
            k++;
        }
        return k == i || k - i > 3 ? -1 : k;
    }

    /**
     * Where {@code (?:[A-Za-z0-9]{1,10} {1,3}){0,3}PRIVATE {1,3}KEY(?: {1,3}BLOCK)?-----} (the capitals in any case)
     * first matches at {@code i} (as the regex backtracks: the most words first), or -1. Each word is a whole run of
     * up to ten letters and digits followed by its whole run of one to three spaces (a longer run of letters cannot be
     * split: the next character would have to be a space; fewer spaces leave a space where a word must start), so
     * the words are fixed and only how many of them come before PRIVATE KEY varies.
     */
    static int marker(String t, int i) {
        int n = t.length();
        int[] wordEnds = new int[4];
        wordEnds[0] = i;
        int words = 0;
        int at = i;
        while (words < 3) {
            int run = 0;
            while (at + run < n && run <= 10 && letterOrDigit(t.charAt(at + run))) {
                run++;
            }
            if (run < 1 || run > 10) {
                break;
            }
            int next = spaces(t, at + run);
            if (next < 0) {
                break;
            }
            at = next;
            wordEnds[++words] = at;
        }
        for (int w = words; w >= 0; w--) {
            int k = word(t, wordEnds[w], "PRIVATE");
            if (k < 0 || !t.regionMatches(true, k, "KEY", 0, 3)) {
                continue;
            }
            int e = k + 3;
            int b = spaces(t, e);
            if (b >= 0 && t.regionMatches(true, b, "BLOCK", 0, 5) && t.startsWith(DASHES, b + 5)) {
                return b + 5 + DASHES.length();
            }
            if (t.startsWith(DASHES, e)) {
                return e + DASHES.length();
            }
        }
        return -1;
    }

    private static boolean letterOrDigit(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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
