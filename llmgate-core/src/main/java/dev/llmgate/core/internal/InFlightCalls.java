package dev.llmgate.core.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts calls in flight and lets a closer refuse new ones and wait for those running: one atomic
 * update per call on its way in and out, no lock on the call's path. Thread-safe. Not public API.
 */
public final class InFlightCalls {
    private static final long CLOSING = 1L << 62;

    private final AtomicLong state = new AtomicLong();
    private final Object drained = new Object();

    /** Registers a call; false (and nothing registered) once {@link #closeAndAwait} began. */
    public boolean enter() {
        while (true) {
            long s = state.get();
            if ((s & CLOSING) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Ends a call registered by {@link #enter()}. */
    public void exit() {
        if (state.decrementAndGet() == CLOSING) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /** Whether closing began. */
    public boolean closing() {
        return (state.get() & CLOSING) != 0;
    }

    /** Calls in flight now. */
    public long inFlight() {
        return state.get() & ~CLOSING;
    }

    /**
     * Refuses new calls from now on and waits until every call in flight has ended, or until
     * {@code timeout} has passed.
     *
     * @return the number of calls still in flight (0 when all ended)
     */
    public long closeAndAwait(Duration timeout) throws InterruptedException {
        state.getAndUpdate(s -> s | CLOSING);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (true) {
                long n = inFlight();
                long left = deadline - System.nanoTime();
                if (n == 0 || left <= 0) {
                    return n;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
    }
}
