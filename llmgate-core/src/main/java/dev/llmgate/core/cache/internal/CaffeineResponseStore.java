package dev.llmgate.core.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ToolCall;
import dev.llmgate.core.cache.CacheKey;
import dev.llmgate.core.cache.ResponseStore;
import java.time.Duration;
import java.util.Optional;

/**
 * The built-in {@link ResponseStore}: a Caffeine cache bounded by entries or by estimated weight in
 * bytes, with a TTL per entry (Caffeine {@link Expiry}) measured by an injectable {@link Ticker}.
 * Maintenance runs on the calling thread, so eviction is deterministic.
 */
public final class CaffeineResponseStore implements ResponseStore {
    private final Cache<CacheKey, Entry> cache;

    private record Entry(ChatResponse response, long ttlNanos) {}

    /**
     * A store whose TTLs are measured by {@code clock} (null: the system's ticker).
     *
     * @param maximumEntries     the most entries, or -1 to bound by weight
     * @param maximumWeightBytes the most estimated bytes, or -1 to bound by entries
     */
    public CaffeineResponseStore(long maximumEntries, long maximumWeightBytes, java.time.Clock clock) {
        Ticker ticker = clock == null
                ? Ticker.systemTicker()
                : () -> {
                    java.time.Instant now = clock.instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                };
        Caffeine<CacheKey, Entry> b = Caffeine.newBuilder()
                .ticker(ticker)
                .executor(Runnable::run)
                .expireAfter(new Expiry<CacheKey, Entry>() {
                    @Override
                    public long expireAfterCreate(CacheKey key, Entry value, long currentTime) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(CacheKey key, Entry value, long currentTime, long currentDuration) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(CacheKey key, Entry value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                });
        if (maximumWeightBytes >= 0) {
            this.cache = b.maximumWeight(maximumWeightBytes)
                    .weigher((CacheKey k, Entry e) -> weigh(k, e.response()))
                    .build();
        } else {
            this.cache = b.maximumSize(maximumEntries).build();
        }
    }

    @Override
    public Optional<ChatResponse> get(CacheKey key) {
        Entry e = cache.getIfPresent(key);
        return e == null ? Optional.empty() : Optional.of(e.response());
    }

    @Override
    public void put(CacheKey key, ChatResponse response, Duration ttl) {
        cache.put(key, new Entry(response, saturatedNanos(ttl)));
    }

    @Override
    public void invalidate(CacheKey key) {
        cache.invalidate(key);
    }

    @Override
    public void invalidateAll() {
        cache.invalidateAll();
    }

    /** Entries held right now (after pending maintenance), for tests and diagnostics. */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /**
     * An estimate of the bytes an entry keeps alive: object headers plus two bytes per character of
     * the key and of the response's strings (text, tool calls, ids). Deliberately simple and
     * slightly pessimistic.
     */
    public static int weigh(CacheKey key, ChatResponse r) {
        long chars = (long) key.namespace().length()
                + key.model().length()
                + key.digest().length()
                + r.id().length()
                + r.provider().length()
                + r.model().length()
                + r.text().length()
                + r.refusal().map(String::length).orElse(0);
        long objects = 12;
        for (ToolCall c : r.toolCalls()) {
            chars += c.id().length() + c.name().length() + c.argumentsJson().length();
            objects += 4;
        }
        long bytes = 2 * chars + 48 * objects;
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
