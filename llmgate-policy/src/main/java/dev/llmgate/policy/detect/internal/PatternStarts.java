package dev.llmgate.policy.detect.internal;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Candidate start positions of up to 64 patterns, derived from the patterns themselves: at build
 * time every pattern is tried ({@link Matcher#lookingAt()}) on every string of up to three
 * characters of a small alphabet, after each kind of preceding character (none, a line
 * terminator, another ASCII non-word character, an ASCII word character); a pattern that neither
 * matches nor {@linkplain Matcher#hitEnd() hits the end} there can never match at a position that
 * starts with those characters after that kind of character, whatever follows. At scan time one
 * pass over the text looks up, per position, which patterns can start there. Positions whose first
 * characters or preceding character fall outside the alphabet are candidates of every pattern, so
 * the candidates are always a superset of the real match starts, and trying the patterns only
 * there ({@code lookingAt} with transparent, non-anchoring bounds) finds exactly what a
 * {@code find()} loop finds. Meant for patterns whose only look-behind is {@code \b} or {@code ^}
 * (this class does not check that). Immutable and thread-safe.
 */
public final class PatternStarts {
    /** The characters looked up exactly (lower-case text: normalised phrase matching). */
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 \n<|>[]/#:\\'-,.!?_=()\"*;&%$@+~`^{}";
    private static final int A = ALPHABET.length() + 1;   // code 0: outside the alphabet
    private static final byte[] CODE = new byte[128];
    /** Second and third characters are looked up only among these (the rest count as outside the alphabet). */
    private static final String INNER = "abcdefghijklmnopqrstuvwxyz \n-'";
    private static final int B = INNER.length() + 1;
    private static final byte[] INNER_CODE = new byte[128];

    static {
        for (int i = 0; i < ALPHABET.length(); i++) {
            CODE[ALPHABET.charAt(i)] = (byte) (i + 1);
        }
        for (int i = 0; i < INNER.length(); i++) {
            INNER_CODE[INNER.charAt(i)] = (byte) (i + 1);
        }
    }

    private static final int START = 0;
    private static final int LINE = 1;
    private static final int OTHER = 2;
    private static final int WORD = 3;
    private static final String[] PREV = {"", "\n", " ", "a"};

    private final int count;
    /** Per ASCII character: no pattern can start at it right after an ASCII word character. */
    private final boolean[] noneAfterWord = new boolean[128];
    private final long all;
    /** [prev][c0]: patterns that match within one character (candidates whatever follows). */
    private final long[][] sure1 = new long[4][A];
    /** [prev][c0]: patterns still possible after one character. */
    private final long[][] alive1 = new long[4][A];
    private final long[][] sure2 = new long[4][A * B];
    private final long[][] alive2 = new long[4][A * B];
    /** [prev][c0 * B + c1][c2]: patterns possible after three characters (null: none). */
    private final long[][][] alive3 = new long[4][A * B][];

    public PatternStarts(List<Pattern> patterns) {
        if (patterns.size() > 64) {
            throw new IllegalArgumentException("at most 64 patterns");
        }
        count = patterns.size();
        all = count == 64 ? -1L : (1L << count) - 1;
        Matcher[] ms = new Matcher[count];
        for (int k = 0; k < count; k++) {
            ms[k] = patterns.get(k).matcher("");
        }
        char[] buf = new char[4];
        for (int p = 0; p < 4; p++) {
            int off = PREV[p].length();
            if (off == 1) {
                buf[0] = PREV[p].charAt(0);
            }
            for (int a = 1; a < A; a++) {
                buf[off] = ALPHABET.charAt(a - 1);
                long[] r1 = explore(ms, all, buf, off, 1);
                sure1[p][a] = r1[0];
                alive1[p][a] = r1[1];
                if (r1[1] == 0) {
                    continue;
                }
                for (int b = 1; b < B; b++) {
                    buf[off + 1] = INNER.charAt(b - 1);
                    long[] r2 = explore(ms, r1[1], buf, off, 2);
                    sure2[p][a * B + b] = r2[0];
                    alive2[p][a * B + b] = r2[1];
                    if (r2[1] == 0) {
                        continue;
                    }
                    long[] leaf = new long[B];
                    for (int c = 1; c < B; c++) {
                        buf[off + 2] = INNER.charAt(c - 1);
                        long[] r3 = explore(ms, r2[1], buf, off, 3);
                        leaf[c] = r3[0] | r3[1];
                    }
                    leaf[0] = r2[1];
                    alive3[p][a * B + b] = leaf;
                }
            }
        }
        deriveNoneAfterWord();
    }

    private void deriveNoneAfterWord() {
        for (char c = 0; c < 128; c++) {
            int a = code(c);
            noneAfterWord[c] = a != 0 && (sure1[WORD][a] | alive1[WORD][a]) == 0;
        }
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** {sure, alive}: of {@code candidates}, those matching the prefix, and those that ran out of input. */
    private static long[] explore(Matcher[] ms, long candidates, char[] buf, int off, int len) {
        String s = new String(buf, 0, off + len);
        long sure = 0;
        long alive = 0;
        for (long m = candidates; m != 0; m &= m - 1) {
            int k = Long.numberOfTrailingZeros(m);
            Matcher x = ms[k];
            x.reset(s);
            x.useTransparentBounds(true);
            x.useAnchoringBounds(false);
            x.region(off, s.length());
            if (x.lookingAt()) {
                sure |= 1L << k;
            } else if (x.hitEnd()) {
                alive |= 1L << k;
            }
        }
        return new long[] {sure, alive};
    }

    private static int code(char c) {
        return c < 128 ? CODE[c] : 0;
    }

    private static int innerCode(char c) {
        return c < 128 ? INNER_CODE[c] : 0;
    }

    /** The patterns that can start at {@code i} of {@code text}. */
    public long at(CharSequence text, int i) {
        int p;
        if (i == 0) {
            p = START;
        } else {
            char prev = text.charAt(i - 1);
            if (prev >= 128 || prev == '\r') {
                return all;
            }
            if (prev == '\n') {
                p = LINE;
            } else if ((prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') || (prev >= '0' && prev <= '9') || prev == '_') {
                p = WORD;
            } else {
                p = OTHER;
            }
        }
        int n = text.length();
        int a = code(text.charAt(i));
        if (a == 0) {
            return all;
        }
        long sure = sure1[p][a];
        int b = i + 1 < n ? innerCode(text.charAt(i + 1)) : 0;
        if (b == 0) {
            return sure | alive1[p][a];
        }
        sure |= sure2[p][a * B + b];
        long[] leaf = alive3[p][a * B + b];
        if (leaf == null) {
            return sure;
        }
        int c = i + 2 < n ? innerCode(text.charAt(i + 2)) : 0;
        return sure | leaf[c];
    }

    /** Candidate starts per pattern of {@code text}: {@code starts[k]} holds {@code counts[k]} increasing positions. */
    public int[][] scan(CharSequence text, int[] counts) {
        String t = text.toString();
        int[][] starts = new int[count][];
        Arrays.fill(counts, 0);
        for (int i = 0, n = t.length(); i < n; i++) {
            char c = t.charAt(i);
            if (c < 128 && i > 0 && noneAfterWord[c]) {
                char prev = t.charAt(i - 1);
                if ((prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') || (prev >= '0' && prev <= '9') || prev == '_') {
                    continue;   // inside a word: no pattern starts here (the common case, decided without the tables)
                }
            }
            long m = at(t, i);
            record(starts, counts, m, i);
            if (c < 128 && isWordChar(c)) {
                // the rest of this word follows a word character: skip the characters no pattern can start at after one
                // (in normalised, lower-cased text: all of them; an upper-case letter is outside the alphabet and is looked up)
                while (i + 1 < n) {
                    char d = t.charAt(i + 1);
                    if (d >= 128 || !isWordChar(d) || !noneAfterWord[d]) {
                        break;
                    }
                    i++;
                }
            }
        }
        return starts;
    }

    private static void record(int[][] starts, int[] counts, long patterns, int i) {
        for (long m = patterns; m != 0; m &= m - 1) {
            int k = Long.numberOfTrailingZeros(m);
            int[] s = starts[k];
            if (s == null) {
                s = starts[k] = new int[8];
            } else if (counts[k] == s.length) {
                s = starts[k] = Arrays.copyOf(s, s.length * 2);
            }
            s[counts[k]++] = i;
        }
    }
}
