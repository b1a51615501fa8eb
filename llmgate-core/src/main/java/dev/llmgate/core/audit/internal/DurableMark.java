package dev.llmgate.core.audit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * How far an audit log's entries are durable in its sink, and the calls waiting for their record to
 * get there (durable acknowledgement): {@link #advance} is called by the writer or the sink's sync
 * thread, {@link #await} by the calls. Thread-safe. Not public API.
 */
public final class DurableMark {
    private volatile long durable;
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));

    /** @param durable the seq up to which entries are durable already (-1: none) */
    public DurableMark(long durable) {
        this.durable = durable;
    }

    private static final class Waiter {
        final long seq;
        final Thread thread;
        volatile boolean done;

        Waiter(long seq, Thread thread) {
            this.seq = seq;
            this.thread = thread;
        }
    }

    /** The seq up to which every entry is durable. */
    public long durable() {
        return durable;
    }

    /** Every entry up to {@code seq} is durable: wakes the calls waiting for them. */
    public void advance(long seq) {
        List<Waiter> ready = null;
        synchronized (this) {
            if (seq <= durable) {
                return;
            }
            durable = seq;
            while (!waiters.isEmpty() && waiters.peek().seq <= seq) {
                if (ready == null) {
                    ready = new ArrayList<>();
                }
                ready.add(waiters.poll());
            }
        }
        if (ready != null) {
            for (Waiter w : ready) {
                w.done = true;
                LockSupport.unpark(w.thread);
            }
        }
    }

    /**
     * Waits until entry {@code seq} is durable, at most {@code timeoutNanos}.
     *
     * @return true if it is; false on timeout
     * @throws InterruptedException if the waiting thread was interrupted (its flag is cleared)
     */
    public boolean await(long seq, long timeoutNanos) throws InterruptedException {
        if (durable >= seq) {
            return true;
        }
        Waiter w = new Waiter(seq, Thread.currentThread());
        synchronized (this) {
            if (durable >= seq) {
                return true;
            }
            waiters.add(w);
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (!w.done) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.interrupted()) {
                synchronized (this) {
                    waiters.remove(w);
                }
                if (w.done) {
                    return true;
                }
                if (left <= 0) {
                    return false;
                }
                throw new InterruptedException();
            }
            LockSupport.parkNanos(this, left);
        }
        return true;
    }
}
