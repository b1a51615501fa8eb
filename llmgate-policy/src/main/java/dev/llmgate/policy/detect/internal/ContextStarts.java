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
 * starts with most letters, but with few pairs of them). {@link #find} then gives exactly what
 * {@code find()} over the same region gives, trying the pattern at a few positions of the
 * 48-character window instead of at every one. Immutable and thread-safe.
 */
final class ContextStarts {
    private static final String[] BEFORE = {"", " ", "\n", "a", "0", "_"};

    private final boolean[] first = new boolean[128];
    /** Per first ASCII character {@code c}: bit {@code d} of {@code [2c + d / 64]}, whether a match may go on with ASCII {@code d}. */
    private final long[] second = new long[256];

    private final boolean afterWord;

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
            }
            m.region(i, to);
            if (m.lookingAt()) {
                return true;
            }
        }
        return false;
    }
}
