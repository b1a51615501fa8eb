package dev.llmgate.core.cache;

/**
 * What the response cache did for one attempt, recorded in the call context under
 * {@link ResponseCache#OUTCOME} (and reflected in {@link dev.llmgate.api.spi.CallFacts#CACHE_HIT}).
 */
public enum CacheOutcome {
    /** Answered from an entry with the same exact key; no provider call. */
    HIT,
    /** Answered from the entry of a similar question (semantic cache); no provider call. */
    SEMANTIC_HIT,
    /** Answered with the result of an identical request that was in flight; no provider call of its own. */
    COALESCED,
    /** Not in the cache: the provider was called and the answer stored if it may be. */
    MISS,
    /** The request asked for a fresh answer ({@code llmgate.cache=refresh}): the provider was called and the answer stored. */
    REFRESH,
    /** The request asked to skip the cache entirely ({@code llmgate.cache=bypass}). */
    BYPASS,
    /**
     * The request could not be cached: no namespace (when the cache requires one), a request value
     * the key derivation does not know, or an embedding call ({@code LlmGate.embed}, which the cache
     * always passes through). The provider was called; nothing was read or stored.
     */
    UNCACHEABLE
}
