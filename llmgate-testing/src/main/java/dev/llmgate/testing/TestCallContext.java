package dev.llmgate.testing;

import dev.llmgate.api.spi.CallContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CallContext} for calling an {@code Interceptor} or a {@code ModelProvider} directly in a
 * test, without a gate. It behaves as the gate's own context does: attributes are typed by their key
 * and checked against its type, {@code null} values are refused, list attributes keep their order
 * and are safe to append from several threads, and {@link #list} returns a snapshot. In addition the
 * test can {@link #cancel()} the call, as {@code chatAsync(...).cancel(true)} would.
 *
 * <p>Defaults: call id {@code "test-call"}, a blocking call, and a new {@link MutableClock} at
 * {@link MutableClock#DEFAULT_START}; {@link #startedAt()} is the clock's instant when the context
 * was built. Thread-safe.
 */
public final class TestCallContext implements CallContext {
    private final String callId;
    private final boolean streaming;
    private final Clock clock;
    private final Instant startedAt;
    private final ConcurrentHashMap<Object, Object> attributes = new ConcurrentHashMap<>();
    private final List<Runnable> cancellers = new ArrayList<>();
    private boolean cancelled;

    private TestCallContext(String callId, boolean streaming, Clock clock) {
        this.callId = callId;
        this.streaming = streaming;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /** The context of a blocking call, with the defaults. */
    public static TestCallContext blockingCall() {
        return builder().build();
    }

    /** The context of a streamed call, with the defaults. */
    public static TestCallContext streamingCall() {
        return builder().streaming(true).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
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
        Objects.requireNonNull(action, "action");
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

    /**
     * Cancels the call: runs every action registered with {@link #onCancel} once, in the order
     * registered, and any registered later at once. Idempotent. An action that throws does not stop
     * the others; the first such exception is thrown once all have run, so that a test sees it.
     */
    public void cancel() {
        List<Runnable> toRun;
        synchronized (cancellers) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            toRun = new ArrayList<>(cancellers);
            cancellers.clear();
        }
        RuntimeException first = null;
        for (Runnable r : toRun) {
            try {
                r.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** How many cancel actions are registered and have not run yet. */
    public int pendingCancelActions() {
        synchronized (cancellers) {
            return cancellers.size();
        }
    }

    @Override
    public <T> Optional<T> get(Key<T> key) {
        return Optional.ofNullable(key.type().cast(attributes.get(key)));
    }

    @Override
    public <T> void put(Key<T> key, T value) {
        attributes.put(key, key.type().cast(Objects.requireNonNull(value, "attribute value")));
    }

    @Override
    public <T> void append(ListKey<T> key, T value) {
        T checked = key.type().cast(Objects.requireNonNull(value, "attribute value"));
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) attributes.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()));
        list.add(checked);
    }

    @Override
    public <T> List<T> list(ListKey<T> key) {
        Object list = attributes.get(key);
        if (list == null) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<T> typed = (List<T>) list;
        synchronized (typed) {
            return List.copyOf(typed);
        }
    }

    @Override
    public String toString() {
        return "TestCallContext[" + callId + (streaming ? ", streaming" : "") + (isCancelled() ? ", cancelled" : "")
                + "]";
    }

    /** Builds a {@link TestCallContext}. Not thread-safe. */
    public static final class Builder {
        private String callId = "test-call";
        private boolean streaming;
        private Clock clock;

        private Builder() {}

        /** The call's id (default {@code "test-call"}). */
        public Builder callId(String value) {
            Objects.requireNonNull(value, "callId");
            if (value.isBlank()) {
                throw new IllegalArgumentException("callId must not be blank");
            }
            this.callId = value;
            return this;
        }

        /** Whether the caller asked for a stream (default {@code false}). */
        public Builder streaming(boolean value) {
            this.streaming = value;
            return this;
        }

        /** The call's clock (default: a new {@link MutableClock} for each context built). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** A new context; its {@link TestCallContext#startedAt()} is the clock's instant now. */
        public TestCallContext build() {
            return new TestCallContext(callId, streaming, clock == null ? new MutableClock() : clock);
        }
    }
}
