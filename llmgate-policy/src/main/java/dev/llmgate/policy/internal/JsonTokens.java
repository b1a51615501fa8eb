package dev.llmgate.policy.internal;

import java.util.Arrays;

/**
 * The value tokens of a JSON text, found by one tolerant left-to-right pass: strings (content
 * without the quotes; whether each is an object key), numbers, and any other run of characters
 * that is not structure, whitespace or a literal ({@code true}, {@code false}, {@code null}), so
 * that text in broken JSON is still seen. An unterminated string runs to the end. Linear time.
 */
final class JsonTokens {
    static final byte STRING = 0;
    static final byte NUMBER = 1;
    static final byte OTHER = 2;

    int count;
    /** Whether a run of characters that is no JSON token was found (the text is not JSON). */
    boolean hasOther;
    /** Where the first top-level object or array closes (its last character's index + 1), or -1. */
    int firstValueEnd = -1;
    /** Where the first run of characters that is no JSON token starts, or -1. */
    int firstOtherStart = -1;

    int[] start = new int[16];
    int[] end = new int[16];
    byte[] type = new byte[16];
    boolean[] key = new boolean[16];

    private JsonTokens() {}

    /**
     * Whether the text is one JSON object or array followed by other text (which a JSON reader such as Jackson's,
     * by default, ignores): its tokens before {@link #firstValueEnd} are all JSON.
     */
    boolean valueThenOther() {
        return hasOther && firstValueEnd > 0 && firstOtherStart >= firstValueEnd;
    }

    /**
     * Whether {@code s} is one JSON object or array and nothing else, by its tokens (not its grammar): only JSON tokens
     * (no comments, single quotes, {@code NaN}), every string closed and free of raw control characters. A lenient
     * reader reads such a text as a strict one does.
     */
    static boolean strict(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        if (i == s.length() || (s.charAt(i) != '{' && s.charAt(i) != '[')) {
            return false;
        }
        JsonTokens t = of(s);
        if (t.hasOther || t.firstValueEnd < 0) {
            return false;
        }
        for (int k = t.firstValueEnd; k < s.length(); k++) {
            if (!isSpace(s.charAt(k))) {
                return false;
            }
        }
        for (int k = 0; k < t.count; k++) {
            if (t.type[k] == STRING && !closedAndClean(s, t.start[k], t.end[k])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the string token {@code s[from, to)} is followed by its closing quote and holds no raw control character. */
    static boolean closedAndClean(String s, int from, int to) {
        if (to >= s.length() || s.charAt(to) != '"') {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < 0x20) {
                return false;
            }
        }
        return true;
    }

    /** Lexer states at a point of a JSON text: outside a string, inside one, inside one right after a backslash. */
    static final int OUTSIDE = 0;

    static final int IN_STRING = 1;
    static final int AFTER_BACKSLASH = 2;

    static JsonTokens of(String s) {
        return of(s, OUTSIDE);
    }

    /** The tokens of a piece of JSON text that starts in lexer state {@code state} (a window of a stream). */
    static JsonTokens of(String s, int state) {
        return lex(s, 0, state, false);
    }

    /**
     * The tokens of the one JSON object or array that begins at {@code from} of {@code s} (its <code>{</code> or <code>[</code>), read up to its end ({@link #firstValueEnd}) or up to the first run of characters that is no JSON token
     * ({@link #hasOther}: no JSON value after all, the pass stops there), whichever comes first; {@link #stop} is where
     * the pass stopped. Positions are {@code s}'s.
     */
    static JsonTokens valueAt(String s, int from) {
        return lex(s, from, OUTSIDE, true);
    }

    /**
     * Where a line that begins at {@code i} (before {@code n}) has its first character after white space (also a
     * no-break space and a byte order mark) and a markdown quote or list marker ({@code > }, {@code - }, {@code * },
     * {@code 1. }).
     */
    static int leadInEnd(String text, int i, int n) {
        int k = i;
        while (k < n && k - i < 24) {
            char c = text.charAt(k);
            if (c == ' ' || c == '\t' || c == '\u00a0' || c == '\ufeff' || c == '>') {
                k++;
            } else if ((c == '-' || c == '*' || c == '+') && k + 1 < n && text.charAt(k + 1) == ' ') {
                k += 2;
            } else if (c >= '0' && c <= '9') {
                int d = k;
                while (d < n && d - k < 3 && text.charAt(d) >= '0' && text.charAt(d) <= '9') {
                    d++;
                }
                if (d + 1 < n && (text.charAt(d) == '.' || text.charAt(d) == ')') && text.charAt(d + 1) == ' ') {
                    k = d + 2;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        return k;
    }

    /** Where a {@link #valueAt} pass stopped (its value's end, the first other token's end, or the end of the text). */
    int stop;

    private static JsonTokens lex(String s, int from, int state, boolean oneValue) {
        JsonTokens t = new JsonTokens();
        int n = s.length();
        int i = from;
        boolean resume = state != OUTSIDE;
        int depth = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"' || resume) {
                int j = resume ? (state == AFTER_BACKSLASH ? 1 : 0) : i + 1;
                int contentStart = resume ? 0 : i + 1;
                resume = false;
                j = stringEnd(s, j);
                if (oneValue && holdsLineBreak(s, contentStart, Math.min(j, n))) {
                    // a JSON string holds no raw line break: an unbalanced quote in prose, no JSON value
                    t.hasOther = true;
                    t.firstOtherStart = i;
                    i = Math.min(j, n);
                    break;
                }
                int after = Math.min(j + 1, n);
                t.add(contentStart, Math.min(j, n), STRING, keyAt(s, after));
                i = after;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int j = numberEnd(s, i + 1);
                t.add(i, j, NUMBER, false);
                i = j;
            } else if (isSpace(c) || c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',') {
                if (c == '{' || c == '[') {
                    depth++;
                } else if ((c == '}' || c == ']') && --depth == 0 && t.firstValueEnd < 0) {
                    t.firstValueEnd = i + 1;
                    if (oneValue) {
                        i++;
                        break;
                    }
                }
                i++;
            } else {
                int j = wordEnd(s, i + 1);
                if (oneValue && j == n && literalPrefix(s, i, j)) {
                    i = j; // true, false or null not complete yet (a stream's window ends inside it): open so far
                    break;
                }
                if (!literal(s, i, j)) {
                    t.add(i, j, OTHER, false);
                    if (!t.hasOther) {
                        t.firstOtherStart = i;
                    }
                    t.hasOther = true;
                    if (oneValue) {
                        i = j;
                        break;
                    }
                }
                i = j;
            }
        }
        t.stop = i;
        return t;
    }

    /**
     * Where the string whose content starts at {@code j} of {@code s} ends: its closing quote, or a position at or
     * past the end if it is not closed.
     */
    private static int stringEnd(String s, int j) {
        int n = s.length();
        while (j < n) {
            char x = s.charAt(j);
            if (x == '\\') {
                j += 2;
                continue;
            }
            if (x == '"') {
                break;
            }
            j++;
        }
        return j;
    }

    /** Whether a {@code :} follows position {@code k} of {@code s} (white space between): the string before it is a key. */
    private static boolean keyAt(String s, int k) {
        int n = s.length();
        while (k < n && isSpace(s.charAt(k))) {
            k++;
        }
        return k < n && s.charAt(k) == ':';
    }

    /** The end of the number token continuing at {@code j} of {@code s}. */
    private static int numberEnd(String s, int j) {
        while (j < s.length() && numberChar(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /** The end of the run of characters that is no JSON structure continuing at {@code j} of {@code s}. */
    private static int wordEnd(String s, int j) {
        while (j < s.length() && !isSpace(s.charAt(j)) && "{}[]:,\"".indexOf(s.charAt(j)) < 0) {
            j++;
        }
        return j;
    }

    /** The lexer state after reading {@code s[from, to)} from state {@code state}. */
    static int stateAfter(CharSequence s, int from, int to, int state) {
        int st = state;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (st == AFTER_BACKSLASH) {
                st = IN_STRING;
            } else if (st == IN_STRING) {
                if (c == '\\') {
                    st = AFTER_BACKSLASH;
                } else if (c == '"') {
                    st = OUTSIDE;
                }
            } else if (c == '"') {
                st = IN_STRING;
            }
        }
        return st;
    }

    private static boolean literal(String s, int from, int to) {
        int len = to - from;
        return (len == 4 && (s.startsWith("true", from) || s.startsWith("null", from)))
                || (len == 5 && s.startsWith("false", from));
    }

    private static boolean holdsLineBreak(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n' || s.charAt(k) == '\r') {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s[from, to)} is the beginning (not all) of {@code true}, {@code false} or {@code null}. */
    private static boolean literalPrefix(String s, int from, int to) {
        int len = to - from;
        return (len < 4 && ("true".startsWith(s.substring(from, to)) || "null".startsWith(s.substring(from, to))))
                || (len < 5 && "false".startsWith(s.substring(from, to)));
    }

    private static boolean numberChar(char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private void add(int s, int e, byte ty, boolean k) {
        if (count == start.length) {
            int m = count * 2;
            start = Arrays.copyOf(start, m);
            end = Arrays.copyOf(end, m);
            type = Arrays.copyOf(type, m);
            key = Arrays.copyOf(key, m);
        }
        start[count] = s;
        end[count] = e;
        type[count] = ty;
        key[count] = k;
        count++;
    }
}
