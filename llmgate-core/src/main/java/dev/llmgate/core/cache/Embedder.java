package dev.llmgate.core.cache;

import java.util.List;

/**
 * Turns texts into embedding vectors for the semantic cache: one vector per text, in order, all of
 * the same dimension. Usually a gate's embedding model:
 * <pre>{@code
 * Embedder embedder = texts -> gate.embed(new EmbeddingRequest("openai:text-embedding-3-small", texts,
 *         OptionalInt.empty(), Metadata.EMPTY)).vectors();
 * }</pre>
 * Such an embedder's lookups are calls of their own through the gate's whole chain (policy, budgets,
 * routing, audit; the cache passes embedding calls through, so a lookup never re-enters it).
 * Implementations must be thread-safe. A failure (any exception, e.g. a budget or policy refusal of
 * the lookup) makes that attempt skip the semantic cache; it never fails the call.
 */
@FunctionalInterface
public interface Embedder {

    /** One vector per text, in the order of {@code texts}. */
    List<float[]> embed(List<String> texts);
}
