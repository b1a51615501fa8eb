package dev.llmgate.providers.internal;

import okhttp3.Call;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The two time limits of a streamed call, which OkHttp's own timeouts do not cover: the first token
 * must arrive within {@code timeToFirstToken} (frames that carry no token, such as a role-only chunk
 * or a ping, do not count), and the whole stream must end within {@code total}. Either limit cancels
 * the call; {@link #fired()} then says which. One daemon thread serves every stream of the process.
 */
public final class StreamWatchdog {
    /** Which limit cancelled the call. */
    public enum Limit { NONE, FIRST_TOKEN, TOTAL }

    private static final ScheduledThreadPoolExecutor TIMER;

    static {
        TIMER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "llmgate-stream-watchdog");
            t.setDaemon(true);
            return t;
        });
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private final ScheduledFuture<?> firstToken;
    private final ScheduledFuture<?> total;
    private volatile Limit fired = Limit.NONE;

    private StreamWatchdog(Call call, Duration firstTokenLimit, Duration totalLimit) {
        this.firstToken = TIMER.schedule(() -> fire(call, Limit.FIRST_TOKEN), firstTokenLimit.toNanos(), TimeUnit.NANOSECONDS);
        this.total = TIMER.schedule(() -> fire(call, Limit.TOTAL), totalLimit.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void fire(Call call, Limit limit) {
        if (fired == Limit.NONE) {
            fired = limit;
        }
        call.cancel();
    }

    /** Starts watching {@code call}. */
    public static StreamWatchdog watch(Call call, Duration timeToFirstToken, Duration total) {
        return new StreamWatchdog(call, timeToFirstToken, total);
    }

    /** The first token arrived: only the total limit still applies. */
    public void firstTokenArrived() {
        firstToken.cancel(false);
    }

    /** The stream is over: stop watching. */
    public void disarm() {
        firstToken.cancel(false);
        total.cancel(false);
    }

    /** Which limit, if any, cancelled the call. */
    public Limit fired() {
        return fired;
    }
}
