/**
 * The response cache: an exact cache keyed on a SHA-256 of the whole normalized request, an opt-in
 * semantic cache, streaming replay and request coalescing, all behind one interceptor for
 * {@link dev.llmgate.core.Stage#CACHE}. Start with {@link dev.llmgate.core.cache.ResponseCache#builder()};
 * per-request controls are in {@link dev.llmgate.core.cache.CacheControl}; fleets share answers through
 * the {@link dev.llmgate.core.cache.ResponseStore} and {@link dev.llmgate.core.cache.VectorIndex} SPIs.
 * See {@code docs/caching.md}.
 */
package dev.llmgate.core.cache;
