package dev.llmgate.policy.detect.internal;

import java.util.Arrays;

/**
 * Payment card numbers in any grouping, by one linear pass instead of a pattern. A <em>run</em> is
 * a maximal sequence of digit groups joined by separators: one to five characters of at most two
 * whitespace characters (space, tab, line break), at most one of {@code - . / _}, and at most two
 * more whitespace characters (the view has already made no-break and thin spaces plain spaces and
 * en dashes hyphens). A run whose 12 to 19 digits pass Luhn and a known issuer range and length is
 * a card number, whatever its grouping ({@code 4111 11111111 1111}, {@code 4111/1111/1111/1111},
 * one digit per line): 0.9 for the groupings cards are printed in (contiguous, 4-4-4-4(-x),
 * 4-6-5, 4-6-4, equal groups of two or more), 0.75 for any other. Otherwise every group-aligned
 * sub-run in a printed grouping is tried, left to right (so {@code 12 4111 1111 1111 1111} finds
 * the card after the 12). Each group start is looked at once and at most 19 digits ahead: time
 * linear in the text.
 */
final class CardNumbers {
    private CardNumbers() {
    }

    static final double PRINTED = 0.9;
    static final double ANY_GROUPING = 0.75;

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean mark(char c) {
        return c == '-' || c == '.' || c == '/' || c == '_';
    }

    /** Where a separator starting at {@code i} ends, if a digit follows it; else -1. */
    static int separatorEnd(CharSequence t, int i) {
        int n = t.length();
        int k = i;
        int spaces = 0;
        while (k < n && spaces < 2 && space(t.charAt(k))) {
            k++;
            spaces++;
        }
        if (k < n && mark(t.charAt(k))) {
            k++;
            spaces = 0;
            while (k < n && spaces < 2 && space(t.charAt(k))) {
                k++;
                spaces++;
            }
        }
        return k > i && k < n && digit(t.charAt(k)) ? k : -1;
    }

    /** Whether the digit at {@code c} continues a run that started before it (a digit, then a separator). */
    private static boolean continuesRun(CharSequence t, int c) {
        for (int k = c - 1; k >= 0 && k >= c - 5; k--) {
            char x = t.charAt(k);
            if (digit(x)) {
                return separatorEnd(t, k + 1) == c;
            }
            if (!space(x) && !mark(x)) {
                return false;
            }
        }
        return false;
    }

    /** Scans {@code text} at the candidate run starts (every position when {@code candidates} is null). */
    static void scan(CharSequence text, int[] candidates, int count, Recognizer.Found found) {
        int n = text.length();
        int[] starts = new int[8];
        int[] ends = new int[8];
        int next = 0;
        int total = candidates == null ? n : count;
        for (int k = 0; k < total; k++) {
            int c = candidates == null ? k : candidates[k];
            if (c < next || !digit(text.charAt(c)) || (c > 0 && digit(text.charAt(c - 1))) || continuesRun(text, c)) {
                continue;
            }
            // the run from c: its groups
            int g = 0;
            int i = c;
            while (true) {
                int s = i;
                while (i < n && digit(text.charAt(i))) {
                    i++;
                }
                if (g == starts.length) {
                    starts = Arrays.copyOf(starts, g * 2);
                    ends = Arrays.copyOf(ends, g * 2);
                }
                starts[g] = s;
                ends[g] = i;
                g++;
                int sep = separatorEnd(text, i);
                if (sep < 0) {
                    break;
                }
                i = sep;
            }
            next = i;
            evaluate(text, starts, ends, g, found);
        }
    }

    private static void evaluate(CharSequence t, int[] starts, int[] ends, int g, Recognizer.Found found) {
        int digits = 0;
        for (int k = 0; k < g && digits <= 19; k++) {
            digits += ends[k] - starts[k];
        }
        if (digits >= 12 && digits <= 19 && Checksums.paymentCard(digitsOf(t, starts, ends, 0, g - 1, digits))) {
            found.accept(starts[0], ends[g - 1], printed(starts, ends, 0, g - 1) ? PRINTED : ANY_GROUPING);
            return;
        }
        int a = 0;
        while (a < g) {
            int best = -1;
            int d = 0;
            for (int b = a; b < g; b++) {
                d += ends[b] - starts[b];
                if (d > 19) {
                    break;
                }
                if (d >= 12 && (a > 0 || b < g - 1) && printed(starts, ends, a, b)
                        && Checksums.paymentCard(digitsOf(t, starts, ends, a, b, d))) {
                    best = b;
                }
            }
            if (best >= 0) {
                found.accept(starts[a], ends[best], PRINTED);
                a = best + 1;
            } else {
                a++;
            }
        }
    }

    /** Whether groups {@code a..b} are grouped as cards are printed. */
    private static boolean printed(int[] starts, int[] ends, int a, int b) {
        int count = b - a + 1;
        if (count == 1) {
            return true;
        }
        int first = ends[a] - starts[a];
        if (count == 3 && first == 4 && ends[a + 1] - starts[a + 1] == 6) {
            int last = ends[b] - starts[b];
            if (last == 5 || last == 4) {
                return true;   // American Express 4-6-5, Diners Club 4-6-4
            }
        }
        boolean fours = first == 4;
        boolean equal = first >= 2;
        for (int k = a + 1; k <= b; k++) {
            int len = ends[k] - starts[k];
            if (len != first) {
                equal = false;
            }
            if (k < b && len != 4) {
                fours = false;
            }
        }
        return equal || (fours && ends[b] - starts[b] <= 4);
    }

    private static String digitsOf(CharSequence t, int[] starts, int[] ends, int a, int b, int digits) {
        char[] out = new char[digits];
        int o = 0;
        for (int k = a; k <= b; k++) {
            for (int i = starts[k]; i < ends[k]; i++) {
                out[o++] = t.charAt(i);
            }
        }
        return new String(out);
    }
}
