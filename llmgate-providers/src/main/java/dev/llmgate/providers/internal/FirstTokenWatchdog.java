package dev.llmgate.providers.internal;

import okhttp3.Call;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Cancels a streaming call whose first event does not arrive in time. One daemon thread serves
 * every stream of the process; a stream that starts in time costs one scheduled task.
 */
public final class FirstTokenWatchdog {
    private static final ScheduledThreadPoolExecutor TIMER;

    static {
        TIMER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "llmgate-first-token-watchdog");
            t.setDaemon(true);
            return t;
        });
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private final ScheduledFuture<?> task;
    private volatile boolean fired;

    private FirstTokenWatchdog(Call call, Duration limit) {
        this.task = TIMER.schedule(() -> {
            fired = true;
            call.cancel();
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts watching {@code call}. */
    public static FirstTokenWatchdog watch(Call call, Duration limit) {
        return new FirstTokenWatchdog(call, limit);
    }

    /** The first event arrived (or the stream ended): stop watching. */
    public void disarm() {
        task.cancel(false);
    }

    /** True if the watchdog cancelled the call. */
    public boolean fired() {
        return fired;
    }
}
