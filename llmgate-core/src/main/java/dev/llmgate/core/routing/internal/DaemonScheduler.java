package dev.llmgate.core.routing.internal;

import dev.llmgate.core.routing.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The default {@link Scheduler}: one lazily started daemon thread shared by every router. */
public final class DaemonScheduler implements Scheduler {
    public static final DaemonScheduler INSTANCE = new DaemonScheduler();

    private DaemonScheduler() {}

    private static final class Holder {
        static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "llmgate-router-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public Runnable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f = Holder.EXECUTOR.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }
}
