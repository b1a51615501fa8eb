package dev.llmgate.api;

import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.internal.ObservingStream;
import dev.llmgate.api.internal.ResponseStream;
import dev.llmgate.api.internal.TransformingStream;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * A streamed answer, pulled event by event. Iterate it (or call {@link #collect()}) on one thread;
 * {@link #close()} may be called from any thread and cancels the upstream call.
 *
 * <p>Guarantees: the last event returned is a {@link StreamEvent.Finish}; a stream that fails, or
 * that ends without its terminal event, throws an {@link LlmException} from {@link #hasNext()} or
 * {@link #next()} instead: a truncated answer never looks like a complete one. Pull consumers never
 * see {@link StreamEvent.Error}. Close the stream (try-with-resources) if you stop early.
 */
public non-sealed interface ChatStream extends ChatResult, Iterator<StreamEvent>, AutoCloseable {

    /**
     * Whether another event follows; blocks until it is known.
     *
     * @throws LlmException if the stream failed
     */
    @Override
    boolean hasNext();

    /**
     * The next event.
     *
     * @throws LlmException if the stream failed
     * @throws java.util.NoSuchElementException after the terminal event
     */
    @Override
    StreamEvent next();

    /** Stops the stream and releases its connection; idempotent, callable from any thread. */
    @Override
    void close();

    /**
     * Consumes the rest of the stream and returns it as one response; closes the stream.
     *
     * @throws LlmException if the stream fails, or
     *         {@link dev.llmgate.api.exception.StreamInterruptedException} if it was closed before it finished
     */
    default ChatResponse collect() {
        try (this) {
            StreamAccumulator acc = new StreamAccumulator();
            while (hasNext()) {
                acc.accept(next());
            }
            if (!acc.isComplete()) {
                throw new dev.llmgate.api.exception.StreamInterruptedException(
                        "the stream was closed before its finish event", dev.llmgate.api.exception.ErrorDetails.NONE);
            }
            return acc.toResponse();
        }
    }

    @Override
    default ChatResponse toResponse() {
        return collect();
    }

    @Override
    default ChatStream toStream() {
        return this;
    }

    @Override
    default ChatStream transform(StreamTransformer transformer) {
        return new TransformingStream(this, transformer);
    }

    @Override
    default ChatStream whenComplete(Consumer<ChatResponse> onSuccess, Consumer<LlmException> onError) {
        return new ObservingStream(this, onSuccess, onError);
    }

    /** A stream that replays a complete response as events. */
    static ChatStream of(ChatResponse response) {
        return new ResponseStream(response);
    }
}
