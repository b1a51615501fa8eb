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
        if (i + 1 < to && s.charAt(i + 1) == '\'') {
            return result('\'', i + 2);
        }
        return common(s, i, to);
    }

    /** A JSON string escape (RFC 8259 section 7). */
    static long json(String s, int i, int to) {
        if (i + 1 < to && (s.charAt(i + 1) == 'b' || s.charAt(i + 1) == 'f')) {
            return result(s.charAt(i + 1) == 'b' ? '\b' : '\f', i + 2);
        }
        return common(s, i, to);
    }

    /** The escapes free text and JSON share: {@code \}{@code uXXXX}, {@code \n \t \r \/ \" \\}. */
    private static long common(String s, int i, int to) {
        if (i + 1 >= to) {
            return -1;
        }
        return switch (s.charAt(i + 1)) {
            case 'u' -> unicode(s, i, to);
            case 'n' -> result('\n', i + 2);
            case 't' -> result('\t', i + 2);
            case 'r' -> result('\r', i + 2);
            case '/' -> result('/', i + 2);
            case '"' -> result('"', i + 2);
            case '\\' -> result('\\', i + 2);
            default -> -1;
        };
    }

    /**
     * HTML5 named character references a value can be spelled with, by name (case-sensitive, as in HTML): the ASCII
     * punctuation of URLs, addresses and identifiers (<code>https&amp;colon;&amp;sol;&amp;sol;</code>), and the
     * spaces, dashes and invisible characters the fold reads as separators or drops (<code>536&amp;ndash;22</code>,
     * <code>ig&amp;shy;nore</code>). Not those of characters that end a URL or a value in markdown or HTML (quotes,
     * brackets, {@code <}, {@code >}, the backtick, tab, line feed): decoded, they would cut a URL short for the
     * detectors while the client's renderer reads on.
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
            java.util.Map.entry("lsqb", '['),
            java.util.Map.entry("lbrack", '['),
            java.util.Map.entry("rsqb", ']'),
            java.util.Map.entry("rbrack", ']'),
            java.util.Map.entry("lcub", '{'),
            java.util.Map.entry("lbrace", '{'),
            java.util.Map.entry("rcub", '}'),
            java.util.Map.entry("rbrace", '}'),
            java.util.Map.entry("excl", '!'),
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
            java.util.Map.entry("Hat", '^'),
            java.util.Map.entry("nbsp", '\u00A0'),
            java.util.Map.entry("NonBreakingSpace", '\u00A0'),
            java.util.Map.entry("ensp", '\u2002'),
            java.util.Map.entry("emsp", '\u2003'),
            java.util.Map.entry("emsp13", '\u2004'),
            java.util.Map.entry("emsp14", '\u2005'),
            java.util.Map.entry("numsp", '\u2007'),
            java.util.Map.entry("puncsp", '\u2008'),
            java.util.Map.entry("thinsp", '\u2009'),
            java.util.Map.entry("ThinSpace", '\u2009'),
            java.util.Map.entry("hairsp", '\u200A'),
            java.util.Map.entry("VeryThinSpace", '\u200A'),
            java.util.Map.entry("MediumSpace", '\u205F'),
            java.util.Map.entry("ZeroWidthSpace", '\u200B'),
            java.util.Map.entry("NegativeVeryThinSpace", '\u200B'),
            java.util.Map.entry("NegativeThinSpace", '\u200B'),
            java.util.Map.entry("NegativeMediumSpace", '\u200B'),
            java.util.Map.entry("NegativeThickSpace", '\u200B'),
            java.util.Map.entry("zwnj", '\u200C'),
            java.util.Map.entry("zwj", '\u200D'),
            java.util.Map.entry("lrm", '\u200E'),
            java.util.Map.entry("rlm", '\u200F'),
            java.util.Map.entry("NoBreak", '\u2060'),
            java.util.Map.entry("shy", '\u00AD'),
            java.util.Map.entry("hyphen", '\u2010'),
            java.util.Map.entry("dash", '\u2010'),
            java.util.Map.entry("ndash", '\u2013'),
            java.util.Map.entry("mdash", '\u2014'),
            java.util.Map.entry("minus", '\u2212'),
            java.util.Map.entry("horbar", '\u2015'),
            java.util.Map.entry("ThickSpace", '\u205F'), // (U+205F U+200A: two spaces, read as one)
            java.util.Map.entry("af", '\u2061'),
            java.util.Map.entry("ApplyFunction", '\u2061'),
            java.util.Map.entry("it", '\u2062'),
            java.util.Map.entry("InvisibleTimes", '\u2062'),
            java.util.Map.entry("ic", '\u2063'),
            java.util.Map.entry("InvisibleComma", '\u2063'));

    /**
     * The named references of {@link #NAMED} that HTML also reads without the ';' (its legacy names), longest first:
     * in text a browser reads <code>4111&amp;nbsp1111</code> as a space between the groups. Not before a parameter's
     * {@code =} (letters and digits, then {@code =}: see {@link #beforeParameterName}).
     */
    private static final String[] LEGACY = {"nbsp", "AMP", "amp", "shy"};

    /**
     * Whether letters and digits, then {@code =}, follow at {@code i} (at most 32 read): {@code ?x=1&ampsig=...} is the
     * parameter {@code ampsig} to the server (an attribute value and a markdown URL keep the reference as written).
     */
    private static boolean beforeParameterName(String s, int i, int to) {
        int k = i;
        while (k < to && k - i < 32 && nameChar(s.charAt(k), false)) {
            k++;
        }
        return k < to && s.charAt(k) == '=';
    }

    /** A legacy reference without ';' at {@code i} (see {@link #LEGACY}), or -1. */
    private static long legacy(String s, int i, int to) {
        for (String name : LEGACY) {
            int end = i + 1 + name.length();
            if (end <= to && s.startsWith(name, i + 1) && !beforeParameterName(s, end, to)) {
                return result(NAMED.get(name), end);
            }
        }
        return -1;
    }

    /** Whether {@code c} can be in a reference's name: ASCII letters, and digits after the first character. */
    static boolean nameChar(char c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }

    /** The longest name in {@link #NAMED}. */
    static final int LONGEST_NAME =
            NAMED.keySet().stream().mapToInt(String::length).max().orElse(0);

    /**
     * An HTML character reference: numeric, <code>&amp;#52;</code> or <code>&amp;#x34;</code> (at most seven significant
     * digits after any leading zeros, the ';' optional as HTML reads it), or one of the named references of ASCII punctuation and white space (<code>&amp;colon;</code>).
     */
    static long htmlReference(String s, int i, int to) {
        if (i + 2 < to && s.charAt(i + 1) != '#') {
            int k = i + 1;
            while (k < to && k - i - 1 <= LONGEST_NAME && nameChar(s.charAt(k), k == i + 1)) {
                k++;
            }
            if (k == i + 1 || k >= to || s.charAt(k) != ';' || k - i - 1 > LONGEST_NAME) {
                return legacy(s, i, to);
            }
            Character c = NAMED.get(s.substring(i + 1, k));
            return c == null ? legacy(s, i, to) : result(c, k + 1);
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
        int digits = 0; // significant digits (leading zeros are read and not counted: "&#00000052;" is '4')
        boolean any = false;
        while (k < to && digits < 8) {
            char c = s.charAt(k);
            int d = hexForm ? hex(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
            if (d < 0) {
                break;
            }
            any = true;
            if (d != 0 || digits > 0) {
                v = v * (hexForm ? 16 : 10) + d;
                digits++;
            }
            k++;
        }
        if (!any
                || digits > 7
                || v > Character.MAX_CODE_POINT
                || v == 0
                || (v >= Character.MIN_SURROGATE && v <= Character.MAX_SURROGATE)) {
            return -1;
        }
        if (v >= 0x80 && v <= 0x9F && WINDOWS_1252[v - 0x80] != 0) {
            v = WINDOWS_1252[v - 0x80]; // as HTML reads them: "&#150;" is an en dash
        }
        // the ';' is optional, as HTML reads a numeric reference ("&#52" followed by a non-digit is '4')
        return result(v, k < to && s.charAt(k) == ';' ? k + 1 : k);
    }

    /** What HTML reads numeric references 128..159 as (the Windows-1252 characters; 0: kept as the control). */
    private static final char[] WINDOWS_1252 = {
        '\u20AC', 0, '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039',
        '\u0152', 0, '\u017D', 0, 0, '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC',
        '\u2122', '\u0161', '\u203A', '\u0153', 0, '\u017E', '\u0178'
    };

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
