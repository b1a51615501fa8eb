package dev.llmgate.core.cache.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamAccumulator;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.StreamInterruptedException;

/**
 * Passes a live stream through unchanged while collecting it, and reports exactly one outcome:
 * {@link Listener#completed} when the finish event passes, {@link Listener#failed} when the stream
 * throws, {@link Listener#tooLarge} as soon as the answer (text plus tool-call arguments) grows past
 * the cache's {@code maximumAnswerChars} (the recording then stops, so it never holds more than that),
 * or {@link Listener#abandoned} when it is closed (or breaks with a non-LLM error) before any of
 * these. A partial answer is therefore never reported as complete.
 */
final class RecordingStream extends AbstractChatStream {

    /** Receives the outcome of a recorded stream. */
    public interface Listener {
        void completed(ChatResponse response);

        void failed(LlmException error);

        /** The answer grew past the most the cache stores; it is passed on but no longer recorded. */
        void tooLarge();

        void abandoned();
    }

    private final ChatStream upstream;
    private final Listener listener;
    private final long maximumChars;
    /** Null once the answer grew too large to be stored. */
    private StreamAccumulator accumulator = new StreamAccumulator();

    private long chars;
    private boolean reported;

    public RecordingStream(ChatStream upstream, long maximumChars, Listener listener) {
        this.upstream = upstream;
        this.maximumChars = maximumChars;
        this.listener = listener;
    }

    @Override
    protected StreamEvent produce() {
        StreamEvent event;
        try {
            if (!upstream.hasNext()) {
                throw new StreamInterruptedException("the stream ended without a finish event", ErrorDetails.NONE);
            }
            event = upstream.next();
        } catch (LlmException e) {
            report(e);
            throw e;
        }
        if (accumulator == null) {
            return event;
        }
        if (event instanceof StreamEvent.TextDelta d) {
            chars += d.text().length();
        } else if (event instanceof StreamEvent.ToolCallDelta d) {
            chars += d.argumentsDelta().length();
        }
        if (chars > maximumChars) {
            accumulator = null;
            synchronized (this) {
                if (reported) {
                    return event;
                }
                reported = true;
            }
            listener.tooLarge();
            return event;
        }
        accumulator.accept(event);
        if (event instanceof StreamEvent.Finish) {
            ChatResponse response = accumulator.toResponse();
            synchronized (this) {
                if (reported) {
                    return event;
                }
                reported = true;
            }
            listener.completed(response);
        }
        return event;
    }

    private void report(LlmException e) {
        synchronized (this) {
            if (reported) {
                return;
            }
            reported = true;
        }
        listener.failed(e);
    }

    @Override
    protected void release() {
        try {
            upstream.close();
        } finally {
            boolean abandon;
            synchronized (this) {
                abandon = !reported;
                reported = true;
            }
            if (abandon) {
                listener.abandoned();
            }
        }
    }
}
