package dev.llmgate.policy.detect.internal;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Text normalised for phrase matching, with a map back to the original offsets: zero-width and
 * soft-hyphen characters removed, compatibility forms folded (NFKD: full-width letters, ligatures),
 * diacritics dropped, Latin look-alikes in mixed-script words mapped to Latin (homoglyphs), runs of
 * whitespace collapsed (a run of spaces, tabs and line breaks is one space, or one line break if it
 * holds one), everything lower-cased. Counts what it removed so that a detector can
 * tell obfuscated text from plain text.
 */
public final class NormalizedText {
    private final String text;
    /** Original offset per normalised offset; null when the two are the same (plain ASCII text). */
    private final int[] origin;

    private final int zeroWidth;
    private final int homoglyphs;
    /** The text's characters as bytes when they are all ASCII (the plain-ASCII shortcut), else null. */
    private final byte[] ascii;

    private NormalizedText(String text, int[] origin, int zeroWidth, int homoglyphs, byte[] ascii) {
        this.text = text;
        this.origin = origin;
        this.zeroWidth = zeroWidth;
        this.homoglyphs = homoglyphs;
        this.ascii = ascii;
    }

    public String text() {
        return text;
    }

    /**
     * The normalised text's characters as bytes (one per character) if it came from plain ASCII
     * text, for loops that scan it faster than through {@link String#charAt}; else null. Shared, not
     * copied: callers must not modify it.
     */
    public byte[] asciiOrNull() {
        return ascii;
    }

    /** Zero-width characters removed. */
    public int zeroWidthCount() {
        return zeroWidth;
    }

    /** Look-alike characters mapped in words that mixed scripts. */
    public int homoglyphCount() {
        return homoglyphs;
    }

    /** The original offset of normalised offset {@code i} (an end offset maps to one past the original character). */
    public int originalStart(int i) {
        if (origin == null) {
            return i;
        }
        return i < origin.length ? origin[i] : (origin.length == 0 ? 0 : origin[origin.length - 1] + 1);
    }

    public int originalEnd(int iEnd) {
        if (origin == null) {
            return iEnd;
        }
        return iEnd == 0 ? 0 : origin[iEnd - 1] + 1;
    }

    /**
     * Whitespace, as a tokenizer reads it: ASCII space, tab, line break, carriage return, vertical tab,
     * form feed and the information separators U+001C..U+001F, and every Unicode space or whitespace
     * character (no-break, em, ideographic space, ...). A run of them is one space, or one line break.
     */
    private static boolean space(char c) {
        if (c < 0x80) {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F);
        }
        return Character.isSpaceChar(c) || Character.isWhitespace(c);
    }

    private static boolean zeroWidth(char c) {
        return (c >= '\u200B' && c <= '\u200F')
                || (c >= '\u2060' && c <= '\u2064')
                || c == '\uFEFF'
                || c == '\u00AD'
                || c == '\u180E';
    }

    /** Latin look-alike of a Cyrillic or Greek letter, or 0. */
    private static char homoglyph(char c) {
        switch (c) {
            case 'а':
            case 'α':
                return 'a';
            case 'е':
            case 'ε':
                return 'e';
            case 'о':
            case 'ο':
                return 'o';
            case 'р':
            case 'ρ':
                return 'p';
            case 'с':
                return 'c';
            case 'у':
                return 'y';
            case 'х':
            case 'χ':
                return 'x';
            case 'і':
            case 'ι':
                return 'i';
            case 'ѕ':
                return 's';
            case 'ј':
                return 'j';
            case 'һ':
                return 'h';
            case 'ԁ':
                return 'd';
            case 'ν':
                return 'v';
            case 'κ':
            case 'к':
                return 'k';
            case 'τ':
            case 'т':
                return 't';
            case 'м':
                return 'm';
            case 'н':
                return 'h';
            case 'в':
                return 'b';
            case 'ӏ': // palochka: the small one reads as l, the capital as I
                return 'l';
            case 'Ӏ':
                return 'i';
            case 'ԛ':
            case 'Ԛ':
                return 'q';
            case 'ԝ':
            case 'Ԝ':
                return 'w';
            case 'ϲ': // lunate sigma
            case 'Ϲ':
                return 'c';
            case 'ϳ':
            case 'Ј':
                return 'j';
            case 'Ѕ':
                return 's';
            case 'Υ':
            case 'Ү':
            case 'ү':
                return 'y';
            case 'Ν':
                return 'n';
            case 'Ζ':
                return 'z';
            case 'А':
            case 'Α':
                return 'a';
            case 'Е':
            case 'Ε':
                return 'e';
            case 'О':
            case 'Ο':
                return 'o';
            case 'Р':
            case 'Ρ':
                return 'p';
            case 'С':
                return 'c';
            case 'Т':
            case 'Τ':
                return 't';
            case 'Х':
            case 'Χ':
                return 'x';
            case 'І':
            case 'Ι':
                return 'i';
            case 'К':
            case 'Κ':
                return 'k';
            case 'М':
            case 'Μ':
                return 'm';
            case 'Н':
            case 'Η':
                return 'h';
            case 'В':
            case 'Β':
                return 'b';
            default:
                return 0;
        }
    }

    private static boolean isLatin(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Normalises {@code s}; one pass, allocation proportional to its length. */
    public static NormalizedText of(CharSequence s) {
        String original = s.toString();
        // the characters lower-cased, as bytes, if they are ASCII only; a character outside Latin-1 comes back as '?'
        // (String.getBytes), told from a real question mark by sameQuestionMarks; a surrogate pair becomes one '?'
        byte[] plain = original.getBytes(StandardCharsets.ISO_8859_1);
        int flags = plain.length == original.length() ? AsciiLanes.lowerCase(plain) : AsciiLanes.NOT_ASCII;
        if ((flags & AsciiLanes.NOT_ASCII) == 0) {
            String lower = new String(plain, StandardCharsets.ISO_8859_1);
            if (sameQuestionMarks(original, lower)) {
                // nothing to remove or fold: the normal form is the lower-cased text, offsets unchanged unless
                // whitespace collapses (a control character other than a line break sends the text to collapsedAscii,
                // as
                // rewritesWhitespace says)
                return (flags & AsciiLanes.CONTROL) != 0 || rewritesSpaces(original)
                        ? collapsedAscii(plain)
                        : new NormalizedText(lower, null, 0, 0, plain);
            }
        }
        String typographic = asciiWithTypographicLowerCase(original);
        if (typographic != null) {
            return new NormalizedText(typographic, null, 0, 0, null);
        }
        int n = s.length();
        StringBuilder out = new StringBuilder(n);
        int[] origin = new int[n + 16];
        int zw = 0;
        int hg = 0;
        boolean lastSpace = false;
        int i = 0;
        while (i < n) {
            // find the word (run of letters, zero-width chars included) starting at i, to decide on homoglyph mapping
            char c = s.charAt(i);
            if (c < 0x80 ? isLatin(c) : Character.isLetter(c)) {
                int j = i;
                boolean latin = false;
                boolean lookalike = false;
                while (j < n) {
                    char w = s.charAt(j);
                    if (w < 0x80) {
                        // (an ASCII letter is a Latin one, and no ASCII character is zero-width)
                        if (!isLatin(w)) {
                            break;
                        }
                        latin = true;
                    } else {
                        if (!Character.isLetter(w) && !zeroWidth(w)) {
                            break;
                        }
                        if (homoglyph(w) != 0) {
                            lookalike = true;
                        }
                    }
                    j++;
                }
                boolean mixed = latin && lookalike;
                for (int k = i; k < j; k++) {
                    char w = s.charAt(k);
                    if (w < 0x80) {
                        origin = append(out, origin, (char) (w | 0x20), k); // an ASCII letter, lower-cased
                        continue;
                    }
                    if (zeroWidth(w)) {
                        zw++;
                        continue;
                    }
                    char mapped = mixed ? homoglyph(w) : 0;
                    if (mapped != 0) {
                        hg++;
                        origin = append(out, origin, mapped, k);
                    } else {
                        appendFolded(out, w, k, origin);
                        origin = grow(origin, out.length());
                    }
                }
                lastSpace = false;
                i = j;
                continue;
            }
            if (zeroWidth(c)) {
                zw++;
            } else if (space(c)) {
                if (!lastSpace) {
                    origin = append(out, origin, c == '\n' ? '\n' : ' ', i);
                    lastSpace = true;
                } else if (c == '\n') {
                    out.setCharAt(
                            out.length() - 1, '\n'); // a run of whitespace with a line break in it is one line break
                }
            } else {
                int before = out.length();
                appendFolded(out, c, i, origin);
                origin = grow(origin, out.length());
                if (out.length() > before) {
                    lastSpace = false; // (a combining mark folds to nothing: the run of whitespace goes on)
                }
            }
            i++;
        }
        int[] exact = java.util.Arrays.copyOf(origin, out.length());
        return new NormalizedText(out.toString(), exact, zw, hg, null);
    }

    /**
     * Whether the general path would rewrite some whitespace of {@code s}: a control character that is
     * whitespace (tab, carriage return, ...; every control character but a line break sends the text
     * there), or a run of spaces and line breaks.
     */
    private static boolean rewritesWhitespace(String s) {
        // (tab, carriage return, vertical tab, form feed, separators: whitespace to rewrite)
        return rewritesSpaces(s) || hasControlOtherThanLineBreak(s);
    }

    /** Whether {@code s} has a run of spaces and line breaks (the JDK's vectorised searches). */
    private static boolean rewritesSpaces(String s) {
        if (s.indexOf("  ") >= 0) {
            return true;
        }
        // a line break collapses only next to a space or another line break
        return s.indexOf('\n') >= 0 && (s.indexOf(" \n") >= 0 || s.indexOf("\n ") >= 0 || s.indexOf("\n\n") >= 0);
    }

    /** Whether {@code s} has a character below U+0020 other than a line break. */
    private static boolean hasControlOtherThanLineBreak(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * The normal form of ASCII text whose only rewriting is whitespace ({@code lower}: its bytes,
     * lower-cased): each run of spaces, tabs, carriage returns and line breaks becomes one character,
     * a line break if the run has one, else a space; one pass over the bytes.
     */
    private static NormalizedText collapsedAscii(byte[] lower) {
        int n = lower.length;
        byte[] out = new byte[n];
        int[] origin = new int[n];
        int k = 0;
        boolean lastSpace = false;
        for (int i = 0; i < n; i++) {
            byte c = lower[i];
            if (space((char) c)) {
                if (!lastSpace) {
                    origin[k] = i;
                    out[k++] = c == '\n' ? (byte) '\n' : (byte) ' ';
                    lastSpace = true;
                } else if (c == '\n') {
                    out[k - 1] = '\n';
                }
                continue;
            }
            lastSpace = false;
            origin[k] = i;
            out[k++] = c;
        }
        byte[] bytes = java.util.Arrays.copyOf(out, k);
        return new NormalizedText(
                new String(bytes, StandardCharsets.ISO_8859_1), java.util.Arrays.copyOf(origin, k), 0, 0, bytes);
    }

    /**
     * Whether {@code lower}, made from {@code s} by {@link String#getBytes} and {@link AsciiLanes#lowerCase}, has a {@code '?'}
     * only where {@code s} has one ({@link String#getBytes} writes one for a character outside
     * Latin-1); the JDK's vectorised search, one call per question mark.
     */
    private static boolean sameQuestionMarks(String s, String lower) {
        int a = s.indexOf('?');
        int b = lower.indexOf('?');
        while (a == b && a >= 0) {
            a = s.indexOf('?', a + 1);
            b = lower.indexOf('?', b + 1);
        }
        return a == b;
    }

    /**
     * Like the plain ASCII path of {@link #of}, for text that also has typographic quotes and dashes
     * (U+2018, U+2019, U+201C, U+201D, U+2013, U+2014), common in English: they are no letters,
     * spaces or zero-width characters and their compatibility decomposition is themselves, so the
     * general path keeps them as they are, one for one; else null.
     */
    private static String asciiWithTypographicLowerCase(String s) {
        if (rewritesWhitespace(s)) {
            return null;
        }
        int n = s.length();
        char[] lower = new char[n];
        s.getChars(0, n, lower, 0);
        for (int i = 0; i < n; i++) {
            char c = lower[i];
            if (c < 0x80) {
                lower[i] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
            } else if (!(c == '\u2018'
                    || c == '\u2019'
                    || c == '\u201C'
                    || c == '\u201D'
                    || c == '\u2013'
                    || c == '\u2014')) {
                return null;
            }
        }
        return new String(lower);
    }

    private static int[] grow(int[] origin, int needed) {
        return needed + 8 >= origin.length
                ? java.util.Arrays.copyOf(origin, Math.max(origin.length * 2, needed + 16))
                : origin;
    }

    private static int[] append(StringBuilder out, int[] origin, char c, int from) {
        origin = grow(origin, out.length() + 1);
        origin[out.length()] = from;
        out.append(c);
        return origin;
    }

    /** Appends {@code c} lower-cased, with compatibility forms folded and diacritics dropped (may append 0..n chars). */
    private static void appendFolded(StringBuilder out, char c, int from, int[] originIn) {
        int[] origin = originIn;
        if (c < 0x80) {
            if (out.length() < origin.length) {
                origin[out.length()] = from;
            }
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
            return;
        }
        if (c == 'ß') {
            put(out, origin, 's', from);
            put(out, origin, 's', from);
            return;
        }
        char single = SINGLE_FOLD[c];
        if (single == NONE) {
            return;
        }
        if (single != UNKNOWN && single != SEVERAL) {
            put(out, origin, single, from);
            return;
        }
        String folded = fold(c);
        if (single == UNKNOWN) {
            // remember the common outcomes (one character, or none); a benign race: every thread writes the same value
            char one = folded.length() == 1 ? folded.charAt(0) : SEVERAL;
            SINGLE_FOLD[c] = folded.isEmpty() ? NONE : one == UNKNOWN || one == NONE ? SEVERAL : one;
        }
        for (int k = 0; k < folded.length(); k++) {
            put(out, origin, folded.charAt(k), from);
        }
    }

    /** {@code c} decomposed (NFKD), without non-spacing marks, lower-cased. */
    private static String fold(char c) {
        String d = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKD);
        StringBuilder sb = new StringBuilder(d.length());
        for (int k = 0; k < d.length(); k++) {
            char x = d.charAt(k);
            if (Character.getType(x) == Character.NON_SPACING_MARK) {
                continue;
            }
            sb.append(Character.toLowerCase(x));
        }
        return sb.toString();
    }

    /**
     * Per BMP character, what {@link #fold} gives when it is one character: that character; or {@link #NONE},
     * {@link #SEVERAL}, or {@link #UNKNOWN} until first folded. Filled as characters are seen (NFKD of one
     * character is a few allocations; text in one script repeats a few dozen characters).
     */
    private static final char[] SINGLE_FOLD = new char[65536];

    private static final char UNKNOWN = 0;
    private static final char NONE = 0xFFFF;
    private static final char SEVERAL = 0xFFFE;

    private static void put(StringBuilder out, int[] origin, char c, int from) {
        if (out.length() < origin.length) {
            origin[out.length()] = from;
        }
        out.append(c);
    }
}
