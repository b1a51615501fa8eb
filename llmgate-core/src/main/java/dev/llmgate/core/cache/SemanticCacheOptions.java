package dev.llmgate.core.cache;

import dev.llmgate.api.exception.ConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of the opt-in semantic cache: a request that misses the exact cache may be answered
 * with the stored answer of a similar question, if the embeddings' cosine similarity reaches
 * {@code threshold}, everything else of the request (namespace, model, system prompt, earlier turns,
 * tools, parameters) is identical, and the guard finds no differing negation, number, entity or
 * polarity word. Build with {@link #builder(Embedder)}.
 *
 * @param embedder        turns questions into vectors (usually a gate's embedding model)
 * @param threshold       the least cosine similarity for a hit, greater than 0 and at most 1; tune it per embedding model
 * @param allowMultiTurn  also serve conversations with earlier turns (which must match exactly); default only
 *                        a single user turn plus system/developer instructions
 * @param maxCandidates   how many nearest entries the guard may check before giving up, at least 1
 * @param index           where the vectors live; default {@link VectorIndex#inMemory} with 20,000 entries per partition
 */
public record SemanticCacheOptions(
        Embedder embedder, double threshold, boolean allowMultiTurn, int maxCandidates, VectorIndex index) {

    /** The default similarity threshold: strict, for modern sentence-embedding models; tune it on your own traffic. */
    public static final double DEFAULT_THRESHOLD = 0.95;

    public SemanticCacheOptions {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(index, "index");
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be greater than 0 and at most 1, was " + threshold);
        }
        if (maxCandidates < 1) {
            throw new IllegalArgumentException("maxCandidates must be at least 1, was " + maxCandidates);
        }
    }

    /** A builder for a semantic cache that embeds with {@code embedder}. */
    public static Builder builder(Embedder embedder) {
        return new Builder(embedder);
    }

    /** Builds {@link SemanticCacheOptions}; problems are reported together by {@link #build()}. */
    public static final class Builder {
        private final Embedder embedder;
        private double threshold = DEFAULT_THRESHOLD;
        private boolean allowMultiTurn;
        private int maxCandidates = 4;
        private VectorIndex index;

        private Builder(Embedder embedder) {
            this.embedder = Objects.requireNonNull(embedder, "embedder");
        }

        /** The least cosine similarity for a hit (default {@value SemanticCacheOptions#DEFAULT_THRESHOLD}). */
        public Builder threshold(double value) {
            this.threshold = value;
            return this;
        }

        /** Serve multi-turn conversations too; earlier turns must match exactly. Default false. */
        public Builder allowMultiTurn(boolean value) {
            this.allowMultiTurn = value;
            return this;
        }

        /** How many nearest entries to check against the guard (default 4). */
        public Builder maxCandidates(int value) {
            this.maxCandidates = value;
            return this;
        }

        /** Where the vectors live (default: in memory, 20,000 entries per partition, 10,000 partitions). */
        public Builder index(VectorIndex value) {
            this.index = Objects.requireNonNull(value, "index");
            return this;
        }

        /**
         * The options.
         *
         * @throws ConfigurationException naming every invalid value
         */
        public SemanticCacheOptions build() {
            List<String> problems = new ArrayList<>();
            if (!(threshold > 0 && threshold <= 1)) {
                problems.add("semantic threshold must be greater than 0 and at most 1 (a cosine similarity), was "
                        + threshold);
            }
            if (maxCandidates < 1) {
                problems.add("semantic maxCandidates must be at least 1, was " + maxCandidates);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new SemanticCacheOptions(
                    embedder,
                    threshold,
                    allowMultiTurn,
                    maxCandidates,
                    index != null ? index : VectorIndex.inMemory(20_000, 10_000));
        }
    }
}
