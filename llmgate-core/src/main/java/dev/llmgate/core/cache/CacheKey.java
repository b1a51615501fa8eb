package dev.llmgate.core.cache;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The key of one cached answer. Two requests share a key only if their namespaces are equal and
 * their normalized requests (every answer-changing field, including the resolved
 * {@code "provider:model"}) are equal; see {@code docs/caching.md} for what is keyed and what is
 * excluded. Immutable; equal keys have equal fields.
 *
 * @param namespace the isolation boundary (tenant); answers never cross namespaces
 * @param model     the resolved {@code "provider:model"} the request addressed, for stores that want to
 *                  invalidate per model (it is also part of the digest)
 * @param digest    64 lower-case hex characters: SHA-256 over the key version, the namespace and the
 *                  canonical form of the request
 */
public record CacheKey(String namespace, String model, String digest) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public CacheKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(digest, "digest");
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("a cache namespace must not be blank");
        }
        if (!HEX64.matcher(digest).matches()) {
            throw new IllegalArgumentException(
                    "digest must be 64 lower-case hex characters (a SHA-256), was " + digest.length() + " characters");
        }
    }

    /** A printable form that identifies the entry without revealing anything of the prompt. */
    @Override
    public String toString() {
        return "CacheKey[" + namespace + ", " + model + ", " + digest.substring(0, 16) + "…]";
    }
}
