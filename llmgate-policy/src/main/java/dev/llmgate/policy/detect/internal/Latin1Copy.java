package dev.llmgate.policy.detect.internal;

import java.nio.charset.StandardCharsets;

/**
 * A text as one byte per {@code char}: the character itself when it is Latin-1, {@code '?'} for any
 * other, so that byte {@code i} always stands for {@code text.charAt(i)}. The scanners read these
 * bytes instead of calling {@code charAt}.
 */
public final class Latin1Copy {
    private Latin1Copy() {}

    /** {@code text} as one byte per {@code char} (see the class comment); the array's length is {@code text.length()}. */
    public static byte[] of(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1); // an intrinsic copy for the usual text
        if (b.length == text.length()) {
            return b;
        }
        // getBytes writes one '?' for a surrogate pair (a character outside the BMP): two chars, one byte
        b = new byte[text.length()];
        for (int i = 0; i < b.length; i++) {
            char c = text.charAt(i);
            b[i] = c <= 0xFF ? (byte) c : (byte) '?';
        }
        return b;
    }
}
