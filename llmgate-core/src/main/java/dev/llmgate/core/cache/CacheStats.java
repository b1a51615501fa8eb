package dev.llmgate.core.cache;

import java.util.Objects;

/**
 * Counters of one {@link ResponseCache} since it was built, from {@link ResponseCache#stats()}. A
 * snapshot: the fields are read one by one while calls may be running, so they need not add up exactly.
 * Only the cache creates these; read them.
 *
 * <p>Guarantees: immutable; equal when every counter is equal. A final class rather than a record so
 * that counters can be added in later versions without breaking callers (docs/api-stability.md).
 */
public final class CacheStats {
    private final long hits;
    private final long semanticHits;
    private final long coalesced;
    private final long misses;
    private final long stores;
    private final long notStored;
    private final int waitingFollowers;

    CacheStats(
            long hits,
            long semanticHits,
            long coalesced,
            long misses,
            long stores,
            long notStored,
            int waitingFollowers) {
        this.hits = hits;
        this.semanticHits = semanticHits;
        this.coalesced = coalesced;
        this.misses = misses;
        this.stores = stores;
        this.notStored = notStored;
        this.waitingFollowers = waitingFollowers;
    }

    /** Exact hits. */
    public long hits() {
        return hits;
    }

    /** Semantic hits. */
    public long semanticHits() {
        return semanticHits;
    }

    /** Attempts answered by sharing an identical in-flight request. */
    public long coalesced() {
        return coalesced;
    }

    /** Attempts that called the provider (misses and refreshes). */
    public long misses() {
        return misses;
    }

    /** Answers written to the store. */
    public long stores() {
        return stores;
    }

    /**
     * Answers the never-store rules kept out: complete answers with another finish reason or a refusal, and
     * answers that grew past {@code maximumAnswerChars} (counted when they pass it).
     */
    public long notStored() {
        return notStored;
    }

    /** Attempts waiting right now for an identical in-flight request. */
    public int waitingFollowers() {
        return waitingFollowers;
    }

    /** Equal when every counter is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof CacheStats s
                        && hits == s.hits
                        && semanticHits == s.semanticHits
                        && coalesced == s.coalesced
                        && misses == s.misses
                        && stores == s.stores
                        && notStored == s.notStored
                        && waitingFollowers == s.waitingFollowers;
    }

    @Override
    public int hashCode() {
        return Objects.hash(hits, semanticHits, coalesced, misses, stores, notStored, waitingFollowers);
    }

    @Override
    public String toString() {
        return "CacheStats[hits=" + hits + ", semanticHits=" + semanticHits + ", coalesced=" + coalesced + ", misses="
                + misses + ", stores=" + stores + ", notStored=" + notStored + ", waitingFollowers=" + waitingFollowers
                + "]";
    }
}
