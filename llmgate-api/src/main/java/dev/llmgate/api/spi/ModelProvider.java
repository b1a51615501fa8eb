package dev.llmgate.api.spi;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;

/**
 * Talks to one LLM vendor (or wraps any existing LLM call). It receives requests whose
 * {@link ChatRequest#model()} is already the vendor's own model name (the gate strips its
 * {@code "provider:"} prefix) and throws {@link dev.llmgate.api.exception.LlmException}s for failures.
 *
 * <p>The only method to implement is {@link #chat}, so a lambda wraps an existing call:
 * <pre>{@code
 * ModelProvider mine = (request, call) -> ChatResponse.builder().text(mySdk.ask(request.lastUserText())).build();
 * }</pre>
 * Streaming, embeddings and closing have defaults. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ModelProvider {

    /** Answers a request with a complete response. */
    ChatResponse chat(ChatRequest request, CallContext call);

    /** Answers a request as a stream; by default replays {@link #chat}'s response as one burst of events. */
    default ChatStream stream(ChatRequest request, CallContext call) {
        return ChatStream.of(chat(request, call));
    }

    /** Embeds texts; by default this provider does not support embeddings. */
    default EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        throw new InvalidRequestException(
                "this provider does not support embeddings: address an embedding model of a provider that does",
                ErrorDetails.NONE);
    }

    /** Releases resources (connection pools, threads); called once by the gate's {@code close()}. */
    default void close() {}
}
