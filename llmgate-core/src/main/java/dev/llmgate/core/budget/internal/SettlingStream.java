package dev.llmgate.core.budget.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.StreamInterruptedException;

import java.util.Optional;
import java.util.function.Consumer;

/** Passes a stream through and calls {@code settle} once when it finishes, fails or is closed. */
public final class SettlingStream extends AbstractChatStream {
    private final ChatStream upstream;
    private final Consumer<Optional<Usage>> settle;
    private Usage usage;

    public SettlingStream(ChatStream upstream, Consumer<Optional<Usage>> settle) {
        this.upstream = upstream;
        this.settle = settle;
    }

    @Override
    protected StreamEvent produce() {
        if (!upstream.hasNext()) {
            throw new StreamInterruptedException("the stream ended without a terminal event", ErrorDetails.NONE);
        }
        StreamEvent event = upstream.next();
        if (event instanceof StreamEvent.UsageUpdate u) {
            usage = u.usage();
        }
        return event;
    }

    @Override
    protected void release() {
        try {
            upstream.close();
        } finally {
            settle.accept(Optional.ofNullable(usage));
        }
    }
}
