package dev.llmgate.api.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamAccumulator;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.StreamInterruptedException;

import java.util.function.Consumer;

/** A stream that collects what passes and reports the outcome once. Not public API. */
public final class ObservingStream extends AbstractChatStream {
    private final ChatStream upstream;
    private final Consumer<ChatResponse> onSuccess;
    private final Consumer<LlmException> onError;
    private final StreamAccumulator accumulator = new StreamAccumulator();

    public ObservingStream(ChatStream upstream, Consumer<ChatResponse> onSuccess, Consumer<LlmException> onError) {
        this.upstream = upstream;
        this.onSuccess = onSuccess;
        this.onError = onError;
    }

    @Override
    protected StreamEvent produce() {
        StreamEvent event;
        try {
            if (!upstream.hasNext()) {
                throw new StreamInterruptedException("the stream ended without a terminal event", ErrorDetails.NONE);
            }
            event = upstream.next();
        } catch (LlmException e) {
            if (!isClosed()) {
                onError.accept(e);
            }
            throw e;
        }
        accumulator.accept(event);
        if (event instanceof StreamEvent.Finish) {
            onSuccess.accept(accumulator.toResponse());
        }
        return event;
    }

    @Override
    protected void release() {
        upstream.close();
    }
}
