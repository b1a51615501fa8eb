package dev.llmgate.core.budget;

import dev.llmgate.core.routing.StateStore;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/** A store that forwards every method to {@code inner}; tests override the one they break or hold. */
class ForwardingStateStore implements StateStore {
    final StateStore inner;

    ForwardingStateStore(StateStore inner) {
        this.inner = inner;
    }

    @Override
    public OptionalLong addIfAtMost(String key, long delta, long limit, Instant expiresAt) {
        return inner.addIfAtMost(key, delta, limit, expiresAt);
    }

    @Override
    public long add(String key, long delta, Instant expiresAt) {
        return inner.add(key, delta, expiresAt);
    }

    @Override
    public long counter(String key) {
        return inner.counter(key);
    }

    @Override
    public Optional<String> value(String key) {
        return inner.value(key);
    }

    @Override
    public boolean compareAndSet(String key, Optional<String> expected, String newValue, Instant expiresAt) {
        return inner.compareAndSet(key, expected, newValue, expiresAt);
    }
}
