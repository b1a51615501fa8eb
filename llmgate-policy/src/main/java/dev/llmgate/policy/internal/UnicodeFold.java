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
 *       mathematical bold ...) and other numbers of value 0 to 9 ({@code No}: circled, parenthesized,
 *       dingbat, double-circled digits, digits with a full stop or comma) become ASCII digits;</li>
 *   <li>space separators ({@code Zs}: no-break space, thin and narrow spaces, ideographic space)
 *       and U+2800 become a space; line and paragraph separators and NEL a line feed;</li>
 *   <li>dash punctuation ({@code Pd}: hyphen, en and em dash, full-width hyphen), the minus signs
 *       (U+2212, modifier, super- and subscript, commercial, full-width) and the hyphen bullet become
 *       {@code -}, as do the box-drawing horizontals; the fraction and division slashes and the
 *       box-drawing diagonal {@code /}; single and double typographic quotes become {@code '} and
 *       {@code "}; the ideographic and half-width full stops and the Arabic decimal separator become
 *       {@code .}; the middle dot and its look-alikes (Greek ano teleia, bullet, hyphenation point,
 *       bullet and dot operators, katakana middle dot) become {@code -} (a separator in a number that
 *       ends no sentence); the Arabic thousands separator {@code ,};</li>
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

    // getNumericValue only for characters of type OTHER_NUMBER (No): the value Unicode gives them, never base 36
    @SuppressWarnings("CharacterGetNumericValue")
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
            case Character.OTHER_NUMBER:
                // a digit in a circle, a parenthesis, with a full stop or comma, as a dingbat: the digit itself (NFKC
                // would give "(1)" or "1." for some, and nothing for the dingbats, and either breaks the number)
                int v = Character.getNumericValue(c);
                if (v >= 0 && v <= 9) {
                    return String.valueOf((char) ('0' + v));
                }
                break;
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
            case 0xFF0D:
            case 0x02D7: // modifier letter minus sign
            case 0x207B:
            case 0x208B: // super- and subscript minus
            case 0x2052: // commercial minus sign
            case 0x2043: // hyphen bullet
            case 0x2500:
            case 0x2501: // box-drawing horizontals
                return dash;
            case 0x2044: // fraction slash
            case 0x2215: // division slash
            case 0x29F8: // big solidus
            case 0x2571: // box-drawing diagonal
                return "/";
            case 0x066C: // Arabic thousands separator
                return ",";
            case 0x066B: // Arabic decimal separator
                return ".";
            case 0x00B7: // middle dot
            case 0x0387: // Greek ano teleia (canonically the middle dot)
            case 0x2022: // bullet
            case 0x2027: // hyphenation point
            case 0x2219: // bullet operator
            case 0x22C5: // dot operator
            case 0x30FB: // katakana middle dot
            case 0xFF65: // half-width katakana middle dot
                // a separator inside a number (4111·1111) that ends no sentence (Ignore · all previous instructions)
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
    // getNumericValue only for characters of type OTHER_NUMBER (No): the value Unicode gives them, never base 36
    @SuppressWarnings("CharacterGetNumericValue")
    public static String of(int cp) {
        if (cp < 0x80) {
            return null;
        }
        if (cp < 0x10000) {
            return BMP[cp];
        }
        int type = Character.getType(cp);
        if (type == Character.FORMAT || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK) {
            return DROP; // tags (U+E0000..; a run of them is reported, see ScanView#hiddenTagText), variation selectors
            // supplement, musical format characters
        }
        if (type == Character.OTHER_NUMBER) {
            int v = Character.getNumericValue(cp);
            if (v >= 0 && v <= 9) {
                return String.valueOf((char) ('0' + v)); // digit comma 🄂, digit full stop, dingbat digits
            }
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
