package dev.llmgate.core.cache;

import dev.llmgate.core.cache.internal.InMemoryVectorIndex;
import java.util.List;
import java.util.Objects;

/**
 * The semantic cache's index of question embeddings. Entries live in partitions; the cache makes
 * one partition per namespace, model and everything else of the request except the last user
 * question, so a search only ever sees questions whose answers would be valid for the new request
 * apart from the question itself. An entry points at the {@link CacheKey} of an exact-cache entry:
 * the answer itself stays in the {@link ResponseStore}, with its TTL.
 *
 * <p>Contract: {@link #nearest} searches only the given partition; vectors passed in are unit length
 * (the cache normalizes them), so the similarity is their dot product (cosine); results are sorted by
 * descending similarity. Implementations are thread-safe. The built-in {@link #inMemory} index is a
 * brute-force scan, fine for tens of thousands of entries per partition (see its cost in docs/caching.md); an external vector store
 * can implement this interface (it receives the question text, which the guard against false hits
 * needs: treat it as sensitive).
 */
public interface VectorIndex {

    /** Adds (or replaces) the entry of {@code key} in {@code partition}. */
    void add(String partition, CacheKey key, String question, float[] unitVector);

    /** Up to {@code limit} entries of {@code partition} with similarity at least {@code minSimilarity}, best first. */
    List<Match> nearest(String partition, float[] unitVector, double minSimilarity, int limit);

    /** Removes the entry of {@code key} from {@code partition}, if present (e.g. its answer expired). */
    void remove(String partition, CacheKey key);

    /** Removes every entry. */
    void clear();

    /**
     * An in-memory index that keeps at most {@code maxEntriesPerPartition} entries per partition
     * (the oldest is replaced first) and at most {@code maxPartitions} partitions (least recently
     * used dropped first). A search costs one dot product per entry of the partition.
     */
    static VectorIndex inMemory(int maxEntriesPerPartition, int maxPartitions) {
        return new InMemoryVectorIndex(maxEntriesPerPartition, maxPartitions);
    }

    /**
     * One search result.
     *
     * @param key        the exact-cache entry holding the answer
     * @param question   the question that was asked when the answer was stored
     * @param similarity cosine similarity to the new question, -1 to 1
     */
    record Match(CacheKey key, String question, double similarity) {
        public Match {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(question, "question");
        }

        /** The key, the question's length and the similarity; never the question's text. */
        @Override
        public String toString() {
            return "Match[" + key + ", question=" + question.length() + " chars, similarity=" + similarity + "]";
        }
    }
}
