package dev.llmgate.core.cache;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.cache.internal.CacheInterceptor;
import dev.llmgate.core.cache.internal.CacheSettings;
import dev.llmgate.core.cache.internal.CaffeineResponseStore;
import dev.llmgate.core.cache.internal.SemanticLookup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A response cache for a gate: register its {@link #interceptor()}, which the gate places at
 * {@link dev.llmgate.core.Stage#CACHE}.
 * <pre>{@code
 * ResponseCache cache = ResponseCache.builder().ttl(Duration.ofHours(1)).maximumEntries(10_000).build();
 * LlmGate gate = LlmGate.builder()...addInterceptor(cache.interceptor()).build();
 * }</pre>
 *
 * <p>Guarantees: an answer is served only for a request whose key is equal (same namespace, same
 * resolved {@code "provider:model"}, same normalized request: see {@code docs/caching.md}), or, with
 * the opt-in semantic cache, for a similar question that is otherwise identical and passes the guard;
 * answers never cross namespaces; errors, blocked calls, failed or abandoned streams, refusals and
 * finish reasons other than {@code STOP}/{@code TOOL_CALLS} (and {@code LENGTH} if configured) are
 * never stored, nor answers longer than {@link Builder#maximumAnswerChars}; a hit is marked {@link dev.llmgate.api.spi.CallFacts#CACHE_HIT} with
 * {@link dev.llmgate.api.spi.CallFacts#COST_USD} zero and keeps the original usage; a streaming caller
 * gets a hit as a stream; identical concurrent requests share one upstream call. Thread-safe.
 */
public final class ResponseCache {

    /** What the cache did in the attempt, recorded in the call context. */
    public static final CallContext.Key<CacheOutcome> OUTCOME = CallContext.Key.of("cache_outcome", CacheOutcome.class);

    private final CacheInterceptor interceptor;
    private final ResponseStore store;
    private final Optional<VectorIndex> index;

    private ResponseCache(CacheSettings settings, Optional<VectorIndex> index) {
        this.interceptor = new CacheInterceptor(settings, OUTCOME);
        this.store = settings.store();
        this.index = index;
    }

    /** A builder with the defaults: in memory, 10,000 entries, TTL one hour, namespace "default", coalescing on. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The interceptor to register with {@code builder.addInterceptor(cache.interceptor())}: a
     * {@link dev.llmgate.api.spi.StagedInterceptor} of {@link dev.llmgate.core.Stage#CACHE}. One
     * instance, shared by every call.
     */
    public Interceptor interceptor() {
        return interceptor;
    }

    /** Counters since this cache was built. */
    public CacheStats stats() {
        CacheInterceptor.Counters c = interceptor.counters();
        return new CacheStats(
                c.hits(), c.semanticHits(), c.coalesced(), c.misses(), c.stores(), c.notStored(), c.waitingFollowers());
    }

    /** The store holding the answers (the built-in one, or the one configured). */
    public ResponseStore store() {
        return store;
    }

    /** Removes every cached answer (and every indexed question of the semantic cache). */
    public void invalidateAll() {
        store.invalidateAll();
        index.ifPresent(VectorIndex::clear);
    }

    @Override
    public String toString() {
        return interceptor.toString();
    }

    /**
     * Configures a {@link ResponseCache}; problems are reported together by {@link #build()} as a
     * {@link ConfigurationException}.
     */
    public static final class Builder {
        private final List<String> problems = new ArrayList<>();
        private Duration ttl = Duration.ofHours(1);
        private long maximumEntries = -1;
        private long maximumWeightBytes = -1;
        private java.time.Clock clock;
        private ResponseStore store;
        private Optional<String> defaultNamespace = Optional.of("default");
        private boolean storeLengthFinish;
        private boolean coalescing = true;
        private Duration coalescingMaxWait = Duration.ofMinutes(5);
        private int replayChunkChars = 64;
        private int maximumAnswerChars = 1_000_000;
        private SemanticCacheOptions semantic;

        private Builder() {}

        /** How long an answer stays cached unless the request says otherwise (default one hour); positive. */
        public Builder ttl(Duration value) {
            Objects.requireNonNull(value, "ttl");
            if (value.isNegative() || value.isZero()) {
                problems.add(
                        "ttl must be positive, was " + value + "; to disable caching do not register the interceptor");
            } else {
                this.ttl = value;
            }
            return this;
        }

        /** Bound the built-in store by entries (default 10,000). Not with {@link #maximumWeightBytes} or {@link #store}. */
        public Builder maximumEntries(long value) {
            if (value < 1) {
                problems.add("maximumEntries must be at least 1, was " + value);
            }
            this.maximumEntries = value;
            return this;
        }

        /**
         * Bound the built-in store by the estimated bytes of its entries (two bytes per character of
         * text, tool calls and ids, plus object overhead). Not with {@link #maximumEntries} or {@link #store}.
         */
        public Builder maximumWeightBytes(long value) {
            if (value < 1) {
                problems.add("maximumWeightBytes must be at least 1, was " + value);
            }
            this.maximumWeightBytes = value;
            return this;
        }

        /** The clock of the built-in store's TTLs (default the system's); pass the gate's clock, or a fake one in tests. */
        public Builder clock(java.time.Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Keep answers in {@code value} (e.g. a store shared by a fleet) instead of the built-in in-memory store. */
        public Builder store(ResponseStore value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /**
         * The namespace of requests that name none (no {@code llmgate.cache.namespace} attribute and no
         * tenant); default {@code "default"}. Answers never cross namespaces.
         */
        public Builder defaultNamespace(String value) {
            Objects.requireNonNull(value, "defaultNamespace");
            if (value.isBlank()) {
                problems.add(
                        "defaultNamespace must not be blank; use requireNamespace() to cache only requests that name one");
            } else {
                this.defaultNamespace = Optional.of(value);
            }
            return this;
        }

        /** Cache only requests that name a namespace or a tenant; others pass uncached. */
        public Builder requireNamespace() {
            this.defaultNamespace = Optional.empty();
            return this;
        }

        /** Also store answers cut off by the output limit ({@code finish_reason = length}); default false. */
        public Builder storeLengthFinish(boolean value) {
            this.storeLengthFinish = value;
            return this;
        }

        /** Whether identical concurrent requests share one upstream call (default true). */
        public Builder coalescing(boolean value) {
            this.coalescing = value;
            return this;
        }

        /**
         * How long a request waits for an identical one in flight before calling upstream itself
         * (default five minutes; guards against a leader whose stream is never read).
         */
        public Builder coalescingMaxWait(Duration value) {
            Objects.requireNonNull(value, "coalescingMaxWait");
            if (value.isNegative() || value.isZero()) {
                problems.add("coalescingMaxWait must be positive, was " + value
                        + "; to turn coalescing off use coalescing(false)");
            } else {
                this.coalescingMaxWait = value;
            }
            return this;
        }

        /** The most characters per text event when a hit is replayed as a stream (default 64). */
        public Builder replayChunkChars(int value) {
            if (value < 1) {
                problems.add("replayChunkChars must be at least 1, was " + value);
            } else {
                this.replayChunkChars = value;
            }
            return this;
        }

        /**
         * The longest answer that is stored, in characters of text plus tool-call arguments (default
         * 1,000,000). A longer answer is passed to the caller unchanged but not cached, and a streamed
         * answer stops being recorded as soon as it grows past this, so what the cache holds per
         * stream is bounded by this setting, not by the stream's length.
         */
        public Builder maximumAnswerChars(int value) {
            if (value < 1) {
                problems.add("maximumAnswerChars must be at least 1, was " + value);
            } else {
                this.maximumAnswerChars = value;
            }
            return this;
        }

        /** Turn on the semantic cache. */
        public Builder semantic(SemanticCacheOptions value) {
            this.semantic = Objects.requireNonNull(value, "semantic");
            return this;
        }

        /**
         * The cache.
         *
         * @throws ConfigurationException listing every configuration problem
         */
        public ResponseCache build() {
            List<String> found = new ArrayList<>(problems);
            if (maximumEntries >= 0 && maximumWeightBytes >= 0) {
                found.add("set maximumEntries or maximumWeightBytes, not both: the built-in store has one bound");
            }
            if (store != null && (maximumEntries >= 0 || maximumWeightBytes >= 0 || clock != null)) {
                found.add(
                        "maximumEntries, maximumWeightBytes and clock configure the built-in store; with store(...) configure"
                                + " bounds and expiry on your store instead");
            }
            if (!found.isEmpty()) {
                throw new ConfigurationException(found);
            }
            ResponseStore s = store;
            String bound;
            if (s == null) {
                long entries = maximumEntries < 0 && maximumWeightBytes < 0 ? 10_000 : maximumEntries;
                s = new CaffeineResponseStore(entries, maximumWeightBytes, clock);
                bound = maximumWeightBytes >= 0
                        ? "in memory, at most " + maximumWeightBytes + " bytes"
                        : "in memory, at most " + entries + " entries";
            } else {
                bound = "store " + s.getClass().getSimpleName();
            }
            String description = "ResponseCache[" + bound + ", ttl " + ttl + ", namespace "
                    + defaultNamespace.orElse("required") + (coalescing ? ", coalescing" : "")
                    + (semantic != null ? ", semantic >= " + semantic.threshold() : "") + "]";
            CacheSettings settings = new CacheSettings(
                    s,
                    ttl,
                    defaultNamespace,
                    storeLengthFinish,
                    coalescing,
                    coalescingMaxWait,
                    replayChunkChars,
                    maximumAnswerChars,
                    Optional.ofNullable(semantic).map(SemanticLookup::new),
                    description);
            return new ResponseCache(settings, Optional.ofNullable(semantic).map(SemanticCacheOptions::index));
        }
    }
}
