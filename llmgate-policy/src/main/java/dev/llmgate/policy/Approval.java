package dev.llmgate.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * How {@link Verdict#REQUIRE_APPROVAL} is resolved: the application's handler, how long to wait for
 * it, and the verdict that applies when it does not answer in time (or fails). The waiting thread
 * is the call's own thread; nothing else is blocked.
 *
 * @param handler   the approval callback
 * @param timeout   how long to wait for it
 * @param onTimeout the verdict when it does not answer in time or fails: {@link Verdict#ALLOW} or {@link Verdict#BLOCK}
 * @param timer     what measures the timeout: completes its stage after the given duration (tests pass one they complete by hand)
 */
public record Approval(ApprovalHandler handler, Duration timeout, Verdict onTimeout, Timer timer) {

    /** Measures an approval's timeout. */
    @FunctionalInterface
    public interface Timer {
        /** A stage that completes once {@code delay} has passed. */
        CompletionStage<?> after(Duration delay);

        /** The default timer: {@link CompletableFuture#delayedExecutor} on the common pool. */
        static Timer system() {
            return delay -> CompletableFuture.runAsync(
                    () -> {}, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    public Approval {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("approval timeout must be positive, was " + timeout);
        }
        Objects.requireNonNull(onTimeout, "onTimeout");
        if (onTimeout != Verdict.ALLOW && onTimeout != Verdict.BLOCK) {
            throw new IllegalArgumentException("approval default must be ALLOW or BLOCK, was " + onTimeout);
        }
        Objects.requireNonNull(timer, "timer");
    }

    /** An approval with the system timer. */
    public static Approval of(ApprovalHandler handler, Duration timeout, Verdict onTimeout) {
        return new Approval(handler, timeout, onTimeout, Timer.system());
    }
}
