package dev.llmgate.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the bytes that JSON strings treat specially eight at a time (SWAR over little-endian longs),
 * so that the plain runs of a string are copied or skipped in bulk (audit records and logs, cache
 * keys). Not public API.
 */
public final class ByteScan {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long QUESTION_MARKS = ONES * '?';
    private static final long SPACES = ONES * 0x20;

    private ByteScan() {}

    /**
     * The index of the first byte in {@code b[from, to)} that is a control character (below 0x20),
     * {@code '"'}, {@code '\\'} or not ASCII (0x80 and above); {@code to} if there is none.
     */
    public static int firstSpecial(byte[] b, int from, int to) {
        int i = from;
        while (i + 8 <= to) {
            long x = (long) LONGS.get(b, i);
            long q = x ^ QUOTES;
            long s = x ^ BACKSLASHES;
            // Per byte, the high bit is set for a byte below 0x20, a quote, a backslash or a byte of 0x80
            // and above. Exact for the lowest such byte (no borrow reaches it from below), which is
            // the first in little-endian order; bytes above it may be flagged wrongly, which does not matter.
            long mask = (((x - SPACES) & ~x) | ((q - ONES) & ~q) | ((s - ONES) & ~s) | x) & HIGHS;
            if (mask != 0) {
                return i + (Long.numberOfTrailingZeros(mask) >>> 3);
            }
            i += 8;
        }
        while (i < to) {
            int c = b[i];
            if (c < 0x20 || c == '"' || c == '\\') { // bytes of 0x80 and above are negative
                return i;
            }
            i++;
        }
        return to;
    }

    /**
     * For bytes that are all ASCII: the index of the first byte in {@code b[from, to)} that is a
     * control character, {@code '"'}, {@code '\\'} or {@code '?'} (what {@link String#getBytes}
     * writes for a lone surrogate); {@code to} if there is none.
     */
    public static int firstSpecialOrQuestionMark(byte[] b, int from, int to) {
        int i = from;
        while (i + 8 <= to) {
            long x = (long) LONGS.get(b, i);
            long q = x ^ QUOTES;
            long s = x ^ BACKSLASHES;
            long m = x ^ QUESTION_MARKS;
            // one test per eight bytes (as in firstSpecial; the bytes are ASCII here, so no high bit is set by x
            // itself)
            long mask = (((x - SPACES) & ~x) | ((q - ONES) & ~q) | ((s - ONES) & ~s) | ((m - ONES) & ~m) | x) & HIGHS;
            if (mask != 0) {
                break;
            }
            i += 8;
        }
        while (i < to) {
            int c = b[i];
            if (c < 0x20 || c == '"' || c == '\\' || c == '?') {
                return i;
            }
            i++;
        }
        return to;
    }

    /** The index of the first {@code '\n'} in {@code b[from, to)}, or {@code to} if there is none. */
    public static int indexOfNewline(byte[] b, int from, int to) {
        return indexOf(b, from, to, (byte) '\n');
    }

    /** The index of the first byte equal to {@code value} in {@code b[from, to)}, or {@code to} if there is none. */
    public static int indexOf(byte[] b, int from, int to, byte value) {
        long broadcast = ONES * (value & 0xFF);
        int i = from;
        while (i + 8 <= to && !zeroByte((long) LONGS.get(b, i) ^ broadcast)) {
            i += 8;
        }
        while (i < to && b[i] != value) {
            i++;
        }
        return i;
    }

    private static boolean zeroByte(long x) {
        return ((x - ONES) & ~x & HIGHS) != 0;
    }
}
