package dev.llmgate.providers.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Time limits of HTTP calls, checked by one daemon thread every {@link #TICK} (a limit fires at
 * most one tick late). Arming and disarming a limit only adds to and removes from a concurrent set,
 * so the call's own thread never wakes another thread. OkHttp's call timeout and a
 * {@code ScheduledExecutorService} both do: their timer thread is woken whenever a new limit becomes
 * the earliest, which with one call at a time is every call, and on a virtual machine waking a
 * parked thread costs the waker about 15 µs (docs/benchmarks.md). While nothing has been armed for
 * {@link #IDLE_TICKS} ticks the thread parks until the next limit is armed (that arm wakes it once).
 * The thread starts with the first limit armed and ends in {@link #stopIfIdle()} (a provider's
 * {@code close()}) when no limit is armed; the next limit armed starts a new one. Thread-safe.
 */
final class DeadlineTimer {
    /** How often armed limits are checked. */
    public static final Duration TICK = Duration.ofMillis(10);
    /** Ticks without any armed limit after which the thread parks until the next one is armed (one second). */
    static final int IDLE_TICKS = 100;
    /** Limits longer than this (about 146 years) are treated as this long. */
    private static final long MAX_NANOS = Long.MAX_VALUE / 2;

    private static final Duration MAX = Duration.ofNanos(MAX_NANOS);

    /** The process's timer; its thread starts with the first limit armed. */
    public static DeadlineTimer shared() {
        return Shared.TIMER;
    }

    private static final class Shared {
        static final DeadlineTimer TIMER = new DeadlineTimer(System::nanoTime, true);
    }

    /** The name of the timer's thread. */
    static final String THREAD_NAME = "llmgate-deadline-timer";

    private final LongSupplier nanoTime;
    private final boolean ownsThread;
    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private final Object lifecycle = new Object();
    /** The running ticker, or null: written under {@link #lifecycle}. */
    private volatile Ticker ticker;

    /** A timer without a thread: {@link #tick()} checks the limits (for tests, with a fake clock). */
    DeadlineTimer(LongSupplier nanoTime) {
        this(nanoTime, false);
    }

    private DeadlineTimer(LongSupplier nanoTime, boolean ownsThread) {
        this.nanoTime = nanoTime;
        this.ownsThread = ownsThread;
    }

    /** The thread that checks the limits, until told to stop. */
    private final class Ticker implements Runnable {
        final Thread thread = new Thread(this, THREAD_NAME);
        volatile boolean sleeping;
        volatile boolean stop;

        @Override
        public void run() {
            runTicks(this);
        }
    }

    /** One armed limit. */
    public final class Deadline {
        private final long at;
        private final Runnable onExpiry;
        private volatile boolean fired;

        private Deadline(long at, Runnable onExpiry) {
            this.at = at;
            this.onExpiry = onExpiry;
        }

        /** Stops watching this limit; it does not fire afterwards (unless it is firing right now). */
        public void disarm() {
            armed.remove(this);
        }

        /** Whether the limit passed and its action ran (or is running). */
        public boolean fired() {
            return fired;
        }
    }

    /** Runs {@code onExpiry} once {@code limit} has passed, unless the returned deadline is disarmed first. */
    public Deadline arm(Duration limit, Runnable onExpiry) {
        long nanos = limit.compareTo(MAX) > 0 ? MAX_NANOS : Math.max(0, limit.toNanos());
        Deadline d = new Deadline(nanoTime.getAsLong() + nanos, onExpiry);
        armed.add(d);
        Ticker t = ticker;
        if (t == null) {
            if (ownsThread) {
                start();
            }
        } else if (t.sleeping) {
            // the thread parked for lack of limits (at most once per idle second): wake it
            LockSupport.unpark(t.thread);
        }
        return d;
    }

    private void start() {
        synchronized (lifecycle) {
            if (ticker == null) {
                Ticker t = new Ticker();
                t.thread.setDaemon(true);
                ticker = t;
                t.thread.start();
            }
        }
    }

    /**
     * Ends the timer's thread if no limit is armed, and waits (up to 10 s) until it has ended; a limit
     * armed later starts a new thread. Does nothing while a limit is armed.
     */
    public void stopIfIdle() {
        Ticker t;
        synchronized (lifecycle) {
            t = ticker;
            if (t == null || !armed.isEmpty()) {
                return;
            }
            ticker = null;
            // arm() adds, then reads `ticker`; this wrote `ticker`, then reads the set: one of the two sees the other
            if (!armed.isEmpty()) {
                ticker = t;
                return;
            }
            t.stop = true;
        }
        LockSupport.unpark(t.thread);
        if (t.thread != Thread.currentThread()) {
            try {
                t.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Fires every armed limit that has passed. */
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // a concurrent set: removing while iterating is safe
    void tick() {
        long now = nanoTime.getAsLong();
        for (Deadline d : armed) {
            if (now - d.at >= 0 && armed.remove(d)) {
                d.fired = true;
                try {
                    d.onExpiry.run();
                } catch (RuntimeException e) {
                    System.getLogger(DeadlineTimer.class.getName())
                            .log(System.Logger.Level.WARNING, "a call's time-limit action failed", e);
                }
            }
        }
    }

    /** Number of limits armed (for tests). */
    int armedCount() {
        return armed.size();
    }

    private void runTicks(Ticker self) {
        long tickNanos = TICK.toNanos();
        int idle = 0;
        while (!self.stop) {
            if (!armed.isEmpty()) {
                idle = 0;
                tick();
            } else if (++idle >= IDLE_TICKS) {
                self.sleeping = true;
                // arm() adds, then reads `sleeping`; this writes `sleeping`, then reads the set: one of the two sees
                // the other
                if (armed.isEmpty() && !self.stop) {
                    LockSupport.park(this);
                }
                self.sleeping = false;
                idle = 0;
                continue;
            }
            LockSupport.parkNanos(this, tickNanos);
        }
    }
}
