package dev.llmgate.spring.boot;

import dev.llmgate.core.LlmGate;

/**
 * Adds to the auto-configured gate what configuration cannot hold (observers, interceptors of your own, an
 * executor): every bean of this type is applied to the gate's builder before it is built, in {@code @Order}.
 */
@FunctionalInterface
public interface LlmGateCustomizer {
    /** Adds to {@code builder}; called once, at start-up. */
    void customize(LlmGate.Builder builder);
}
