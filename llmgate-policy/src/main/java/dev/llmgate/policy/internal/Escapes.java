package dev.llmgate.policy.internal;

/**
 * Decoders of the escapes that spell a character with other characters, for {@link ScanView}. Each
 * looks at the escape starting at {@code i} (before {@code to}) and returns {@code (codePoint << 32)
 * | endIndex}, or -1 if there is no complete, valid escape there. Linear in the escape's length.
 */
final class Escapes {
    private Escapes() {}

    private static long result(int cp, int end) {
        return ((long) cp << 32) | (end & 0xFFFFFFFFL);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Four hex digits at {@code i}, or -1. */
    private static int hex4(String s, int i, int to) {
        if (i + 4 > to) {
            return -1;
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int h = hex(s.charAt(i + k));
            if (h < 0) {
                return -1;
            }
            v = (v << 4) | h;
        }
        return v;
    }

    /** {@code \}{@code uXXXX} at {@code i} (a high surrogate followed by an escaped low one reads as the pair's code point). */
    private static long unicode(String s, int i, int to) {
        int v = hex4(s, i + 2, to);
        if (v < 0) {
            return -1;
        }
        int end = i + 6;
        if (Character.isHighSurrogate((char) v) && end + 6 <= to && s.charAt(end) == '\\' && s.charAt(end + 1) == 'u') {
            int low = hex4(s, end + 2, to);
            if (low >= 0 && Character.isLowSurrogate((char) low)) {
                return result(Character.toCodePoint((char) v, (char) low), end + 6);
            }
        }
        return result(v, end);
    }

    /** A backslash escape in free text: {@code \}{@code uXXXX}, {@code \n \t \r \/ \" \' \\}. */
    static long backslash(String s, int i, int to) {
        if (i + 1 >= to) {
            return -1;
        }
        switch (s.charAt(i + 1)) {
            case 'u':
                return unicode(s, i, to);
            case 'n':
                return result('\n', i + 2);
            case 't':
                return result('\t', i + 2);
            case 'r':
                return result('\r', i + 2);
            case '/':
                return result('/', i + 2);
            case '"':
                return result('"', i + 2);
            case '\'':
                return result('\'', i + 2);
            case '\\':
                return result('\\', i + 2);
            default:
                return -1;
        }
    }

    /** A JSON string escape (RFC 8259 section 7). */
    static long json(String s, int i, int to) {
        if (i + 1 >= to) {
            return -1;
        }
        switch (s.charAt(i + 1)) {
            case 'u':
                return unicode(s, i, to);
            case 'n':
                return result('\n', i + 2);
            case 't':
                return result('\t', i + 2);
            case 'r':
                return result('\r', i + 2);
            case 'b':
                return result('\b', i + 2);
            case 'f':
                return result('\f', i + 2);
            case '/':
                return result('/', i + 2);
            case '"':
                return result('"', i + 2);
            case '\\':
                return result('\\', i + 2);
            default:
                return -1;
        }
    }

    /**
     * The HTML5 named character references of ASCII punctuation and white space (the ones a URL, an address or an
     * identifier can be spelled with: <code>https&amp;colon;&amp;sol;&amp;sol;</code>), by name; names are
     * case-sensitive, as in HTML.
     */
    private static final java.util.Map<String, Character> NAMED = java.util.Map.ofEntries(
            java.util.Map.entry("colon", ':'),
            java.util.Map.entry("sol", '/'),
            java.util.Map.entry("bsol", '\\'),
            java.util.Map.entry("period", '.'),
            java.util.Map.entry("quest", '?'),
            java.util.Map.entry("equals", '='),
            java.util.Map.entry("amp", '&'),
            java.util.Map.entry("AMP", '&'),
            java.util.Map.entry("commat", '@'),
            java.util.Map.entry("num", '#'),
            java.util.Map.entry("percnt", '%'),
            java.util.Map.entry("lpar", '('),
            java.util.Map.entry("rpar", ')'),
            java.util.Map.entry("lsqb", '['),
            java.util.Map.entry("lbrack", '['),
            java.util.Map.entry("rsqb", ']'),
            java.util.Map.entry("rbrack", ']'),
            java.util.Map.entry("lcub", '{'),
            java.util.Map.entry("lbrace", '{'),
            java.util.Map.entry("rcub", '}'),
            java.util.Map.entry("rbrace", '}'),
            java.util.Map.entry("excl", '!'),
            java.util.Map.entry("quot", '"'),
            java.util.Map.entry("QUOT", '"'),
            java.util.Map.entry("apos", '\''),
            java.util.Map.entry("lt", '<'),
            java.util.Map.entry("LT", '<'),
            java.util.Map.entry("gt", '>'),
            java.util.Map.entry("GT", '>'),
            java.util.Map.entry("plus", '+'),
            java.util.Map.entry("comma", ','),
            java.util.Map.entry("semi", ';'),
            java.util.Map.entry("dollar", '$'),
            java.util.Map.entry("ast", '*'),
            java.util.Map.entry("midast", '*'),
            java.util.Map.entry("lowbar", '_'),
            java.util.Map.entry("UnderBar", '_'),
            java.util.Map.entry("verbar", '|'),
            java.util.Map.entry("vert", '|'),
            java.util.Map.entry("VerticalLine", '|'),
            java.util.Map.entry("grave", '`'),
            java.util.Map.entry("Hat", '^'),
            java.util.Map.entry("Tab", '\t'),
            java.util.Map.entry("NewLine", '\n'),
            java.util.Map.entry("nbsp", '\u00A0'),
            java.util.Map.entry("NonBreakingSpace", '\u00A0'));

    /** The longest name in {@link #NAMED}. */
    static final int LONGEST_NAME = 16;

    /**
     * An HTML character reference: numeric, <code>&amp;#52;</code> or <code>&amp;#x34;</code> (at most seven digits,
     * then ';'), or one of the named references of ASCII punctuation and white space (<code>&amp;colon;</code>).
     */
    static long htmlReference(String s, int i, int to) {
        if (i + 2 < to && s.charAt(i + 1) != '#') {
            int k = i + 1;
            while (k < to && k - i - 1 <= LONGEST_NAME && Character.isLetter(s.charAt(k)) && s.charAt(k) < 0x80) {
                k++;
            }
            if (k == i + 1 || k >= to || s.charAt(k) != ';' || k - i - 1 > LONGEST_NAME) {
                return -1;
            }
            Character c = NAMED.get(s.substring(i + 1, k));
            return c == null ? -1 : result(c, k + 1);
        }
        if (i + 3 >= to || s.charAt(i + 1) != '#') {
            return -1;
        }
        int k = i + 2;
        boolean hexForm = s.charAt(k) == 'x' || s.charAt(k) == 'X';
        if (hexForm) {
            k++;
        }
        int v = 0;
        int digits = 0;
        while (k < to && digits < 8) {
            char c = s.charAt(k);
            int d = hexForm ? hex(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
            if (d < 0) {
                break;
            }
            v = v * (hexForm ? 16 : 10) + d;
            digits++;
            k++;
        }
        if (digits == 0
                || digits > 7
                || k >= to
                || s.charAt(k) != ';'
                || v > Character.MAX_CODE_POINT
                || v == 0
                || (v >= Character.MIN_SURROGATE && v <= Character.MAX_SURROGATE)) {
            return -1;
        }
        return result(v, k + 1);
    }

    /** A percent-encoded printable ASCII character (or tab, line feed, carriage return): {@code %34}. */
    static long percent(String s, int i, int to) {
        if (i + 2 >= to) {
            return -1;
        }
        int hi = hex(s.charAt(i + 1));
        int lo = hex(s.charAt(i + 2));
        if (hi < 0 || lo < 0) {
            return -1;
        }
        int v = hi * 16 + lo;
        if ((v >= 0x20 && v < 0x7F) || v == '\t' || v == '\n' || v == '\r') {
            return result(v, i + 3);
        }
        return -1;
    }
}
