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
 * Thread-safe.
 */
public final class DeadlineTimer {
    /** How often armed limits are checked. */
    public static final Duration TICK = Duration.ofMillis(10);
    /** Ticks without any armed limit after which the thread parks until the next one is armed (one second). */
    static final int IDLE_TICKS = 100;
    /** Limits longer than this (about 146 years) are treated as this long. */
    private static final long MAX_NANOS = Long.MAX_VALUE / 2;
    private static final Duration MAX = Duration.ofNanos(MAX_NANOS);

    /** The process's timer; its thread starts on first use. */
    public static DeadlineTimer shared() {
        return Shared.TIMER;
    }

    private static final class Shared {
        static final DeadlineTimer TIMER = startedTimer();

        private static DeadlineTimer startedTimer() {
            DeadlineTimer timer = new DeadlineTimer(System::nanoTime);
            Thread t = new Thread(timer::runTicks, "llmgate-deadline-timer");
            t.setDaemon(true);
            timer.thread = t;
            t.start();
            return timer;
        }
    }

    private final LongSupplier nanoTime;
    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();
    private volatile Thread thread;
    private volatile boolean sleeping;

    /** A timer without a thread: {@link #tick()} checks the limits (for tests, with a fake clock). */
    DeadlineTimer(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
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
        if (sleeping) {
            // the thread parked for lack of limits (at most once per idle second): wake it
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        return d;
    }

    /** Fires every armed limit that has passed. */
    void tick() {
        long now = nanoTime.getAsLong();
        for (Deadline d : armed) {
            if (now - d.at >= 0 && armed.remove(d)) {
                d.fired = true;
                try {
                    d.onExpiry.run();
                } catch (RuntimeException e) {
                    System.getLogger(DeadlineTimer.class.getName()).log(System.Logger.Level.WARNING, "a call's time-limit action failed", e);
                }
            }
        }
    }

    /** Number of limits armed (for tests). */
    int armedCount() {
        return armed.size();
    }

    private void runTicks() {
        long tickNanos = TICK.toNanos();
        int idle = 0;
        while (true) {
            if (!armed.isEmpty()) {
                idle = 0;
                tick();
            } else if (++idle >= IDLE_TICKS) {
                sleeping = true;
                // arm() adds, then reads `sleeping`; this writes `sleeping`, then reads the set: one of the two sees the other
                if (armed.isEmpty()) {
                    LockSupport.park(this);
                }
                sleeping = false;
                idle = 0;
                continue;
            }
            LockSupport.parkNanos(this, tickNanos);
        }
    }
}
