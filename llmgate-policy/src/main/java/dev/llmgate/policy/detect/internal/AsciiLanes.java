package dev.llmgate.policy.detect.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte text read eight bytes at a time (SWAR over little-endian longs): the plain-ASCII checks of
 * the policy's view and of {@link NormalizedText} (lower-casing in place), the letter runs
 * {@link StartIndex} jumps over, the word starts {@link PatternStarts} and {@link KeywordTypos} visit,
 * {@link Recognizer#features}, and the cheap necessary conditions the injection detector checks before
 * it walks a text character by character for encoded runs and spaced-out letters. Every answer is
 * exact or errs on the safe side as documented per method; tests compare each with a plain loop. Not
 * public API.
 */
public final class AsciiLanes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
    private static final long SPACES = ONES * ' ';
    private static final long DOTS = ONES * '.';
    private static final long ATS = ONES * '@';
    private static final long LOWER_CASE_BITS = ONES * 0x20;
    private static final long LINE_FEEDS = ONES * '\n';

    /** {@link #lowerCase} found a byte of 0x80 or above. */
    public static final int NOT_ASCII = 1;
    /** {@link #lowerCase} found a control character (below U+0020) other than a line break. */
    public static final int CONTROL = 2;

    /** The high bit of each byte of a lane ({@link #wordBytes}, {@link #classBytes} set only these bits). */
    public static final long HIGH_BITS = HIGHS;
    /** A class of {@link #classBytes}: {@code a-z}. */
    public static final int LOWER_CASE_LETTERS = 1;
    /** A class of {@link #classBytes}: {@code 0-9}. */
    public static final int DIGITS = 2;
    /** A class of {@link #classBytes}: the space. */
    public static final int SPACE = 4;

    private AsciiLanes() {}

    /**
     * Lower-cases the ASCII letters {@code A-Z} of {@code b} in place; false if a byte is 0x80 or
     * above (then the contents of {@code b} are undefined).
     */
    public static boolean lowerCaseAscii(byte[] b) {
        return (lowerCase(b) & NOT_ASCII) == 0;
    }

    /**
     * Like {@link #lowerCaseAscii}, telling in the same pass what else the bytes hold: {@link #NOT_ASCII}
     * (then the contents of {@code b} are undefined, and {@link #CONTROL} may be set or not) and
     * {@link #CONTROL}, exact for ASCII text.
     */
    public static int lowerCase(byte[] b) {
        int n = b.length;
        long seen = 0;
        long control = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONGS.get(b, i);
            seen |= x;
            // high bit of a byte set for 'A'..'Z' (exact while every byte is below 0x80: no carry crosses a byte)
            long upper = (x + ONES * (0x80 - 'A')) & ~(x + ONES * (0x7F - 'Z')) & HIGHS;
            // high bit of a byte set below 0x20 (with its high bit forced, a byte minus 0x20 borrows from no other),
            // unless it is a line break (a zero byte of x ^ '\n', exact: no carry crosses a byte)
            long y = x ^ LINE_FEEDS;
            long lineFeed = ~(((y & LOWS) + LOWS) | y) & HIGHS;
            control |= ~((x | HIGHS) - ONES * 0x20) & HIGHS & ~lineFeed;
            LONGS.set(b, i, x | (upper >>> 2));
        }
        for (; i < n; i++) {
            byte c = b[i];
            seen |= c;
            if (c >= 'A' && c <= 'Z') {
                b[i] = (byte) (c + 32);
            } else if (c >= 0 && c < 0x20 && c != '\n') {
                control = 1;
            }
        }
        return ((seen & HIGHS) != 0 ? NOT_ASCII : 0) | (control != 0 ? CONTROL : 0);
    }

    /**
     * For lower-case ASCII text ({@code b}, no byte above 0x7F): {@code false} only if the text has
     * none of (1) a run of 20 bytes without a space, {@code .} or {@code @}, (2) a run of 24 bytes without a letter
     * {@code g-z}, (3) nine spaces within 25 bytes. A run of 20 base64 characters, 24 hex digits
     * (with spaces and colons between them) and nine one- or two-letter words in a row each need one
     * of them, so prose, which has none, skips those scans; {@code true} may be a false alarm.
     */
    public static boolean mayHoldLongRunsOrShortWords(byte[] b) {
        int n = b.length;
        int spaceFree = 0;
        int highLetterFree = 0;
        int spaces1 = 0;
        int spaces2 = 0;
        int spaces3 = 0;
        for (int i = 0; i < n; i += 8) {
            long x;
            long outside; // the high bits of the bytes past the end (a partial last word): they break every run
            if (i + 8 <= n) {
                x = (long) LONGS.get(b, i);
                outside = 0;
            } else {
                x = 0;
                for (int k = n - 1; k >= i; k--) {
                    x = (x << 8) | (b[k] & 0xFF);
                }
                outside = HIGHS & -(1L << (8 * (n - i)));
            }
            long t = x ^ SPACES;
            long space = ~(((t & LOWS) + LOWS) | t) & HIGHS & ~outside;
            // '.' and '@' end a base64 run too (addresses, domains): counted as breaks of the first kind of run only
            long td = x ^ DOTS;
            long ta = x ^ ATS;
            long dotOrAt = (~(((td & LOWS) + LOWS) | td) | ~(((ta & LOWS) + LOWS) | ta)) & HIGHS & ~outside;
            long highLetter = (x + ONES * (0x80 - 'g')) & ~(x + ONES * (0x7F - 'z')) & HIGHS;
            long spaceBreaks = space | dotOrAt | outside;
            long letterBreaks = highLetter | outside;
            // a run reaching into this word ends at its first break (eight bytes on if there is none: 64 trailing
            // zeros)
            if (spaceFree + (Long.numberOfTrailingZeros(spaceBreaks) >>> 3) >= 20
                    || highLetterFree + (Long.numberOfTrailingZeros(letterBreaks) >>> 3) >= 24) {
                return true;
            }
            // runs inside one word are shorter than eight; a run carried on starts after the word's last break
            spaceFree = spaceBreaks == 0 ? spaceFree + 8 : Long.numberOfLeadingZeros(spaceBreaks) >>> 3;
            highLetterFree = letterBreaks == 0 ? highLetterFree + 8 : Long.numberOfLeadingZeros(letterBreaks) >>> 3;
            // 25 bytes lie within four aligned words
            int spaces0 = Long.bitCount(space);
            if (spaces0 + spaces1 + spaces2 + spaces3 >= 9) {
                return true;
            }
            spaces3 = spaces2;
            spaces2 = spaces1;
            spaces1 = spaces0;
        }
        return spaceFree >= 20 || highLetterFree >= 24;
    }

    /**
     * The end of the run of ASCII letters ({@code A-Z}, {@code a-z}) from {@code j} in {@code b}, bytes of
     * any value: eight bytes at a time, then one by one.
     */
    public static int endOfLetters(byte[] b, int j) {
        int n = b.length;
        while (j + 8 <= n) {
            long x = (long) LONGS.get(b, j);
            long folded = (x | LOWER_CASE_BITS)
                    & LOWS; // (a byte of 0x80 and above is no letter: its high bit is cleared below)
            long letters = (folded + ONES * (0x80 - 'a')) & ~(folded + ONES * (0x7F - 'z')) & ~x & HIGHS;
            if (letters != HIGHS) {
                return j + (Long.numberOfTrailingZeros(~letters & HIGHS) >>> 3);
            }
            j += 8;
        }
        while (j < n && ((b[j] | 0x20) & 0xFF) >= 'a' && ((b[j] | 0x20) & 0xFF) <= 'z') {
            j++;
        }
        return j;
    }

    /** The eight bytes of {@code b} from {@code i} as one lane (byte {@code i} lowest). */
    public static long load(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** For a lane of ASCII bytes (each below 0x80): the high bit of each byte that is a word character {@code [A-Za-z0-9_]}. */
    public static long wordBytes(long x) {
        long folded =
                x | LOWER_CASE_BITS; // (A-Z to a-z; no other byte becomes a letter, and digits and '_' stay apart)
        return inRange(folded, 'a', 'z') | inRange(x, '0', '9') | equal(x, ONES * '_');
    }

    /** For a lane of ASCII bytes (each below 0x80): the high bit of each byte in one of {@code classes} ({@link #LOWER_CASE_LETTERS}, ...). */
    public static long classBytes(long x, int classes) {
        long in = 0;
        if ((classes & LOWER_CASE_LETTERS) != 0) {
            in |= inRange(x, 'a', 'z');
        }
        if ((classes & DIGITS) != 0) {
            in |= inRange(x, '0', '9');
        }
        if ((classes & SPACE) != 0) {
            in |= equal(x, SPACES);
        }
        return in;
    }

    /** The high bit of each byte of {@code x} (each below 0x80) in {@code [lo, hi]}: exact, no carry crosses a byte. */
    private static long inRange(long x, int lo, int hi) {
        return (x + ONES * (0x80 - lo)) & ~(x + ONES * (0x7F - hi)) & HIGHS;
    }

    /** The high bit of each byte of {@code x} equal to the same byte of {@code repeated}: exact. */
    private static long equal(long x, long repeated) {
        long y = x ^ repeated;
        return ~(((y & LOWS) + LOWS) | y) & HIGHS;
    }

    /** For a lane of any bytes: the high bit of each byte that is an ASCII digit. */
    public static long digitBytes(long x) {
        return inRange(x & LOWS, '0', '9') & ~x; // (a byte of 0x80 and above: its high bit cleared, then excluded)
    }

    /** For a lane of any bytes: the high bit of each byte equal to {@code c} (below 0x80). */
    public static long bytesEqual(long x, char c) {
        return equal(x, ONES * c);
    }

    /**
     * Whether every character of {@code s} is ASCII, given {@code latin1} = {@code s.getBytes(ISO_8859_1)}
     * (a copy for a string the JDK stores as Latin-1; otherwise each character outside Latin-1, and each
     * surrogate pair, written as one {@code '?'}): no byte of 0x80 or above, the lengths equal, and every
     * {@code '?'} a real one. Eight bytes at a time; only lanes with a {@code '?'} are looked into.
     */
    public static boolean isAscii(String s, byte[] latin1) {
        int n = latin1.length;
        if (n != s.length()) {
            return false;
        }
        long high = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONGS.get(latin1, i);
            high |= x;
            for (long q = equal(x, ONES * '?'); q != 0; q &= q - 1) {
                if (s.charAt(i + (Long.numberOfTrailingZeros(q) >>> 3)) != '?') {
                    return false;
                }
            }
        }
        for (; i < n; i++) {
            high |= latin1[i];
            if (latin1[i] == '?' && s.charAt(i) != '?') {
                return false;
            }
        }
        return (high & HIGHS) == 0;
    }
}
