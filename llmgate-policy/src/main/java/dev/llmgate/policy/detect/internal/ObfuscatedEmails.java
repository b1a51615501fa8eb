package dev.llmgate.policy.detect.internal;

/**
 * E-mail addresses written to get past a pattern: spaces around the {@code @} ({@code john.doe @
 * example.com}), the {@code @} or a dot spelled in brackets ({@code john.doe (at) example [dot] com},
 * any of {@code () [] {} <>}, any case). The full-width and small-form {@code @} are folded to
 * {@code @} before any detector runs, so they are plain addresses by then. Found from each
 * {@code @} or opening bracket: the local part is read backwards from it, the domain forwards (labels
 * joined by a dot or a spelled dot, ending in a top-level domain of two to 24 letters or an IDN
 * {@code xn--} label). A plain {@code name@example.com} is left to the ordinary e-mail pattern;
 * the word {@code at} without brackets is not read as an {@code @} (it is too common). Linear:
 * each candidate reads at most 64 characters back and a bounded domain forward.
 */
final class ObfuscatedEmails {
    private ObfuscatedEmails() {}

    static final double SCORE = 0.8;

    private static boolean localChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '%'
                || c == '+'
                || c == '-';
    }

    private static boolean labelChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }

    private static char closing(char open) {
        switch (open) {
            case '(':
                return ')';
            case '[':
                return ']';
            case '{':
                return '}';
            case '<':
                return '>';
            default:
                return 0;
        }
    }

    /** The end of a spelled word ({@code (at)}, {@code [ dot ]}) whose bracket opens at {@code i}, or -1. */
    private static int spelled(CharSequence t, int i, String word) {
        int n = t.length();
        char close = closing(t.charAt(i));
        if (close == 0) {
            return -1;
        }
        int k = i + 1;
        if (k < n && blank(t.charAt(k))) {
            k++;
        }
        if (k + word.length() > n) {
            return -1;
        }
        for (int w = 0; w < word.length(); w++) {
            if ((t.charAt(k + w) | 0x20) != word.charAt(w)) {
                return -1;
            }
        }
        k += word.length();
        if (k < n && blank(t.charAt(k))) {
            k++;
        }
        return k < n && t.charAt(k) == close ? k + 1 : -1;
    }

    private static int skipBlanks(CharSequence t, int i, int most) {
        int k = i;
        while (k < t.length() && k - i < most && blank(t.charAt(k))) {
            k++;
        }
        return k;
    }

    static void scan(CharSequence text, int[] candidates, int count, Recognizer.Found found) {
        int n = text.length();
        int next = 0;
        int total = candidates == null ? n : count;
        for (int q = 0; q < total; q++) {
            int c = candidates == null ? q : candidates[q];
            if (c < next) {
                continue;
            }
            char ch = text.charAt(c);
            boolean obfuscated;
            int atEnd;
            if (ch == '@') {
                atEnd = skipBlanks(text, c + 1, 2);
                obfuscated = atEnd > c + 1 || (c > 0 && blank(text.charAt(c - 1)));
            } else {
                atEnd = spelled(text, c, "at");
                if (atEnd < 0) {
                    continue;
                }
                atEnd = skipBlanks(text, atEnd, 2);
                obfuscated = true;
            }
            // the local part, backwards from the @ (blanks before it belong to the @)
            int localEnd = c;
            int b = c;
            while (b > 0 && c - b < 2 && blank(text.charAt(b - 1))) {
                b--;
            }
            localEnd = b;
            int s = localEnd;
            while (s > 0 && localEnd - s < 64 && localChar(text.charAt(s - 1))) {
                s--;
            }
            if (s > 0 && (localChar(text.charAt(s - 1)) || Character.isLetterOrDigit(text.charAt(s - 1)))) {
                continue; // the run of local-part characters is longer than 64: no address
            }
            while (s < localEnd && !Character.isLetterOrDigit(text.charAt(s))) {
                s++; // the local part begins with a letter or digit
            }
            if (s >= localEnd) {
                continue;
            }
            // the domain: labels joined by '.' or a spelled dot, the last one a top-level domain
            int k = atEnd;
            int labels = 0;
            int lastLabelStart = -1;
            int lastLabelEnd = -1;
            while (labels < 10) {
                int ls = k;
                while (k < n && k - ls < 63 && labelChar(text.charAt(k))) {
                    k++;
                }
                if (k == ls) {
                    break;
                }
                labels++;
                lastLabelStart = ls;
                lastLabelEnd = k;
                if (k < n && text.charAt(k) == '.' && k + 1 < n && labelChar(text.charAt(k + 1))) {
                    k++;
                    continue;
                }
                int d = skipBlanks(text, k, 2);
                int dot = d < n ? spelled(text, d, "dot") : -1;
                if (dot < 0) {
                    break;
                }
                int after = skipBlanks(text, dot, 2);
                if (after >= n || !labelChar(text.charAt(after))) {
                    break;
                }
                obfuscated = true;
                k = after;
            }
            if (labels < 2 || !obfuscated || !topLevel(text, lastLabelStart, lastLabelEnd)) {
                continue;
            }
            if (lastLabelEnd < n
                    && (Character.isLetterOrDigit(text.charAt(lastLabelEnd)) || text.charAt(lastLabelEnd) == '_')) {
                continue;
            }
            found.accept(s, lastLabelEnd, SCORE);
            next = lastLabelEnd;
        }
    }

    /** Two to 24 ASCII letters, or an IDN label {@code xn--...}. */
    private static boolean topLevel(CharSequence t, int start, int end) {
        int len = end - start;
        if (len >= 5
                && (t.charAt(start) | 0x20) == 'x'
                && (t.charAt(start + 1) | 0x20) == 'n'
                && t.charAt(start + 2) == '-'
                && t.charAt(start + 3) == '-') {
            return true;
        }
        if (len < 2 || len > 24) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = (char) (t.charAt(i) | 0x20);
            if (c < 'a' || c > 'z') {
                return false;
            }
        }
        return true;
    }
}
