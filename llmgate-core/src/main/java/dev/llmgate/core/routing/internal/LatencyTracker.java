package dev.llmgate.core.routing.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Exponentially weighted moving averages of latency per deployment and mode, lock-free. Kept in this process. */
public final class LatencyTracker {
    /** Weight of the newest sample. */
    public static final double ALPHA = 0.3;

    private static final long UNMEASURED = Double.doubleToRawLongBits(-1.0);

    private final ConcurrentHashMap<String, AtomicLong> latency = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> ttft = new ConcurrentHashMap<>();

    /** Adds a sample in milliseconds; {@code firstToken} for time-to-first-token samples of streams. */
    public void record(String address, boolean firstToken, double millis) {
        AtomicLong cell = (firstToken ? ttft : latency).computeIfAbsent(address, a -> new AtomicLong(UNMEASURED));
        while (true) {
            long old = cell.get();
            double prev = Double.longBitsToDouble(old);
            double next = prev < 0 ? millis : ALPHA * millis + (1 - ALPHA) * prev;
            if (cell.compareAndSet(old, Double.doubleToRawLongBits(next))) {
                return;
            }
        }
    }

    /** The average in milliseconds, or a negative number if not measured. */
    public double average(String address, boolean firstToken) {
        AtomicLong cell = (firstToken ? ttft : latency).get(address);
        return cell == null ? -1.0 : Double.longBitsToDouble(cell.get());
    }
}
