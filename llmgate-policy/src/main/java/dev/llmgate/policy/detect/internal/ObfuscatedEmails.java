package dev.llmgate.policy.detect.internal;

/**
 * The e-mail addresses the plain ASCII pattern ({@link PiiRecognizers#email()}) cannot see, found from each {@code @}
 * (or spelled {@code (at)}):
 *
 * <ul>
 *   <li>addresses written to get past a pattern: spaces around the {@code @} ({@code john.doe @ example.com}), the
 *       {@code @} or a dot spelled in brackets ({@code john.doe (at) example [dot] com}, any of {@code () [] {} <>},
 *       any case). The full-width and small-form {@code @} are folded to {@code @} before any detector runs, so they
 *       are plain addresses by then. The word {@code at} without brackets is not read as an {@code @} (it is too
 *       common);
 *   <li>internationalised addresses (RFC 6531/6532 mailboxes, IDNA U-label domains), written plainly or obfuscated:
 *       a local part of ASCII {@code atext} ({@code . _ % + -} besides letters and digits) and letters, combining
 *       marks and digits of any script ({@code françois.dupont}, {@code zoë}, {@code 用户}, {@code संपर्क}), a domain
 *       of labels of ASCII letters, digits and hyphens and letters, marks and digits of any script
 *       ({@code müller.de}, {@code пример.рф}), ending in a top-level domain of two to 24 ASCII letters, an
 *       {@code xn--} label, or letters of another script ({@code рф}, {@code 广告}, {@code भारत}).
 * </ul>
 *
 * The local part is read backwards from the {@code @}, the domain forwards; the finding covers the whole address, so
 * that no part of a mailbox is left beside its placeholder (the plain pattern, ASCII only, finds only the tail
 * {@code ois.dupont@example.fr} of {@code françois.dupont@example.fr}; the longer finding wins when overlaps are
 * resolved). A plain all-ASCII address is left to the plain pattern. A run of more than 64 local-part characters (a
 * mailbox's limit) is no address when it is all ASCII; with characters of other scripts (text without spaces, such
 * as Chinese, glued to an address) the finding takes its last 64 characters, which hold any mailbox. A top-level
 * domain that runs on into letters of another script ({@code example.com谢谢}) ends where the script changes; a
 * U-label top-level domain with more than 63 characters glued to it is cut at 63.
 *
 * <p>Linear, and cheap on ASCII text: only {@code @} signs and opening brackets are candidates (from the start index);
 * each reads at most 64 characters back and at most ten labels of 63 characters forward, through the text's counter
 * (a {@link MeteredText} charges every character read); the Unicode tables are consulted only for characters outside
 * ASCII.
 */
final class ObfuscatedEmails {
    private ObfuscatedEmails() {}

    /** The score of an obfuscated address. */
    static final double SCORE = 0.8;

    /** The score of an internationalised address written plainly (that of the plain e-mail pattern). */
    static final double PLAIN_SCORE = 0.9;

    /** The most characters of a local part (RFC 5321: 64 octets; a character outside ASCII takes two to four). */
    private static final int MAX_LOCAL = 64;

    /** The most labels of a domain read. */
    private static final int MAX_LABELS = 10;

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
        int[] labelStart = new int[MAX_LABELS];
        int[] labelEnd = new int[MAX_LABELS];
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
            // the local part, backwards from the @ (blanks before it belong to the @): ASCII atext, and letters,
            // marks and digits of any script (RFC 6531/6532), at most 64 characters (a mailbox's limit)
            int b = c;
            while (b > 0 && c - b < 2 && blank(text.charAt(b - 1))) {
                b--;
            }
            int localEnd = b;
            int s = localEnd;
            int nonAsciiLocal = -1; // the last non-ASCII character of the local part (read first), or -1
            boolean longer = false;
            while (s > 0) {
                char p = text.charAt(s - 1);
                int w = p < 128 ? (localChar(p) ? 1 : 0) : wordBefore(text, s);
                if (w == 0) {
                    break;
                }
                if (localEnd - s + w > MAX_LOCAL) {
                    longer = true;
                    break;
                }
                if (p >= 128 && nonAsciiLocal < 0) {
                    nonAsciiLocal = s - w;
                }
                s -= w;
            }
            while (s < localEnd) { // the local part begins with a letter or digit
                char first = text.charAt(s);
                if (first < 128) {
                    if (Starts.Ascii.isLetter(first) || Starts.Ascii.isDigit(first)) {
                        break;
                    }
                    s++;
                } else {
                    int cp = Character.codePointAt(text, s);
                    if (Character.isLetterOrDigit(cp)) {
                        break;
                    }
                    s += Character.charCount(cp);
                }
            }
            if (s >= localEnd) {
                continue;
            }
            // the domain: labels joined by '.' or a spelled dot (U-labels: letters, marks and digits of any script and
            // hyphens), the last one a top-level domain
            int k = atEnd;
            int labels = 0;
            int firstSpelled = MAX_LABELS; // the first label after a spelled dot
            int firstNonAscii = MAX_LABELS; // the first label with a character outside ASCII
            while (labels < MAX_LABELS) {
                int ls = k;
                boolean nonAscii = false;
                while (k < n && k - ls < 63) {
                    char d = text.charAt(k);
                    int w = d < 128 ? (labelChar(d) ? 1 : 0) : wordAt(text, k);
                    if (w == 0 || k - ls + w > 63) {
                        break;
                    }
                    nonAscii |= d >= 128;
                    k += w;
                }
                if (k == ls) {
                    break;
                }
                if (nonAscii && firstNonAscii == MAX_LABELS) {
                    firstNonAscii = labels;
                }
                labelStart[labels] = ls;
                labelEnd[labels] = k;
                labels++;
                if (k < n && text.charAt(k) == '.' && labelStartAt(text, k + 1)) {
                    k++;
                    continue;
                }
                int d = skipBlanks(text, k, 2);
                int dot = d < n ? spelled(text, d, "dot") : -1;
                if (dot < 0) {
                    break;
                }
                int after = skipBlanks(text, dot, 2);
                if (!labelStartAt(text, after)) {
                    break;
                }
                if (firstSpelled == MAX_LABELS) {
                    firstSpelled = labels;
                }
                k = after;
            }
            // the top-level domain: the last label that can be one (the plain pattern tries the most labels first,
            // too), with at least one label before it; but a top-level domain of another script after an ASCII one
            // is a sentence glued on by an ideographic full stop (read as '.': "john@example.com。谢谢")
            int tld = -1;
            int tldEnd = -1;
            for (int j = labels - 1; j >= 1; j--) {
                int e = topLevel(text, labelStart[j], labelEnd[j]);
                if (e < 0) {
                    continue;
                }
                if (tld < 0) {
                    tld = j;
                    tldEnd = e;
                    if (text.charAt(labelStart[j]) < 128) {
                        break;
                    }
                } else if (text.charAt(labelStart[j]) < 128 && e == labelEnd[j]) {
                    tld = j;
                    tldEnd = e;
                    break;
                }
            }
            if (tld < 0) {
                continue;
            }
            boolean spelledDomain = firstSpelled <= tld;
            boolean nonAscii = nonAsciiLocal >= s
                    || firstNonAscii < tld
                    || (firstNonAscii == tld && nonAsciiIn(text, labelStart[tld], tldEnd));
            if (!nonAscii && (!(obfuscated || spelledDomain) || longer)) {
                // a plain ASCII address is the plain pattern's; a run of more than 64 ASCII local-part characters is
                // no address
                continue;
            }
            found.accept(s, tldEnd, obfuscated || spelledDomain ? SCORE : PLAIN_SCORE);
            next = tldEnd;
        }
    }

    /** Whether a label can start at {@code i}: an ASCII letter, digit or hyphen, or a letter, mark or digit of any script. */
    private static boolean labelStartAt(CharSequence t, int i) {
        if (i >= t.length()) {
            return false;
        }
        char c = t.charAt(i);
        return c < 128 ? labelChar(c) : wordAt(t, i) > 0;
    }

    private static boolean nonAsciiIn(CharSequence t, int from, int to) {
        for (int i = from; i < to; i++) {
            if (t.charAt(i) >= 128) {
                return true;
            }
        }
        return false;
    }

    /**
     * A letter, combining mark or decimal digit of any script, or a zero-width (non-)joiner (IDNA's CONTEXTJ
     * characters, inside Indic and Persian words): what a SMTPUTF8 local part and a U-label may hold besides ASCII.
     */
    static boolean word(int cp) {
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.COMBINING_SPACING_MARK:
            case Character.DECIMAL_DIGIT_NUMBER:
                return true;
            default:
                return cp == 0x200C || cp == 0x200D;
        }
    }

    /** The length (1 or 2) of a non-ASCII {@link #word} character at {@code i}, or 0. */
    private static int wordAt(CharSequence t, int i) {
        char c = t.charAt(i);
        if (Character.isHighSurrogate(c)) {
            if (i + 1 < t.length()) {
                char low = t.charAt(i + 1);
                if (Character.isLowSurrogate(low)) {
                    return word(Character.toCodePoint(c, low)) ? 2 : 0;
                }
            }
            return 0;
        }
        return c >= 128 && word(c) ? 1 : 0;
    }

    /** The length (1 or 2) of a non-ASCII {@link #word} character ending just before {@code i}, or 0. */
    private static int wordBefore(CharSequence t, int i) {
        char c = t.charAt(i - 1);
        if (Character.isLowSurrogate(c)) {
            if (i >= 2) {
                char high = t.charAt(i - 2);
                if (Character.isHighSurrogate(high)) {
                    return word(Character.toCodePoint(high, c)) ? 2 : 0;
                }
            }
            return 0;
        }
        return c >= 128 && word(c) ? 1 : 0;
    }

    /**
     * The end of the top-level domain that the label {@code [start, end)} is, or -1: two to 24 ASCII letters, an IDN
     * label {@code xn--...}, or (a U-label) letters and marks of one script, beginning with a letter. A label that runs
     * on from letters of one script into those of another ({@code example.com谢谢}, {@code 例子.广告abc}) is a
     * top-level domain with text glued to it: it ends where the script changes (ASCII letters are Latin, so
     * {@code .españa} is one top-level domain).
     */
    private static int topLevel(CharSequence t, int start, int end) {
        int len = end - start;
        if (len >= 5
                && (t.charAt(start) | 0x20) == 'x'
                && (t.charAt(start + 1) | 0x20) == 'n'
                && t.charAt(start + 2) == '-'
                && t.charAt(start + 3) == '-') {
            int i = start + 4;
            while (i < end && t.charAt(i) < 128) {
                i++;
            }
            return i > start + 4 && !(i == end && underscoreAt(t, end)) ? i : -1;
        }
        int first = Character.codePointAt(t, start);
        if (!Character.isLetter(first)) {
            return -1;
        }
        Character.UnicodeScript script =
                first < 128 ? Character.UnicodeScript.LATIN : Character.UnicodeScript.of(first);
        boolean ascii = true;
        int i = start;
        while (i < end) {
            char c = t.charAt(i);
            if (c < 128) {
                if (!Starts.Ascii.isLetter(c)) {
                    return -1; // a digit or hyphen
                }
                if (script != Character.UnicodeScript.LATIN) {
                    break; // ASCII letters glued to it
                }
                i++;
                continue;
            }
            int cp = Character.codePointAt(t, i);
            if (Character.isLetter(cp)) {
                Character.UnicodeScript other = Character.UnicodeScript.of(cp);
                if (other != script
                        && other != Character.UnicodeScript.COMMON
                        && other != Character.UnicodeScript.INHERITED) {
                    break; // letters of another script glued to it
                }
            } else if (Character.isDigit(cp)) {
                return -1;
            }
            ascii = false; // (a letter, or a mark or joiner: what a label holds besides letters and digits)
            i += Character.charCount(cp);
        }
        int length = i - start;
        if (length < 2 || (ascii && length > 24)) {
            return -1;
        }
        return i == end && underscoreAt(t, end) ? -1 : i;
    }

    /** A word character ({@code _}) right after a domain: no address ends there. */
    private static boolean underscoreAt(CharSequence t, int i) {
        return i < t.length() && t.charAt(i) == '_';
    }
}
