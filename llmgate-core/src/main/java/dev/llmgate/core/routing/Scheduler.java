package dev.llmgate.core.routing;

import dev.llmgate.core.routing.internal.DaemonScheduler;
import java.time.Duration;

/**
 * Runs a task after a delay; hedging uses it to launch the second request. The default is one shared
 * daemon thread; tests inject one they trigger by hand.
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * Runs {@code task} once after {@code delay}, on some thread other than the caller's.
     *
     * @return an action that cancels the task if it has not started
     */
    Runnable schedule(Duration delay, Runnable task);

    /** The shared daemon scheduler. */
    static Scheduler system() {
        return DaemonScheduler.INSTANCE;
    }
}
