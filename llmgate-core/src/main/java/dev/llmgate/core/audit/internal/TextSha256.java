package dev.llmgate.core.audit.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a text's UTF-8 encoding, fed in pieces (the deltas of a stream) or at once, with the
 * same result either way: an unpaired surrogate is encoded as U+FFFD, and a surrogate pair split
 * between two pieces is joined. This is the {@code text_sha256} of a response digest
 * (docs/audit-format.md, section 7): it lets the audit digest a streamed answer without keeping
 * its text. Not thread-safe. Not public API.
 */
public final class TextSha256 {
    private final MessageDigest digest;
    private final byte[] buffer = new byte[512];
    private int used;
    /** A high surrogate at the end of the last piece, waiting for its partner; 0 if none. */
    private char pendingHigh;

    public TextSha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Reused by {@link #of} (creating a MessageDigest costs a provider lookup). */
    private static final ThreadLocal<TextSha256> REUSED = ThreadLocal.withInitial(TextSha256::new);

    /** The digest of a whole text. */
    public static byte[] of(CharSequence text) {
        TextSha256 t = REUSED.get();
        t.update(text);
        return t.finish();
    }

    /** Adds the next piece of the text. */
    public void update(CharSequence piece) {
        for (int i = 0, n = piece.length(); i < n; i++) {
            char c = piece.charAt(i);
            if (pendingHigh != 0) {
                char high = pendingHigh;
                pendingHigh = 0;
                if (Character.isLowSurrogate(c)) {
                    codePoint(Character.toCodePoint(high, c));
                    continue;
                }
                codePoint(0xFFFD);
            }
            if (c < 0x80) {
                if (used == buffer.length) {
                    flush();
                }
                buffer[used++] = (byte) c;
            } else if (Character.isHighSurrogate(c)) {
                pendingHigh = c;
            } else if (Character.isLowSurrogate(c)) {
                codePoint(0xFFFD);
            } else {
                codePoint(c);
            }
        }
    }

    /** The SHA-256 of everything added; the object then starts over with an empty text. */
    public byte[] finish() {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            codePoint(0xFFFD);
        }
        flush();
        return digest.digest(); // (also resets the digest)
    }

    private void codePoint(int cp) {
        if (used > buffer.length - 4) {
            flush();
        }
        if (cp < 0x80) {
            buffer[used++] = (byte) cp;
        } else if (cp < 0x800) {
            buffer[used++] = (byte) (0xC0 | cp >> 6);
            buffer[used++] = (byte) (0x80 | cp & 0x3F);
        } else if (cp < 0x10000) {
            buffer[used++] = (byte) (0xE0 | cp >> 12);
            buffer[used++] = (byte) (0x80 | cp >> 6 & 0x3F);
            buffer[used++] = (byte) (0x80 | cp & 0x3F);
        } else {
            buffer[used++] = (byte) (0xF0 | cp >> 18);
            buffer[used++] = (byte) (0x80 | cp >> 12 & 0x3F);
            buffer[used++] = (byte) (0x80 | cp >> 6 & 0x3F);
            buffer[used++] = (byte) (0x80 | cp & 0x3F);
        }
    }

    private void flush() {
        digest.update(buffer, 0, used);
        used = 0;
    }
}
