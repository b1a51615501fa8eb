package dev.llmgate.policy.detect.internal;

import java.util.Arrays;

/**
 * Payment card numbers in any grouping, by one linear pass instead of a pattern. A <em>run</em> is
 * a maximal sequence of digit groups joined by separators of at most ten characters: a group's
 * closing markdown emphasis or code mark (up to three of {@code * _ ~ `}: {@code **4111** **1111**}), at
 * most two whitespace characters (space, tab, line break), at most one of {@code - . / + \} (a {@code +} only between digits, as a
 * space in a URL's query) or up to three of one emphasis or code mark, and at most two more whitespace characters; or a thousands separator
 * ({@code ,} or {@code '} between digits, before a group of exactly three: {@code 4,111,111,...}).
 * (The view has already made no-break and thin spaces plain spaces and
 * en dashes hyphens). A run whose 12 to 19 digits pass Luhn and a known issuer range and length is
 * a card number, whatever its grouping ({@code 4111 11111111 1111}, {@code 4111/1111/1111/1111},
 * one digit per line): 0.9 for the groupings cards are printed in (contiguous, 4-4-4-4(-x),
 * 4-6-5, 4-6-4, equal groups of two or more), 0.75 for any other. Otherwise every group-aligned
 * sub-run in a printed grouping is tried, left to right (so {@code 12 4111 1111 1111 1111} finds
 * the card after the 12). A run with no card in it whose 12 to 19 digits pass Luhn in a printed grouping
 * is reported at {@link #UNKNOWN_ISSUER}, which only context words raise to a finding. Each group start is looked at once and at most 19 digits ahead: time
 * linear in the text.
 */
final class CardNumbers {
    private CardNumbers() {}

    static final double PRINTED = 0.9;
    static final double ANY_GROUPING = 0.75;
    /**
     * A Luhn-valid run of 12 to 19 digits in a printed grouping outside every known issuer range: below
     * {@link Recognizer#MIN_REPORTED} on its own, a card number when a card context word is near.
     */
    static final double UNKNOWN_ISSUER = 0.1;

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean mark(char c) {
        return c == '-' || c == '.' || c == '/' || c == '_' || c == '+' || c == '\\';
    }

    /** Emphasis and code marks of markdown, written around a group ({@code 4111 **1111** 1111}): up to two of one. */
    private static boolean emphasis(char c) {
        return c == '*' || c == '~' || c == '`' || c == '_';
    }

    /**
     * Where a separator starting at {@code i} ends, if a digit follows it; else -1. Besides the separators above: a
     * thousands separator ({@code ,} or {@code '} right after a digit and before exactly three:
     * {@code 4,111,111,111,111,111}) and up to two of one markdown emphasis or code mark in place of the mark.
     */
    static int separatorEnd(CharSequence t, int i) {
        int n = t.length();
        if (i < n && (t.charAt(i) == ',' || t.charAt(i) == '\'') && i > 0 && digit(t.charAt(i - 1))) {
            boolean thousands = i + 3 < n
                    && digit(t.charAt(i + 1))
                    && digit(t.charAt(i + 2))
                    && digit(t.charAt(i + 3))
                    && (i + 4 == n || !digit(t.charAt(i + 4)));
            return thousands ? i + 1 : -1;
        }
        int k = emphasisEnd(t, i); // a group's closing emphasis (**4111** **1111**)
        int beforeSpaces = k;
        int spaces = 0;
        while (k < n && spaces < 2 && space(t.charAt(k))) {
            k++;
            spaces++;
        }
        if (k < n && (mark(t.charAt(k)) || emphasis(t.charAt(k)))) {
            if (t.charAt(k) == '+' && (k != beforeSpaces || k + 1 >= n || !digit(t.charAt(k + 1)))) {
                return -1; // '+' joins groups only tight (a space in a URL's query: 4111+1111); "4000 + 1000" is a sum
            }
            k = emphasis(t.charAt(k)) ? emphasisEnd(t, k) : k + 1;
            spaces = 0;
            while (k < n && spaces < 2 && space(t.charAt(k))) {
                k++;
                spaces++;
            }
        }
        return k > i && k < n && digit(t.charAt(k)) ? k : -1;
    }

    /** After up to three of one emphasis or code mark from {@code i} ({@code ***4111***}). */
    private static int emphasisEnd(CharSequence t, int i) {
        int n = t.length();
        int k = i;
        while (k < n && k - i < 3 && emphasis(t.charAt(k)) && t.charAt(k) == t.charAt(i)) {
            k++;
        }
        return k;
    }

    /** Whether the digit at {@code c} continues a run that started before it (a digit, then a separator). */
    private static boolean continuesRun(CharSequence t, int c) {
        for (int k = c - 1; k >= 0 && k >= c - 10; k--) {
            char x = t.charAt(k);
            if (digit(x)) {
                return separatorEnd(t, k + 1) == c;
            }
            if (!space(x) && !mark(x) && !emphasis(x) && x != ',' && x != '\'') {
                return false;
            }
        }
        return false;
    }

    /**
     * One run's groups and, per digit of the run, prefix sums of its Luhn terms: {@code pe[k]} sums
     * the first {@code k} digits with those at even run indexes doubled, {@code po[k]} with those at
     * odd ones doubled, so that the Luhn sum of any sub-run is two subtractions. Reused across the
     * runs of one scan.
     */
    private static final class Run {
        int[] starts = new int[8];
        int[] ends = new int[8];
        /** Per group: the run's digits before it. */
        int[] before = new int[8];

        int[] pe = new int[64];
        int[] po = new int[64];

        void group(int g, int start, int digitsBefore) {
            if (g == starts.length) {
                starts = Arrays.copyOf(starts, g * 2);
                ends = Arrays.copyOf(ends, g * 2);
                before = Arrays.copyOf(before, g * 2);
            }
            starts[g] = start;
            before[g] = digitsBefore;
        }

        void digit(int idx, int d) {
            if (idx + 1 == pe.length) {
                pe = Arrays.copyOf(pe, pe.length * 2);
                po = Arrays.copyOf(po, po.length * 2);
            }
            int doubled = d * 2 > 9 ? d * 2 - 9 : d * 2;
            boolean even = (idx & 1) == 0;
            pe[idx + 1] = pe[idx] + (even ? doubled : d);
            po[idx + 1] = po[idx] + (even ? d : doubled);
        }

        /** Whether the digits of groups {@code a..b} pass Luhn (the last digit undoubled, every second one before it doubled). */
        boolean luhn(int a, int b) {
            return luhnDigits(before[a], before[b] + ends[b] - starts[b]);
        }

        /** Whether the run's digits {@code [s, e)} pass Luhn. */
        boolean luhnDigits(int s, int e) {
            // doubled: the digits at an odd distance from the last, i.e. at run index parity != that of e - 1
            boolean doubleEven = ((e - 1) & 1) == 1;
            int sum = doubleEven ? pe[e] - pe[s] : po[e] - po[s];
            return sum % 10 == 0;
        }
    }

    /** Scans {@code text} at the candidate run starts (every position when {@code candidates} is null). */
    static void scan(CharSequence text, int[] candidates, int count, Recognizer.Found found) {
        int n = text.length();
        Run run = null;
        int next = 0;
        int total = candidates == null ? n : count;
        for (int k = 0; k < total; k++) {
            int c = candidates == null ? k : candidates[k];
            if (c < next || !digit(text.charAt(c)) || (c > 0 && digit(text.charAt(c - 1))) || continuesRun(text, c)) {
                continue;
            }
            if (run == null) {
                run = new Run();
            }
            // the run from c: its groups, each digit read once
            int g = 0;
            int i = c;
            int idx = 0;
            while (true) {
                run.group(g, i, idx);
                while (i < n) {
                    char ch = text.charAt(i);
                    if (!digit(ch)) {
                        break;
                    }
                    run.digit(idx++, ch - '0');
                    i++;
                }
                run.ends[g] = i;
                g++;
                int sep = separatorEnd(text, i);
                if (sep < 0) {
                    break;
                }
                i = sep;
            }
            next = i;
            evaluate(text, run, g, found);
        }
    }

    private static void evaluate(CharSequence t, Run run, int g, Recognizer.Found found) {
        int[] starts = run.starts;
        int[] ends = run.ends;
        int digits = run.before[g - 1] + ends[g - 1] - starts[g - 1];
        if (digits >= 12
                && digits <= 19
                && run.luhn(0, g - 1)
                && Checksums.paymentCard(digitsOf(t, starts, ends, 0, g - 1, digits))) {
            found.accept(starts[0], ends[g - 1], printed(starts, ends, 0, g - 1) ? PRINTED : ANY_GROUPING);
            return;
        }
        if (g == 1 && digits >= 13) {
            // EMV's Application PAN (tag 5A, its length, the PAN in BCD padded with F) in a hex dump of TLV data
            int[] v = emvPan(t, starts[0], digits);
            if (v != null
                    && run.luhnDigits(v[0], v[1])
                    && Checksums.paymentCard(
                            t.subSequence(starts[0] + v[0], starts[0] + v[1]).toString())) {
                found.accept(starts[0] + v[0], starts[0] + v[1], PRINTED);
                return;
            }
        }
        if (g == 1 && digits > 13 && digits <= LONG_RUN && holdsCard(t, run, starts[0], digits)) {
            // a card number inside a longer run (an ISO 8583 field with its length first, a number glued to its expiry,
            // a fixed-width record): the whole run, a finding only with a card word near (PAN, card, ...)
            found.accept(starts[0], ends[0], UNKNOWN_ISSUER);
            return;
        }
        boolean any = false;
        int a = 0;
        while (a < g) {
            int best = -1;
            int d = 0;
            int first = ends[a] - starts[a];
            boolean equal = first >= 2; // groups a..b all as long as the first
            boolean foursBefore = true; // groups a..b-1 all of four digits
            for (int b = a; b < g; b++) {
                int len = ends[b] - starts[b];
                d += len;
                if (d > 19) {
                    break;
                }
                if (len != first) {
                    equal = false;
                }
                // printed(a, b), kept up to date group by group instead of re-read per sub-run
                boolean printed = b == a
                        || equal
                        || (foursBefore && len <= 4)
                        || (b == a + 2 && first == 4 && ends[a + 1] - starts[a + 1] == 6 && (len == 4 || len == 5));
                if (d >= 12
                        && (a > 0 || b < g - 1)
                        && printed
                        && run.luhn(a, b)
                        && Checksums.paymentCard(digitsOf(t, starts, ends, a, b, d))) {
                    best = b;
                }
                if (len != 4) {
                    foursBefore = false;
                }
                boolean amexAhead = first == 4 && (b == a || (b == a + 1 && len == 6));
                if (!equal && !foursBefore && !amexAhead) {
                    break; // no longer sub-run from a is printed: each group is looked at a bounded number of times
                }
            }
            if (best >= 0) {
                found.accept(starts[a], ends[best], PRINTED);
                any = true;
                a = best + 1;
            } else {
                a++;
            }
        }
        if (!any
                && digits >= 12
                && digits <= 19
                && run.luhn(0, g - 1)
                && printed(starts, ends, 0, g - 1)
                && !Checksums.allSame(digitsOf(t, starts, ends, 0, g - 1, digits))) {
            found.accept(starts[0], ends[g - 1], UNKNOWN_ISSUER);
        }
    }

    /** The longest run of digits looked into for a card number inside it. */
    static final int LONG_RUN = 40;

    /**
     * Whether a run of {@code digits} digits (one group, from {@code start}) holds a card number shorter than itself:
     * 13 to 19 of its digits, anywhere in it, passing Luhn and a known issuer range. At most 28 × 7 windows, each
     * checked in constant time (the issuer only when Luhn passes).
     */
    private static boolean holdsCard(CharSequence t, Run run, int start, int digits) {
        for (int len = Math.min(19, digits - 1); len >= 13; len--) {
            for (int s = 0; s + len <= digits; s++) {
                if (run.luhnDigits(s, s + len)
                        && Checksums.paymentCard(
                                t.subSequence(start + s, start + s + len).toString())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The PAN's digits {@code [from, to)} in a run of {@code digits} digits from {@code start} that is the value of EMV
     * tag {@code 5A} (Application Primary Account Number, EMV Book 3 annex A): the tag right before the run, then the
     * length in bytes ({@code 06} to {@code 0A}, the first two digits of the run, or {@code 0A} before it), then the PAN
     * in BCD, 13 to 19 digits, an odd count padded with {@code F}; or null.
     */
    private static int[] emvPan(CharSequence t, int start, int digits) {
        int bytes;
        int from;
        if (start >= 4 && emvTag(t, start - 4) && t.charAt(start - 2) == '0' && (t.charAt(start - 1) | 0x20) == 'a') {
            bytes = 10;
            from = 0;
        } else if (start >= 2 && emvTag(t, start - 2) && t.charAt(start) == '0' && t.charAt(start + 1) >= '6') {
            bytes = t.charAt(start + 1) - '0';
            from = 2;
        } else {
            return null;
        }
        int nibbles = 2 * bytes;
        int available = digits - from;
        int to;
        if (available >= nibbles) {
            to = from + nibbles;
        } else if (available == nibbles - 1
                && start + digits < t.length()
                && (t.charAt(start + digits) | 0x20) == 'f') {
            to = from + nibbles - 1; // an odd PAN, padded
        } else {
            return null;
        }
        return to - from >= 13 && to - from <= 19 ? new int[] {from, to} : null;
    }

    /** Whether EMV tag {@code 5A} stands at {@code i} (either case). */
    private static boolean emvTag(CharSequence t, int i) {
        return t.charAt(i) == '5' && (t.charAt(i + 1) | 0x20) == 'a';
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
                return true; // American Express 4-6-5, Diners Club 4-6-4
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
