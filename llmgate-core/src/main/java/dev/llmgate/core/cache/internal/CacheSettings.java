package dev.llmgate.core.cache.internal;

import dev.llmgate.core.cache.ResponseStore;
import java.time.Duration;
import java.util.Optional;

/** The validated configuration of one response cache, as its builder produced it. */
public record CacheSettings(
        ResponseStore store,
        Duration ttl,
        Optional<String> defaultNamespace,
        boolean storeLengthFinish,
        boolean coalescing,
        Duration coalescingMaxWait,
        int replayChunkChars,
        int maximumAnswerChars,
        Optional<SemanticLookup> semantic,
        String description) {}
