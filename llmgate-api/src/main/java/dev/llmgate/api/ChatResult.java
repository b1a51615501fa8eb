package dev.llmgate.api;

import dev.llmgate.api.exception.LlmException;
import java.util.function.Consumer;

/**
 * What an interceptor chain returns: a complete {@link ChatResponse} or a {@link ChatStream}. A
 * blocking call's chain normally carries responses and a streaming call's chain streams, but either
 * side may produce the other (a cache can answer a stream with a stored response; a provider that
 * only streams can answer a blocking call): the gate converts at the edge. Interceptors that want
 * to treat both alike use {@link #transform(StreamTransformer)} and
 * {@link #whenComplete(Consumer, Consumer)}.
 */
public sealed interface ChatResult permits ChatResponse, ChatStream {

    /** The complete response; a stream is consumed (and closed) to collect it. */
    ChatResponse toResponse();

    /** A stream of this result; a response is replayed as events. */
    ChatStream toStream();

    /**
     * This result with its events passed through {@code transformer}. For a stream the transformer
     * runs lazily as events are pulled; for a response it runs once over the response's events and
     * the result is collected back into a response.
     */
    ChatResult transform(StreamTransformer transformer);

    /**
     * This result, calling {@code onSuccess} with the complete response once it is complete (for a
     * stream: when its {@link StreamEvent.Finish} passes through) or {@code onError} if the stream
     * fails. Exactly one of them is called: a stream its consumer closes before the end reports a
     * {@link dev.llmgate.api.exception.StreamInterruptedException} to {@code onError}.
     */
    ChatResult whenComplete(Consumer<ChatResponse> onSuccess, Consumer<LlmException> onError);
}
