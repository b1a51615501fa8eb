/**
 * llmgate's provider-neutral model: {@link dev.llmgate.api.ChatRequest} in,
 * {@link dev.llmgate.api.ChatResponse} or {@link dev.llmgate.api.ChatStream} out. Every type here is
 * immutable and thread-safe unless it says otherwise, and none has third-party dependencies.
 *
 * <p>Extension points live in {@link dev.llmgate.api.spi}; errors in {@link dev.llmgate.api.exception}.
 * {@code dev.llmgate.api.internal} is not API and may change without notice.
 */
@NullMarked
package dev.llmgate.api;

import org.jspecify.annotations.NullMarked;
