package dev.llmgate.core.routing;

import dev.llmgate.core.routing.internal.InMemoryStateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where routers keep circuit-breaker state and budgets keep their counters. The default,
 * {@link #inMemory()}, keeps them in this process; implement this interface on a store the fleet
 * already shares (Redis, a SQL table, Hazelcast) so that every instance of an application sees the
 * same limits and the same open breakers. See {@code docs/budgets-and-cost.md} for how each method
 * maps to Redis.
 *
 * <p>Contract: every method is atomic per key and thread-safe; counters start at 0; a key past its
 * {@code expiresAt} behaves as absent (the store may delete it then or later); {@link #addIfAtMost} and
 * {@link #add} keep the later of the key's expiry and the one given (a counter shared by calls that started at
 * different times lives as long as the latest needs), {@link #compareAndSet} sets the one given. Keys are short ASCII
 * strings built by llmgate (never prompt text).
 */
public interface StateStore {

    /**
     * Adds {@code delta} (which may be negative) to a counter if the result stays at most
     * {@code limit}; otherwise leaves it unchanged. This is the one operation that makes budgets
     * safe under concurrency: check and add happen as one step.
     *
     * @return the new value, or empty if adding would pass {@code limit}
     */
    OptionalLong addIfAtMost(String key, long delta, long limit, Instant expiresAt);

    /** Adds {@code delta} (which may be negative) to a counter unconditionally and returns the new value. */
    long add(String key, long delta, Instant expiresAt);

    /** The counter's value; 0 if absent. */
    long counter(String key);

    /** The value stored under {@code key} by {@link #compareAndSet}, if any. */
    Optional<String> value(String key);

    /**
     * Sets {@code key} to {@code newValue} if its current value is {@code expected} (empty: absent).
     *
     * @return whether the value was set
     */
    boolean compareAndSet(String key, Optional<String> expected, String newValue, Instant expiresAt);

    /** A store in this process's memory, expiring keys by the system clock. */
    static StateStore inMemory() {
        return new InMemoryStateStore(Clock.systemUTC());
    }

    /** A store in this process's memory, expiring keys by {@code clock} (inject a fake clock in tests). */
    static StateStore inMemory(Clock clock) {
        return new InMemoryStateStore(clock);
    }
}
