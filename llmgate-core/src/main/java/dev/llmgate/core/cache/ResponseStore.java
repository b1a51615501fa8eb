package dev.llmgate.core.cache;

import dev.llmgate.api.ChatResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the response cache keeps its answers: the built-in store is an in-memory Caffeine cache
 * (configure it on {@link ResponseCache.Builder}); implement this interface to share answers across a
 * fleet through an existing store (Redis, Memcached, a database).
 *
 * <p>Contract an implementation must keep:
 * <ul>
 *   <li><b>Exact keys.</b> {@link #get} returns only what {@link #put} stored under an equal
 *       {@link CacheKey} (namespace, model and digest all equal). Never match on a prefix or a
 *       truncated digest: the digest is the whole key.</li>
 *   <li><b>TTL.</b> An entry is never returned after its {@code ttl} has passed since its {@code put}
 *       (it may disappear earlier, e.g. under memory pressure). A later {@code put} of the same key
 *       replaces the entry and its TTL.</li>
 *   <li><b>Faithful values.</b> {@link #get} returns a response equal to the one stored (text, tool
 *       calls, finish reason, refusal, usage, provider, model, id), or nothing.</li>
 *   <li><b>Thread-safe and prompt.</b> Methods are called on the caller's thread, concurrently; keep
 *       them fast (a bounded network timeout). A method that throws is treated as a miss (for
 *       {@code get}) or a skipped write (for {@code put}); the call itself never fails because of the
 *       store. Do not log the response text.</li>
 * </ul>
 * Serialization format, compression and encryption at rest are the implementation's choice.
 */
public interface ResponseStore {

    /** The answer stored under {@code key}, if present and not expired. */
    Optional<ChatResponse> get(CacheKey key);

    /** Stores {@code response} under {@code key} for {@code ttl} (positive), replacing any entry of that key. */
    void put(CacheKey key, ChatResponse response, Duration ttl);

    /** Removes the entry of {@code key}, if any. */
    void invalidate(CacheKey key);

    /** Removes every entry this store holds for this cache. */
    void invalidateAll();
}
