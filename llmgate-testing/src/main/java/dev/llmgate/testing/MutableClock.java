package dev.llmgate.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that moves only when the test moves it: pass it wherever llmgate takes a clock
 * ({@code LlmGate.builder().clock(...)}, routers, budgets, the audit log, {@link TestCallContext})
 * and advance it instead of sleeping.
 *
 * <p>Guarantees: {@link #instant()} returns exactly the instant last set, plus every
 * {@link #advance} since, with nanosecond precision; time never moves by itself. {@link #advance}
 * only moves forward; {@link #set} moves anywhere (as a real wall clock may step back). The zone is
 * UTC unless {@link #withZone} made a view in another zone; such a view shares this clock's time, so
 * moving either moves both. Thread-safe: concurrent advances all count.
 */
public final class MutableClock extends Clock {
    /** Where {@link #MutableClock()} starts: 2025-03-01T10:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2025-03-01T10:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at {@link #DEFAULT_START}, in UTC. */
    public MutableClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@code start}, in UTC. */
    public MutableClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Moves the clock forward by {@code duration}.
     *
     * @throws IllegalArgumentException if {@code duration} is negative (use {@link #set} to move back)
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("advance() moves forward only, was given " + duration
                    + ": use set(instant) to move the clock back");
        }
        now.updateAndGet(t -> t.plus(duration));
    }

    /** Sets the clock to {@code instant}, earlier or later than now. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view of this clock in {@code zone}: the same, shared time. */
    @Override
    public Clock withZone(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        return zone.equals(this.zone) ? this : new MutableClock(now, zone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + ", " + zone + "]";
    }
}
