package dev.llmgate.policy.detect.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a context-word pattern can start, derived from the pattern when it is built: every ASCII
 * character is tried as the first character of a match (after a space, a line break, a word
 * character and at the start of the text); a character at which the pattern neither matches nor
 * {@linkplain Matcher#hitEnd() runs out of input} cannot start a match, whatever follows. If no
 * match can start right after an ASCII word character (patterns that begin with {@code \b} and a
 * word), only word starts are tried. {@link #find} then gives exactly what {@code find()} over the
 * same region gives, trying the pattern at a few positions of the 48-character window instead of
 * at every one. Immutable and thread-safe.
 */
final class ContextStarts {
    private final boolean[] first = new boolean[128];
    private final boolean afterWord;

    ContextStarts(Pattern pattern) {
        boolean after = false;
        for (char c = 0; c < 128; c++) {
            for (String before : new String[] {"", " ", "\n", "a", "0", "_"}) {
                if (startsAt(pattern, before, c)) {
                    first[c] = true;
                    if (before.length() == 1 && isWordChar(before.charAt(0))) {
                        after = true;
                    }
                }
            }
        }
        afterWord = after;
    }

    private static boolean startsAt(Pattern p, String before, char c) {
        Matcher m = p.matcher(before + c);
        m.useTransparentBounds(true);
        m.region(before.length(), before.length() + 1);
        // anchoring bounds stay on, as in find(): a '$' may match at the end of the one-character region
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
            m.region(i, to);
            if (m.lookingAt()) {
                return true;
            }
        }
        return false;
    }
}
