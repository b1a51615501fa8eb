package dev.llmgate.core.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;

/**
 * The gate's edge for streams: stamps the call's cost ({@link CallFacts#COST_USD}, which routing or
 * the cache records by the time the finish event passes them) and its {@link dev.llmgate.api.AnswerFacts}
 * on the finish event.
 */
public final class StampingStream extends AbstractChatStream {
    private final ChatStream upstream;
    private final CallContext call;
    private final Runnable onRelease;

    public StampingStream(ChatStream upstream, CallContext call) {
        this(upstream, call, () -> {});
    }

    /** @param onRelease runs once, after the upstream is released (the stream ended, failed or was closed) */
    public StampingStream(ChatStream upstream, CallContext call, Runnable onRelease) {
        this.upstream = upstream;
        this.call = call;
        this.onRelease = onRelease;
    }

    @Override
    protected StreamEvent produce() {
        if (!upstream.hasNext()) {
            throw new StreamInterruptedException("the stream ended without a finish event", ErrorDetails.NONE);
        }
        StreamEvent event = upstream.next();
        if (event instanceof StreamEvent.Finish f) {
            return AnswerStamp.stamp(f, call);
        }
        return event;
    }

    @Override
    protected void release() {
        try {
            upstream.close();
        } finally {
            onRelease.run();
        }
    }
}
