package dev.llmgate.core.audit;

import dev.llmgate.core.audit.internal.Ed25519;
import dev.llmgate.core.audit.internal.Hex;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * An Ed25519 key pair that signs an audit log's genesis, checkpoints, key rotations and (optionally)
 * every record. Immutable and thread-safe. Its {@link #toString()} never shows the private part.
 *
 * <p>Keep the 32-byte seed ({@link #seed()}) secret and give auditors the public key
 * ({@link #publicKeyHex()}): that is all they need, with the verifier, to check a log.
 */
public final class AuditSigningKey {
    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;
    private final String keyId;

    private AuditSigningKey(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey().getEncoded();
        this.keyId = Ed25519.keyId(publicKey);
    }

    /** A new random key. */
    public static AuditSigningKey generate() {
        return new AuditSigningKey(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /** The key with the given 32-byte RFC 8032 seed (the private key). */
    public static AuditSigningKey fromSeed(byte[] seed) {
        Objects.requireNonNull(seed, "seed");
        if (seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, was " + seed.length);
        }
        return new AuditSigningKey(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** The key whose seed is the given 64 hex digits (as {@code keygen} of the verifier CLI writes it). */
    public static AuditSigningKey fromSeedHex(String seedHex) {
        Objects.requireNonNull(seedHex, "seedHex");
        return fromSeed(Hex.decode(seedHex.trim()));
    }

    /** A copy of the 32-byte seed: the secret. */
    public byte[] seed() {
        return privateKey.getEncoded();
    }

    /** The raw 32-byte public key, as 64 lowercase hex digits. */
    public String publicKeyHex() {
        return Hex.encode(publicKey);
    }

    /** The key id: the first 16 hex digits of SHA-256 of the raw public key. */
    public String keyId() {
        return keyId;
    }

    /** Signs {@code message}. Internal use by the audit writer. */
    byte[] sign(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    Ed25519PrivateKeyParameters parameters() {
        return privateKey;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditSigningKey && Arrays.equals(publicKey, ((AuditSigningKey) o).publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "AuditSigningKey[id=" + keyId + "]";
    }
}
