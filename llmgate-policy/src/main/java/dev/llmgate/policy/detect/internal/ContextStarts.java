package dev.llmgate.policy.detect.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a context-word pattern can start, derived from the pattern when it is built: every ASCII
 * character is tried as the first character of a match (after a space, a line break, a word
 * character and at the start of the text); a character at which the pattern neither matches nor
 * {@linkplain Matcher#hitEnd() runs out of input} cannot start a match, whatever follows. If no
 * match can start right after an ASCII word character (patterns that begin with {@code \b} and a
 * word), only word starts are tried. The same test on two characters gives, per first ASCII
 * character, the ASCII characters that can follow it in a match (a context word list of forty words
 * starts with most letters, but with few pairs of them); for a wholly case-insensitive pattern
 * ({@code (?i)} ...), the same again on three, for third characters that are lower-case letters,
 * digits, a space, an apostrophe, a hyphen or a full stop (any other third character is let
 * through). {@link #find} then gives exactly what
 * {@code find()} over the same region gives, trying the pattern at a few positions of the
 * 48-character window instead of at every one. Immutable and thread-safe.
 */
final class ContextStarts {
    private static final String[] BEFORE = {"", " ", "\n", "a", "0", "_"};

    private final boolean[] first = new boolean[128];
    /** Per first ASCII character {@code c}: bit {@code d} of {@code [2c + d / 64]}, whether a match may go on with ASCII {@code d}. */
    private final long[] second = new long[256];

    private final boolean afterWord;

    /** The third characters the three-character gate reads (folded to lower case); any other passes. */
    private static final String THIRD = "abcdefghijklmnopqrstuvwxyz0123456789 '-.";

    private static final boolean[] GATED_THIRD = new boolean[128];

    static {
        for (int k = 0; k < THIRD.length(); k++) {
            GATED_THIRD[THIRD.charAt(k)] = true;
        }
    }

    /** Whether the pattern is wholly ASCII case-insensitive (the three-character gate reads folded characters). */
    private final boolean folded;
    /** Per folded first character: bit {@code d} of {@code [2c + d / 64]}, the folded second characters of a pair with a slot. */
    private final long[] pairs = new long[256];
    /** Per folded first character: the slot of its first pair (pairs numbered in order of their second character). */
    private final int[] pairBase = new int[128];
    /** Per pair slot: bit {@code e} of {@code [2 slot + e / 64]}, whether a match may go on with folded {@code e}. */
    private long[] third = new long[0];

    ContextStarts(Pattern pattern) {
        boolean after = false;
        int[] befores = new int[128]; // per first character: the BEFORE contexts it starts a match after
        for (char c = 0; c < 128; c++) {
            for (int b = 0; b < BEFORE.length; b++) {
                String before = BEFORE[b];
                if (startsAt(pattern, before, String.valueOf(c))) {
                    first[c] = true;
                    befores[c] |= 1 << b;
                    if (before.length() == 1 && isWordChar(before.charAt(0))) {
                        after = true;
                    }
                }
            }
        }
        afterWord = after;
        for (char c = 0; c < 128; c++) {
            if (!first[c]) {
                continue;
            }
            for (char d = 0; d < 128; d++) {
                for (int b = 0; b < BEFORE.length; b++) {
                    if ((befores[c] & (1 << b)) != 0 && startsAt(pattern, BEFORE[b], new String(new char[] {c, d}))) {
                        second[2 * c + (d >>> 6)] |= 1L << d;
                        break;
                    }
                }
            }
        }
        folded = pattern.pattern().startsWith("(?i)") && !pattern.pattern().contains("(?-i");
        if (folded) {
            buildThird(pattern, befores);
        }
    }

    private static char fold(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** The three-character gate of a case-insensitive pattern: only folded characters are tried (upper case reads the same). */
    private void buildThird(Pattern pattern, int[] befores) {
        int slots = 0;
        for (char c = 0; c < 128; c++) {
            pairBase[c] = slots;
            if (!first[c] || fold(c) != c) {
                continue;
            }
            for (char d = 0; d < 128; d++) {
                if (fold(d) == d && (second[2 * c + (d >>> 6)] & (1L << d)) != 0) {
                    pairs[2 * c + (d >>> 6)] |= 1L << d;
                    slots++;
                }
            }
        }
        third = new long[2 * slots];
        for (char c = 0; c < 128; c++) {
            for (long w = 0; w < 2; w++) {
                for (long bits = pairs[2 * c + (int) w]; bits != 0; bits &= bits - 1) {
                    char d = (char) (64 * w + Long.numberOfTrailingZeros(bits));
                    int slot = slot(c, d);
                    for (int k = 0; k < THIRD.length(); k++) {
                        char e = THIRD.charAt(k);
                        for (int b = 0; b < BEFORE.length; b++) {
                            if ((befores[c] & (1 << b)) != 0
                                    && startsAt(pattern, BEFORE[b], new String(new char[] {c, d, e}))) {
                                third[2 * slot + (e >>> 6)] |= 1L << e;
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    /** The slot of the pair of folded {@code c}, {@code d} (which must have one). */
    private int slot(char c, char d) {
        long below = d < 64 ? pairs[2 * c] & ((1L << d) - 1) : pairs[2 * c + 1] & ((1L << (d - 64)) - 1);
        return pairBase[c] + Long.bitCount(below) + (d < 64 ? 0 : Long.bitCount(pairs[2 * c]));
    }

    /**
     * Whether the three-character gate lets a match start at {@code i} (characters {@code c}, {@code d} there; a third
     * before {@code to}).
     */
    private boolean thirdPasses(CharSequence text, char c, char d, int i, int to) {
        if (!folded || i + 2 >= to || d >= 128) {
            return true;
        }
        char e = fold(text.charAt(i + 2));
        if (e >= 128 || !GATED_THIRD[e]) {
            return true;
        }
        char fc = fold(c);
        char fd = fold(d);
        if ((pairs[2 * fc + (fd >>> 6)] & (1L << fd)) == 0) {
            return true; // (no slot: a pair the second gate let through only in another case; not gated here)
        }
        return (third[2 * slot(fc, fd) + (e >>> 6)] & (1L << e)) != 0;
    }

    /**
     * Whether a match of {@code p} may start with {@code chars} right after {@code before}: it matches within them or
     * runs out of input (reads past them), so some continuation may match.
     */
    private static boolean startsAt(Pattern p, String before, String chars) {
        Matcher m = p.matcher(before + chars);
        m.useTransparentBounds(true);
        m.region(before.length(), before.length() + chars.length());
        // anchoring bounds stay on, as in find(): a '$' may match at the end of the region
        return m.lookingAt() || m.hitEnd();
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /**
     * Whether {@code m} (over {@code text}, transparent bounds) finds a match in {@code [from, to)},
     * as {@code m.region(from, to).find()} would.
     */
    boolean find(CharSequence text, Matcher m, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 128 && !first[c]) {
                continue;
            }
            if (!afterWord && i > 0) {
                char p = text.charAt(i - 1);
                if (p < 128 && isWordChar(p)) {
                    continue;
                }
            }
            if (c < 128 && i + 1 < to) {
                char d = text.charAt(i + 1);
                if (d < 128 && (second[2 * c + (d >>> 6)] & (1L << d)) == 0) {
                    continue;
                }
                if (!thirdPasses(text, c, d, i, to)) {
                    continue;
                }
            }
            m.region(i, to);
            if (m.lookingAt()) {
                return true;
            }
        }
        return false;
    }
}
