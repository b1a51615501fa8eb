package dev.llmgate.api.spi;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Facts about the call in progress, shared by every interceptor of one call, plus a small typed
 * attribute map through which interceptors pass information along (a policy's decision to audit, a
 * routing attempt number to a listener). Implementations are thread-safe.
 */
public interface CallContext {

    /** A unique id for this call, also in audit records and logs. */
    String callId();

    /** True if the caller asked for a stream. */
    boolean streaming();

    /** The gate's clock: use it instead of the system clock so that tests can control time. */
    Clock clock();

    /** When the call started, by {@link #clock()}. */
    Instant startedAt();

    /**
     * Registers an action that stops this call's work in flight (a provider registers "cancel the
     * HTTP call"). Runs at once if the call was already cancelled. Cancelling a call (for example
     * {@code chatAsync(...).cancel(true)}) runs every registered action once.
     */
    void onCancel(Runnable action);

    /** True once the call was cancelled by its caller. */
    boolean isCancelled();

    /** The attribute stored under {@code key}, if any. */
    <T> Optional<T> get(Key<T> key);

    /** Stores (or replaces) an attribute. */
    <T> void put(Key<T> key, T value);

    /** Appends to a list attribute; safe from several threads (e.g. hedged attempts). */
    <T> void append(ListKey<T> key, T value);

    /** A snapshot of a list attribute, oldest first; empty if nothing was appended. */
    <T> java.util.List<T> list(ListKey<T> key);

    /**
     * A typed key of a list attribute; keys compare by identity, so keep them in constants.
     *
     * @param <T> the type of the list's elements
     */
    final class ListKey<T> {
        private final String name;
        private final Class<T> type;

        private ListKey(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        /** A new list key; {@code name} is for diagnostics only. */
        public static <T> ListKey<T> of(String name, Class<T> type) {
            return new ListKey<>(name, type);
        }

        public String name() {
            return name;
        }

        public Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return "ListKey[" + name + "]";
        }
    }

    /**
     * A typed attribute key; keys compare by identity, so keep them in constants.
     *
     * @param <T> the attribute's type
     */
    final class Key<T> {
        private final String name;
        private final Class<T> type;

        private Key(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        /** A new key; {@code name} is for diagnostics only. */
        public static <T> Key<T> of(String name, Class<T> type) {
            return new Key<>(name, type);
        }

        public String name() {
            return name;
        }

        public Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return "Key[" + name + "]";
        }
    }
}
