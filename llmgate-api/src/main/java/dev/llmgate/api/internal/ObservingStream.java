package dev.llmgate.api.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamAccumulator;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.StreamInterruptedException;
import java.util.function.Consumer;

/**
 * A stream that collects what passes and reports the outcome exactly once: success at the finish
 * event, the failure if it fails (an untyped failure reported as a {@link ProviderException}), or a
 * {@link StreamInterruptedException} if the consumer closes it first. Not public API.
 */
public final class ObservingStream extends AbstractChatStream {
    private final ChatStream upstream;
    private final Consumer<ChatResponse> onSuccess;
    private final Consumer<LlmException> onError;
    private final StreamAccumulator accumulator = new StreamAccumulator();
    private boolean reported;

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
            report(e);
            throw e;
        } catch (RuntimeException e) {
            report(new ProviderException(
                    "the stream failed with " + e.getClass().getName(), ErrorDetails.NONE, false, e));
            throw e;
        }
        accumulator.accept(event);
        if (event instanceof StreamEvent.Finish) {
            reported = true;
            onSuccess.accept(accumulator.toResponse());
        }
        return event;
    }

    private void report(LlmException e) {
        if (!reported) {
            reported = true;
            onError.accept(e);
        }
    }

    @Override
    protected void release() {
        try {
            upstream.close();
        } finally {
            report(new StreamInterruptedException(
                    "the consumer closed the stream before its finish event", ErrorDetails.NONE));
        }
    }
}
