package dev.llmgate.core.audit.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 with a per-thread digest (no allocation of a MessageDigest per call). Not public API. */
public final class Sha256 {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    });

    private Sha256() {}

    public static byte[] hash(byte[] data) {
        MessageDigest d = DIGEST.get();
        d.reset();
        return d.digest(data);
    }

    /** SHA-256 of {@code data[offset, offset + length)}. */
    public static byte[] hash(byte[] data, int offset, int length) {
        MessageDigest d = DIGEST.get();
        d.reset();
        d.update(data, offset, length);
        return d.digest();
    }

    /** SHA-256 of {@code data[0, cut)} followed by {@code data[resume, data.length)}: the bytes with one range left out. */
    public static byte[] hashWithout(byte[] data, int cut, int resume) {
        MessageDigest d = DIGEST.get();
        d.reset();
        d.update(data, 0, cut);
        d.update(data, resume, data.length - resume);
        return d.digest();
    }

    /** SHA-256 of {@code prefix} followed by the given parts. */
    public static byte[] hash(byte prefix, byte[] a, byte[] b) {
        MessageDigest d = DIGEST.get();
        d.reset();
        d.update(prefix);
        d.update(a);
        if (b != null) {
            d.update(b);
        }
        return d.digest();
    }
}
