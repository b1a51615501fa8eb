package dev.llmgate.core.internal;

import dev.llmgate.api.spi.CallContext;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The gate's {@link CallContext}: immutable facts plus a lazily created concurrent attribute map. */
public final class DefaultCallContext implements CallContext {
    private final String callId;
    private final boolean streaming;
    private final Clock clock;
    private final Instant startedAt;
    private volatile ConcurrentHashMap<Object, Object> attributes;
    private final java.util.List<Runnable> cancellers = new java.util.ArrayList<>(1);
    private boolean cancelled;

    public DefaultCallContext(String callId, boolean streaming, Clock clock) {
        this.callId = callId;
        this.streaming = streaming;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @Override
    public String callId() {
        return callId;
    }

    @Override
    public boolean streaming() {
        return streaming;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public void onCancel(Runnable action) {
        boolean runNow;
        synchronized (cancellers) {
            runNow = cancelled;
            if (!runNow) {
                cancellers.add(action);
            }
        }
        if (runNow) {
            action.run();
        }
    }

    @Override
    public boolean isCancelled() {
        synchronized (cancellers) {
            return cancelled;
        }
    }

    /** Cancels the call: runs every registered action once. Idempotent. */
    public void cancel() {
        java.util.List<Runnable> toRun;
        synchronized (cancellers) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = new java.util.ArrayList<>(cancellers);
            cancellers.clear();
        }
        for (Runnable r : toRun) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // a failing canceller must not stop the others
            }
        }
    }

    @Override
    public <T> Optional<T> get(Key<T> key) {
        ConcurrentHashMap<Object, Object> map = attributes;
        return map == null ? Optional.empty() : Optional.ofNullable(key.type().cast(map.get(key)));
    }

    @Override
    public <T> void put(Key<T> key, T value) {
        map().put(key, key.type().cast(java.util.Objects.requireNonNull(value, "attribute value")));
    }

    @Override
    public <T> void append(ListKey<T> key, T value) {
        T checked = key.type().cast(java.util.Objects.requireNonNull(value, "attribute value"));
        @SuppressWarnings("unchecked")
        java.util.List<T> list = (java.util.List<T>)
                map().computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>(4)));
        list.add(checked);
    }

    @Override
    public <T> java.util.List<T> list(ListKey<T> key) {
        ConcurrentHashMap<Object, Object> map = attributes;
        Object list = map == null ? null : map.get(key);
        if (list == null) {
            return java.util.List.of();
        }
        @SuppressWarnings("unchecked")
        java.util.List<T> typed = (java.util.List<T>) list;
        synchronized (typed) {
            return java.util.List.copyOf(typed);
        }
    }

    private ConcurrentHashMap<Object, Object> map() {
        ConcurrentHashMap<Object, Object> map = attributes;
        if (map == null) {
            synchronized (this) {
                map = attributes;
                if (map == null) {
                    map = new ConcurrentHashMap<>(8);
                    attributes = map;
                }
            }
        }
        return map;
    }

    @Override
    public String toString() {
        return "CallContext[" + callId + (streaming ? ", streaming" : "") + "]";
    }
}
