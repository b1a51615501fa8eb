package dev.llmgate.policy.detect.internal;

import java.util.Arrays;
import java.util.List;

/**
 * Finds the candidate start positions of up to 64 recognizers in one pass over a text: every
 * character is classified once (most characters of prose, letters inside words and spaces, are
 * skipped with two comparisons), and at digits, listed characters and word starts a table lookup
 * (by the first three case-folded letters of a word) says which recognizers may start there.
 * Built once per detector; immutable and thread-safe.
 */
public final class StartIndex {
    private static final int K = 27;   // 0 = not an ASCII letter, 1..26 = a..z case-folded

    private final Starts[] specs;      // null: the recognizer has no start specification (scanned with find())
    private final long digitMask;
    private final long[] charMask = new long[128];
    private long nonAsciiMask;
    private String nonAsciiChars = "";
    private final long[] letter1 = new long[K];
    private final long[] letter2 = new long[K * K];
    private final long[] letter3 = new long[K * K * K];
    /** Per recognizer, per table entry that led to it: the indexes of the prefixes to verify. */
    private final int[][] prefixKeys;

    public StartIndex(List<Starts> starts) {
        if (starts.size() > 64) {
            throw new IllegalArgumentException("at most 64 recognizers per index");
        }
        specs = starts.toArray(new Starts[0]);
        prefixKeys = new int[specs.length][];
        long digits = 0;
        for (int r = 0; r < specs.length; r++) {
            Starts s = specs[r];
            if (s == null) {
                continue;
            }
            long bit = 1L << r;
            s.compile();
            if (s.digits) {
                digits |= bit;
            }
            for (int i = 0; i < s.chars.length(); i++) {
                char c = s.chars.charAt(i);
                if (c < 128) {
                    charMask[c] |= bit;
                } else {
                    nonAsciiMask |= bit;
                    nonAsciiChars += c;
                }
            }
            for (String p : s.prefixes) {
                int k0 = fold(p.charAt(0));
                if (p.length() == 1) {
                    letter1[k0] |= bit;
                } else if (p.length() == 2) {
                    letter2[k0 * K + fold(p.charAt(1))] |= bit;
                } else {
                    letter3[(k0 * K + fold(p.charAt(1))) * K + fold(p.charAt(2))] |= bit;
                }
            }
        }
        digitMask = digits;
    }

    private static int fold(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 1;
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 1;
        }
        return 0;
    }

    private static boolean asciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** The candidate starts found in one text, per recognizer, in increasing order. */
    public static final class Candidates {
        private final int[][] positions;
        private final int[] counts;
        /** The longest run of ASCII digits in the text. */
        public final int maxDigitRun;

        Candidates(int[][] positions, int[] counts, int maxDigitRun) {
            this.positions = positions;
            this.counts = counts;
            this.maxDigitRun = maxDigitRun;
        }

        /** The candidate starts of recognizer {@code r} ({@link #count(int)} of them are valid). */
        public int[] of(int r) {
            return positions[r];
        }

        public int count(int r) {
            return counts[r];
        }
    }

    /** Candidate starts of every recognizer in {@code text}, for the recognizers selected by {@code active}. */
    public Candidates scan(CharSequence text, long active) {
        int n = text.length();
        int[][] pos = new int[specs.length][];
        int[] counts = new int[specs.length];
        int digitRun = 0;
        int maxDigitRun = 0;
        char prev = ' ';
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            long mask;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                digitRun = 0;
                if (asciiAlnum(prev)) {
                    prev = c;
                    continue;
                }
                prev = c;
                int k0 = fold(c);
                int k1 = i + 1 < n ? fold(text.charAt(i + 1)) : 0;
                int k2 = i + 2 < n ? fold(text.charAt(i + 2)) : 0;
                mask = letter1[k0] | letter2[k0 * K + k1] | letter3[(k0 * K + k1) * K + k2];
                mask &= active;
                while (mask != 0) {
                    int r = Long.numberOfTrailingZeros(mask);
                    mask &= mask - 1;
                    if (prefixMatch(specs[r], text, i) && specs[r].accepts(text, i)) {
                        add(pos, counts, r, i);
                    }
                }
                continue;
            }
            prev = c;
            if (c == ' ') {
                digitRun = 0;
                continue;
            }
            if (c >= '0' && c <= '9') {
                if (++digitRun > maxDigitRun) {
                    maxDigitRun = digitRun;
                }
                mask = digitMask;
            } else {
                digitRun = 0;
                mask = c < 128 ? charMask[c] : (nonAsciiChars.indexOf(c) >= 0 ? nonAsciiMask : 0);
            }
            mask &= active;
            while (mask != 0) {
                int r = Long.numberOfTrailingZeros(mask);
                mask &= mask - 1;
                Starts s = specs[r];
                if ((c < '0' || c > '9') && s.chars.indexOf(c) < 0) {
                    continue;
                }
                if (s.accepts(text, i)) {
                    add(pos, counts, r, i);
                }
            }
        }
        return new Candidates(pos, counts, maxDigitRun);
    }

    private static boolean prefixMatch(Starts s, CharSequence text, int i) {
        return s.prefixAt(text, i);
    }

    private static void add(int[][] pos, int[] counts, int r, int i) {
        int[] a = pos[r];
        if (a == null) {
            a = pos[r] = new int[8];
        } else if (counts[r] == a.length) {
            a = pos[r] = Arrays.copyOf(a, a.length * 2);
        }
        a[counts[r]++] = i;
    }

    /** Whether recognizer {@code r} has a start specification (else it is scanned with {@code find()}). */
    public boolean indexed(int r) {
        return specs[r] != null;
    }
}
