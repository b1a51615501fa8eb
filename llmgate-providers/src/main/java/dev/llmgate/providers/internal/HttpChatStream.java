package dev.llmgate.providers.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.StreamInterruptedException;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * A provider stream over an open HTTP response: frames are read on the consumer's thread as it
 * pulls (no extra thread, natural back-pressure), decoded by the vendor's {@link StreamDecoder},
 * and the connection is released on the terminal event, on failure or on close. A body that ends
 * before the vendor's terminal frame raises {@link StreamInterruptedException}, unless the decoder
 * completes the answer at the end of the body ({@link StreamDecoder#finishAtEnd}).
 */
public final class HttpChatStream extends AbstractChatStream {
    private final ProviderErrors errors;
    private final StreamSource open;
    private final FrameReader frames;
    private final StreamDecoder decoder;
    private final ArrayDeque<StreamEvent> queue = new ArrayDeque<>(4);
    private boolean first = true;
    private boolean ended;

    public HttpChatStream(
            HttpTransport transport, HttpTransport.OpenStream open, FrameReader frames, StreamDecoder decoder) {
        this(transport.errors(), open, frames, decoder);
    }

    public HttpChatStream(ProviderErrors errors, StreamSource open, FrameReader frames, StreamDecoder decoder) {
        this.errors = errors;
        this.open = open;
        this.frames = frames;
        this.decoder = decoder;
    }

    @Override
    protected StreamEvent produce() {
        while (queue.isEmpty()) {
            boolean more;
            try {
                more = frames.next();
            } catch (IOException e) {
                throw open.ioFailure(e);
            }
            if (!more) {
                if (!ended) {
                    ended = true;
                    if (decoder.finishAtEnd(queue::add)) {
                        continue;
                    }
                }
                queue.clear();
                throw new StreamInterruptedException(
                        "the provider's stream ended before its terminal event: the answer is incomplete",
                        ErrorDetails.of(errors.provider(), open.status(), "", ""));
            }
            try {
                decoder.decode(frames.event(), frames.data(), queue::add);
            } catch (dev.llmgate.api.exception.LlmException e) {
                throw e;
            } catch (RuntimeException e) {
                queue.clear();
                throw Shapes.unexpected(errors, e);
            }
            if (first && hasTokenOrEnd()) {
                first = false;
                open.firstTokenArrived();
            }
        }
        return queue.poll();
    }

    private boolean hasTokenOrEnd() {
        for (StreamEvent e : queue) {
            if (e instanceof StreamEvent.TextDelta || e instanceof StreamEvent.ToolCallDelta || e.isTerminal()) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected void release() {
        open.close();
    }
}
