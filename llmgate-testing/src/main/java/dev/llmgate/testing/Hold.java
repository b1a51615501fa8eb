package dev.llmgate.testing;

import java.time.Duration;

/**
 * A barrier a test opens by hand, to make concurrent behaviour deterministic without sleeping: calls
 * of a {@link ScriptedProvider} wait at it ({@link ScriptedProvider#holdCalls}, {@link Reply#heldBy})
 * until the test {@link #release()}s it, and the test can wait until a given number of them have
 * {@link #awaitArrivals arrived} (for example: the leader of a coalesced cache miss is inside the
 * provider; now start the followers).
 *
 * <p>Guarantees: nothing passes before {@link #release()}; everything passes after it, for good
 * (calls that arrive later do not wait). Arrivals are counted when a caller reaches the hold,
 * whether it waits or not. Neither side waits forever: a caller still held after {@link #GUARD}
 * fails with an {@link IllegalStateException}, and {@link #awaitArrivals} fails with an
 * {@link AssertionError} after the same time; these bounds only end a test that is already broken
 * (a forgotten {@code release()}), no passing test depends on them. A caller interrupted while held
 * gets an {@link IllegalStateException} and keeps its interrupt flag. Thread-safe.
 */
public final class Hold {
    /** How long either side waits at most before failing instead of hanging: 60 seconds. */
    public static final Duration GUARD = Duration.ofSeconds(60);

    private final Object lock = new Object();
    private int arrivals;
    private boolean released;

    /** A closed hold. */
    public Hold() {}

    /** Opens the hold: every waiting caller passes, and every later one passes at once. Idempotent. */
    public void release() {
        synchronized (lock) {
            released = true;
            lock.notifyAll();
        }
    }

    /** True once {@link #release()} was called. */
    public boolean isReleased() {
        synchronized (lock) {
            return released;
        }
    }

    /** How many callers have reached the hold so far (waiting or passed). */
    public int arrivals() {
        synchronized (lock) {
            return arrivals;
        }
    }

    /**
     * Waits until at least {@code count} callers have reached the hold.
     *
     * @throws AssertionError        if fewer arrived within {@link #GUARD}
     * @throws IllegalStateException if the waiting thread is interrupted (its interrupt flag is kept)
     */
    public void awaitArrivals(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        long deadline = System.nanoTime() + GUARD.toNanos();
        synchronized (lock) {
            while (arrivals < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "only " + arrivals + " of " + count + " expected calls reached the hold within " + GUARD);
                }
                waitOn(left, "awaitArrivals");
            }
        }
    }

    /** Arrives and waits until released. */
    void pass() {
        long deadline = System.nanoTime() + GUARD.toNanos();
        synchronized (lock) {
            arrivals++;
            lock.notifyAll();
            while (!released) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(
                            "a call was held for " + GUARD + " and the hold was never released: call"
                                    + " release() in the test (in a finally block or @AfterEach)");
                }
                waitOn(left, "a held call");
            }
        }
    }

    @SuppressWarnings("WaitNotInLoop") // every caller waits in a loop on its own condition
    private void waitOn(long nanos, String who) {
        try {
            lock.wait(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(who + " was interrupted while waiting at the hold", e);
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "Hold[" + (released ? "released" : "closed") + ", " + arrivals + " arrived]";
        }
    }
}
