package dev.llmgate.core.budget.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.core.internal.DeliveredOutput;
import java.util.function.Consumer;

/**
 * Passes a stream through, counting what it delivers, and calls {@code settle} exactly once when it
 * finishes, fails or is closed (from any thread; {@link AbstractChatStream} releases once), after
 * the upstream stream was closed (so routing below has recorded the attempt's ending by then).
 */
public final class SettlingStream extends AbstractChatStream {
    private final ChatStream upstream;
    private final Consumer<SettlingStream> settle;
    private final DeliveredOutput delivered = new DeliveredOutput();
    private volatile boolean outputSeen;
    private volatile boolean failed;

    public SettlingStream(ChatStream upstream, Consumer<SettlingStream> settle) {
        this.upstream = upstream;
        this.settle = settle;
    }

    /** What passed so far. */
    public DeliveredOutput delivered() {
        return delivered;
    }

    /** True if the stream failed before any text or tool call passed (such a failure is charged only what was reported). */
    public boolean failedBeforeOutput() {
        return failed && !outputSeen;
    }

    @Override
    protected StreamEvent produce() {
        StreamEvent event;
        try {
            if (!upstream.hasNext()) {
                throw new StreamInterruptedException("the stream ended without a terminal event", ErrorDetails.NONE);
            }
            event = upstream.next();
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
        if (event instanceof StreamEvent.Error) {
            failed = true;
        } else if (event instanceof StreamEvent.TextDelta || event instanceof StreamEvent.ToolCallDelta) {
            outputSeen = true;
        }
        delivered.accept(event);
        return event;
    }

    @Override
    protected void release() {
        try {
            upstream.close();
        } finally {
            settle.accept(this);
        }
    }
}
