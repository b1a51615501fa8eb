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

    private Sha256() {
    }

    public static byte[] hash(byte[] data) {
        MessageDigest d = DIGEST.get();
        d.reset();
        return d.digest(data);
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
