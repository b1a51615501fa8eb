package dev.llmgate.providers.internal;

import java.time.Duration;
import okhttp3.Call;

/**
 * The two time limits of a streamed call, which OkHttp's own timeouts do not cover: the first token
 * must arrive within {@code timeToFirstToken} (frames that carry no token, such as a role-only chunk
 * or a ping, do not count), and the whole stream must end within {@code total}. Either limit cancels
 * the call; {@link #fired()} then says which. The limits are kept by the shared {@link DeadlineTimer}
 * (they fire at most one tick late), so starting and ending a stream wakes no thread.
 */
final class StreamWatchdog {
    /** Which limit cancelled the call. */
    public enum Limit {
        NONE,
        FIRST_TOKEN,
        TOTAL
    }

    private final DeadlineTimer.Deadline firstToken;
    private final DeadlineTimer.Deadline total;
    private volatile Limit fired = Limit.NONE;

    private StreamWatchdog(Call call, Duration firstTokenLimit, Duration totalLimit) {
        DeadlineTimer timer = DeadlineTimer.shared();
        this.firstToken = timer.arm(firstTokenLimit, () -> fire(call, Limit.FIRST_TOKEN));
        this.total = timer.arm(totalLimit, () -> fire(call, Limit.TOTAL));
    }

    private synchronized void fire(Call call, Limit limit) {
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
        firstToken.disarm();
    }

    /** The stream is over: stop watching. */
    public void disarm() {
        firstToken.disarm();
        total.disarm();
    }

    /** Which limit, if any, cancelled the call. */
    public Limit fired() {
        return fired;
    }
}
