package dev.llmgate.policy.internal;

import java.text.Normalizer;

/**
 * How one code point reads to the detectors: the confusable forms that change nothing a person
 * reads folded to the ASCII the detectors match, everything else kept. The rules, derived from
 * Unicode character properties (no per-value lists):
 * <ul>
 *   <li>dropped: format characters ({@code Cf}: zero-width space and joiners U+200B..U+200D, word
 *       joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, bidi controls U+202A..U+202E and
 *       U+2066..U+2069, tags), combining marks ({@code Mn}, {@code Me}: variation selectors,
 *       combining grapheme joiner, accents written as separate marks) and the Hangul fillers;</li>
 *   <li>decimal digits of every script ({@code Nd}: Arabic-Indic, Devanagari, full-width,
 *       mathematical bold ...) become ASCII digits;</li>
 *   <li>space separators ({@code Zs}: no-break space, thin and narrow spaces, ideographic space)
 *       and U+2800 become a space; line and paragraph separators and NEL a line feed;</li>
 *   <li>dash punctuation ({@code Pd}: hyphen, en and em dash, full-width hyphen) and the minus
 *       sign become {@code -}; single and double typographic quotes become {@code '} and {@code "};
 *       the ideographic and half-width full stops become {@code .};</li>
 *   <li>any other character whose compatibility decomposition (NFKC) is plain printable ASCII
 *       becomes that ASCII (full-width letters and symbols such as {@code ＠}, small forms such as
 *       {@code ﹫}, mathematical alphanumerics, circled and super/subscript digits, ligatures).</li>
 * </ul>
 * Letters with diacritics, other scripts and everything else stay as they are. Immutable tables,
 * built once when the class loads; thread-safe.
 */
final class UnicodeFold {
    private UnicodeFold() {}

    /** {@link #of} for a character that is dropped. */
    public static final String DROP = "";

    /** Per BMP character: null = kept as it is, "" = dropped, else its ASCII replacement. */
    private static final String[] BMP = new String[0x10000];

    static {
        String space = " ";
        String dash = "-";
        for (int c = 0x80; c < 0x10000; c++) {
            if (Character.isSurrogate((char) c)) {
                continue;
            }
            BMP[c] = compute(c, space, dash);
        }
    }

    private static String compute(int c, String space, String dash) {
        int type = Character.getType(c);
        switch (type) {
            case Character.FORMAT:
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
                return DROP;
            case Character.DECIMAL_DIGIT_NUMBER:
                int d = Character.digit(c, 10);
                return d >= 0 ? String.valueOf((char) ('0' + d)) : null;
            case Character.SPACE_SEPARATOR:
                return space;
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return "\n";
            case Character.DASH_PUNCTUATION:
                return dash;
            default:
                break;
        }
        switch (c) {
            case 0x0085:
                return "\n";
            case 0x115F:
            case 0x1160:
            case 0x3164:
            case 0xFFA0: // Hangul fillers: letters that show nothing
                return DROP;
            case 0x2800: // braille blank
                return space;
            case 0x2212:
            case 0x2796:
            case 0xFE63:
            case 0xFF0D: // minus signs
                return dash;
            case 0x2018:
            case 0x2019:
            case 0x201A:
            case 0x201B:
            case 0x2032:
            case 0x2035:
                return "'";
            case 0x201C:
            case 0x201D:
            case 0x201E:
            case 0x201F:
            case 0x2033:
            case 0x2036:
                return "\"";
            case 0x3002:
            case 0xFF61: // ideographic and half-width full stops (UTS 46 maps them to '.')
                return ".";
            default:
                break;
        }
        String k = Normalizer.normalize(new String(Character.toChars(c)), Normalizer.Form.NFKC);
        return printableAscii(k) ? k : null;
    }

    private static boolean printableAscii(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char x = s.charAt(i);
            if (x < 0x20 || x > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /**
     * How code point {@code cp} reads: {@code null} if it is kept as it is, {@link #DROP} if it is
     * dropped, else its ASCII replacement (one or a few characters). ASCII is always kept.
     */
    public static String of(int cp) {
        if (cp < 0x80) {
            return null;
        }
        if (cp < 0x10000) {
            return BMP[cp];
        }
        int type = Character.getType(cp);
        if (type == Character.FORMAT || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
            return DROP; // tags (U+E0000..), variation selectors supplement, musical format characters
        }
        if (type == Character.DECIMAL_DIGIT_NUMBER) {
            int d = Character.digit(cp, 10);
            return d >= 0 ? String.valueOf((char) ('0' + d)) : null;
        }
        if (type == Character.DASH_PUNCTUATION) {
            return "-"; // (U+10EAD, Yezidi hyphenation mark: the BMP's dashes read the same)
        }
        if ((cp >= 0x1D400 && cp <= 0x1D7FF) || (cp >= 0x1F100 && cp <= 0x1F1FF)) {
            // mathematical alphanumerics, enclosed alphanumerics
            String k = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC);
            return printableAscii(k) ? k : null;
        }
        return null;
    }
}
