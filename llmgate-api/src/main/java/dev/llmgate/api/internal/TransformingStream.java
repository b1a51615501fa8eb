package dev.llmgate.api.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.StreamTransformer;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.StreamInterruptedException;
import java.util.ArrayDeque;

/** A stream whose events pass through a {@link StreamTransformer}. Not public API. */
public final class TransformingStream extends AbstractChatStream {
    private final ChatStream upstream;
    private final StreamTransformer transformer;
    private final ArrayDeque<StreamEvent> queue = new ArrayDeque<>(4);

    public TransformingStream(ChatStream upstream, StreamTransformer transformer) {
        this.upstream = upstream;
        this.transformer = transformer;
    }

    @Override
    protected StreamEvent produce() {
        while (queue.isEmpty()) {
            if (!upstream.hasNext()) {
                throw new StreamInterruptedException(
                        "the stream ended without a terminal event after transformer "
                                + transformer.getClass().getName() + " (a transformer must pass the Finish event on)",
                        ErrorDetails.NONE);
            }
            transformer.onEvent(upstream.next(), queue::add);
        }
        return queue.poll();
    }

    @Override
    protected void release() {
        upstream.close();
    }
}
