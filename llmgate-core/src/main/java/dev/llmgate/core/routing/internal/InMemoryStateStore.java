package dev.llmgate.core.routing.internal;

import dev.llmgate.core.routing.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The default {@link StateStore}: a concurrent map; expired keys are dropped lazily and by a periodic sweep. */
public final class InMemoryStateStore implements StateStore {
    private static final int SWEEP_EVERY = 4096;

    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger writes = new AtomicInteger();

    /** An immutable entry; updates replace it atomically through {@link ConcurrentHashMap#compute}. */
    private record Entry(long counter, String value, long expiresAtMillis) {}

    public InMemoryStateStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public OptionalLong addIfAtMost(String key, long delta, long limit, Instant expiresAt) {
        long now = clock.millis();
        long[] result = {0};
        boolean[] ok = {false};
        entries.compute(key, (k, e) -> {
            long current = live(e, now) ? e.counter : 0;
            long next = current + delta;
            if (next > limit) {
                ok[0] = false;
                return live(e, now) ? e : null;
            }
            ok[0] = true;
            result[0] = next;
            return new Entry(next, null, Math.max(expiresAt.toEpochMilli(), live(e, now) ? e.expiresAtMillis : 0));
        });
        maybeSweep(now);
        return ok[0] ? OptionalLong.of(result[0]) : OptionalLong.empty();
    }

    @Override
    public long add(String key, long delta, Instant expiresAt) {
        long now = clock.millis();
        Entry e = entries.compute(key, (k, old) -> {
            long current = live(old, now) ? old.counter : 0;
            return new Entry(
                    current + delta,
                    null,
                    Math.max(expiresAt.toEpochMilli(), live(old, now) ? old.expiresAtMillis : 0));
        });
        maybeSweep(now);
        return e.counter;
    }

    @Override
    public long counter(String key) {
        Entry e = entries.get(key);
        return live(e, clock.millis()) ? e.counter : 0;
    }

    @Override
    public Optional<String> value(String key) {
        Entry e = entries.get(key);
        return live(e, clock.millis()) ? Optional.ofNullable(e.value) : Optional.empty();
    }

    @Override
    public boolean compareAndSet(String key, Optional<String> expected, String newValue, Instant expiresAt) {
        Objects.requireNonNull(newValue, "newValue");
        long now = clock.millis();
        boolean[] ok = {false};
        entries.compute(key, (k, e) -> {
            Optional<String> current = live(e, now) ? Optional.ofNullable(e.value) : Optional.empty();
            if (!current.equals(expected)) {
                return live(e, now) ? e : null;
            }
            ok[0] = true;
            return new Entry(0, newValue, expiresAt.toEpochMilli());
        });
        maybeSweep(now);
        return ok[0];
    }

    private static boolean live(Entry e, long now) {
        return e != null && e.expiresAtMillis > now;
    }

    private void maybeSweep(long now) {
        if (writes.incrementAndGet() % SWEEP_EVERY == 0) {
            entries.entrySet().removeIf(en -> en.getValue().expiresAtMillis <= now);
        }
    }

    @Override
    public String toString() {
        return "InMemoryStateStore[" + entries.size() + " keys]";
    }
}
