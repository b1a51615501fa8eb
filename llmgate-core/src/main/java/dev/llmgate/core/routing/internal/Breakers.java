package dev.llmgate.core.routing.internal;

import dev.llmgate.core.events.BreakerTransition;
import dev.llmgate.core.events.CallListener;
import dev.llmgate.core.routing.BreakerState;
import dev.llmgate.core.routing.CircuitBreakerPolicy;
import dev.llmgate.core.routing.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Circuit breakers and cool-downs of deployments, kept in a {@link StateStore} as one short string
 * per deployment and updated by compare-and-set, so that a shared store shares breakers. Time comes
 * from the caller (the call's clock), never from the system.
 */
public final class Breakers {
    private static final String PREFIX = "llmgate:breaker:";
    private static final Duration KEEP = Duration.ofHours(24);
    private static final int MAX_CAS_TRIES = 64;

    private final StateStore store;
    private final Optional<CircuitBreakerPolicy> policy;
    private final List<CallListener> listeners;
    private static final System.Logger LOG = System.getLogger(Breakers.class.getName());

    /** One deployment's state; {@code openedAt} is the start of the open state, {@code probeAt} when the half-open probe left. */
    public record State(
            BreakerState state, int consecutive, int calls, long bits, long openedAt, long probeAt, long coolUntil) {
        static final State INITIAL = new State(BreakerState.CLOSED, 0, 0, 0L, 0L, 0L, 0L);

        int failures() {
            return Long.bitCount(bits);
        }

        String encode() {
            return state.name().charAt(0) + "," + consecutive + "," + calls + "," + bits + "," + openedAt + ","
                    + probeAt + "," + coolUntil;
        }

        /** The state {@link #encode} wrote; {@link #INITIAL} for anything else (a store shared with other versions). */
        static State decode(String s) {
            // seven comma-separated fields, read in place (called twice per attempt: no split, no substrings)
            long[] f = new long[6];
            int n = s.length();
            int at = s.indexOf(',');
            if (at != 1) {
                return INITIAL;
            }
            try {
                for (int k = 0; k < 6; k++) {
                    int from = at + 1;
                    int to = s.indexOf(',', from);
                    if ((to < 0) != (k == 5)) {
                        return INITIAL;
                    }
                    to = to < 0 ? n : to;
                    f[k] = k < 2 ? Integer.parseInt(s, from, to, 10) : Long.parseLong(s, from, to, 10);
                    at = to;
                }
            } catch (NumberFormatException e) {
                return INITIAL;
            }
            char c = s.charAt(0);
            BreakerState st = c == 'O' ? BreakerState.OPEN : c == 'H' ? BreakerState.HALF_OPEN : BreakerState.CLOSED;
            return new State(st, (int) f[0], (int) f[1], f[2], f[3], f[4], f[5]);
        }
    }

    public Breakers(StateStore store, Optional<CircuitBreakerPolicy> policy) {
        this(store, policy, List.of());
    }

    /** @param listeners told of every state change this process makes */
    public Breakers(StateStore store, Optional<CircuitBreakerPolicy> policy, List<CallListener> listeners) {
        this.store = store;
        this.policy = policy;
        this.listeners = List.copyOf(listeners);
    }

    private void changed(String address, BreakerState from, BreakerState to, long now) {
        if (from == to || listeners.isEmpty()) {
            return;
        }
        BreakerTransition t = new BreakerTransition(address, from, to, Instant.ofEpochMilli(now));
        for (CallListener l : listeners) {
            try {
                l.onBreakerTransition(t);
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "call listener " + l.getClass().getName() + " failed; ignored",
                        e);
            }
        }
    }

    /** The current state of {@code address}. */
    public State state(String address) {
        return store.value(PREFIX + address).map(State::decode).orElse(State.INITIAL);
    }

    /**
     * Whether a call may go to {@code address} now; an open circuit whose open time has passed admits
     * one probe (and moves to half-open). A half-open probe that never reported is replaced after
     * another open duration.
     */
    public boolean tryAcquire(String address, long now) {
        for (int i = 0; i < MAX_CAS_TRIES; i++) {
            Optional<String> raw = store.value(PREFIX + address);
            State s = raw.map(State::decode).orElse(State.INITIAL);
            if (now < s.coolUntil) {
                return false;
            }
            if (s.state == BreakerState.CLOSED || policy.isEmpty()) {
                return true;
            }
            long open = policy.get().openDuration().toMillis();
            long since = s.state == BreakerState.OPEN ? s.openedAt : s.probeAt;
            if (now < since + open) {
                return false;
            }
            State probing =
                    new State(BreakerState.HALF_OPEN, s.consecutive, s.calls, s.bits, s.openedAt, now, s.coolUntil);
            if (store.compareAndSet(
                    PREFIX + address,
                    raw,
                    probing.encode(),
                    Instant.ofEpochMilli(now).plus(KEEP))) {
                changed(address, s.state, BreakerState.HALF_OPEN, now);
                return true;
            }
        }
        return false;
    }

    /** The deployment answered. */
    public void onSuccess(String address, long now) {
        update(address, now, s -> {
            if (s.state != BreakerState.CLOSED) {
                return new State(BreakerState.CLOSED, 0, 0, 0L, 0L, 0L, s.coolUntil);
            }
            int size = policy.map(CircuitBreakerPolicy::windowSize).orElse(1);
            return new State(
                    BreakerState.CLOSED,
                    0,
                    Math.min(size, s.calls + 1),
                    (s.bits << 1) & mask(size),
                    0L,
                    0L,
                    s.coolUntil);
        });
    }

    /** The deployment answered with an error that says nothing about its health: only a half-open probe is affected (it closes). */
    public void onNeutral(String address, long now) {
        update(
                address,
                now,
                s -> s.state == BreakerState.HALF_OPEN
                        ? new State(BreakerState.CLOSED, 0, 0, 0L, 0L, 0L, s.coolUntil)
                        : s);
    }

    /** A counted failure; {@code coolFor} (a Retry-After) keeps the deployment out of rotation that long. */
    public void onFailure(String address, long now, Optional<Duration> coolFor) {
        update(address, now, s -> {
            long cool =
                    coolFor.map(d -> Math.max(s.coolUntil, now + d.toMillis())).orElse(s.coolUntil);
            if (policy.isEmpty()) {
                return new State(BreakerState.CLOSED, 0, 0, 0L, 0L, 0L, cool);
            }
            CircuitBreakerPolicy p = policy.get();
            if (s.state == BreakerState.HALF_OPEN) {
                return new State(BreakerState.OPEN, s.consecutive + 1, s.calls, s.bits, now, 0L, cool);
            }
            if (s.state == BreakerState.OPEN) {
                return new State(BreakerState.OPEN, s.consecutive + 1, s.calls, s.bits, s.openedAt, 0L, cool);
            }
            int size = p.windowSize();
            int calls = Math.min(size, s.calls + 1);
            long bits = ((s.bits << 1) | 1L) & mask(size);
            int consecutive = s.consecutive + 1;
            boolean open = consecutive >= p.consecutiveFailures()
                    || (calls >= p.minimumCalls() && Long.bitCount(bits) >= p.failureRateThreshold() * calls);
            return open
                    ? new State(BreakerState.OPEN, consecutive, calls, bits, now, 0L, cool)
                    : new State(BreakerState.CLOSED, consecutive, calls, bits, 0L, 0L, cool);
        });
    }

    /** When {@code address} admits a call again, or {@code now} if it does now. */
    public long availableAt(String address, long now) {
        State s = state(address);
        long at = Math.max(now, s.coolUntil);
        if (s.state != BreakerState.CLOSED && policy.isPresent()) {
            long since = s.state == BreakerState.OPEN ? s.openedAt : s.probeAt;
            at = Math.max(at, since + policy.get().openDuration().toMillis());
        }
        return at;
    }

    private static long mask(int size) {
        return size >= 64 ? -1L : (1L << size) - 1;
    }

    private void update(String address, long now, java.util.function.UnaryOperator<State> change) {
        String key = PREFIX + address;
        for (int i = 0; i < MAX_CAS_TRIES; i++) {
            Optional<String> raw = store.value(key);
            State s = raw.map(State::decode).orElse(State.INITIAL);
            State next = change.apply(s);
            if (next.equals(s) && raw.isPresent()) {
                return;
            }
            if (store.compareAndSet(
                    key, raw, next.encode(), Instant.ofEpochMilli(now).plus(KEEP))) {
                changed(address, s.state, next.state, now);
                return;
            }
        }
    }
}
