package dev.llmgate.api;

import dev.llmgate.api.exception.LlmException;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * A base for {@link ChatStream} implementations (provider adapters, wrappers): subclasses produce
 * events one at a time and release their resources once. This class enforces the stream contract:
 * nothing after the terminal event, resources released exactly once (after the terminal event, a
 * failure, or {@link #close()}), and a failure raised again to a consumer that keeps pulling.
 */
public abstract class AbstractChatStream implements ChatStream {
    /** A stream with nothing produced yet; {@link #produce()} supplies its events. */
    public AbstractChatStream() {}

    private @Nullable StreamEvent pending;
    private boolean done;
    private @Nullable LlmException failure;
    private volatile boolean closed;
    private boolean released;

    /**
     * Produces the next event, blocking as needed. Must eventually return a terminal
     * {@link StreamEvent.Finish}; if the source ends without one, throw
     * {@link dev.llmgate.api.exception.StreamInterruptedException}.
     *
     * @throws LlmException when the source fails
     */
    protected abstract StreamEvent produce();

    /** Releases the source (connection, upstream stream). Called at most once. */
    protected abstract void release();

    /** True once {@link #close()} was called. */
    protected final boolean isClosed() {
        return closed;
    }

    @Override
    public final boolean hasNext() {
        if (failure != null) {
            throw failure;
        }
        if (pending != null) {
            return true;
        }
        if (done || closed) {
            return false;
        }
        try {
            StreamEvent event = produce();
            if (event == null) {
                throw new IllegalStateException(getClass().getName()
                        + ".produce() returned null: it must return an event (a terminal one at the end) or throw");
            }
            if (event instanceof StreamEvent.Error error) {
                throw error.error();
            }
            pending = event;
            return true;
        } catch (LlmException e) {
            failure = e;
            done = true;
            releaseOnce();
            throw e;
        } catch (RuntimeException | Error e) {
            done = true;
            releaseOnce();
            throw e;
        }
    }

    @Override
    public final StreamEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended");
        }
        StreamEvent event = pending;
        if (event == null) {
            throw new NoSuchElementException("the stream has ended"); // (hasNext() just set it: not reached)
        }
        pending = null;
        if (event.isTerminal()) {
            done = true;
            releaseOnce();
        }
        return event;
    }

    @Override
    public final void close() {
        closed = true;
        releaseOnce();
    }

    private synchronized void releaseOnce() {
        if (!released) {
            released = true;
            release();
        }
    }
}
