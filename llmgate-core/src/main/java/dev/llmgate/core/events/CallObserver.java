package dev.llmgate.core.events;

/**
 * Observes every call of a gate and every attempt it makes at a provider, to turn them into traces and metrics
 * (llmgate-opentelemetry and llmgate-micrometer are observers). Register with
 * {@code LlmGate.Builder.observer(...)}; the gate then wraps the whole chain (the call, before every other
 * interceptor) and each attempt (right before the provider) and reports their ends. Works with or without a
 * router: a call without routing has one attempt; a cache hit has none.
 *
 * <p>Guarantees: {@link #start} is called on the thread that starts the call or attempt (an attempt of a hedge or
 * an async call: on that thread), with the call's {@link ObservedStart#call() context} shared between a call and its
 * attempts; {@link Observation#end} is called exactly once per started observation, also when a stream fails or its
 * consumer closes it early, on the thread that learned the end. An observer that throws is logged and ignored: it
 * never changes the call. Ends carry no answer text unless {@link #wantsAnswerText()} (then streams are collected).
 * Implementations must be thread-safe and quick.
 */
public interface CallObserver {

    /** A call or an attempt starts; returns what receives its end. */
    Observation start(ObservedStart start);

    /**
     * Whether the ends of calls should carry the answer's text (an observer that records content). Default
     * {@code false}: ends of streams then carry the answer's shape only (id, provider, model, finish reason, usage),
     * and no stream is collected in memory for this observer.
     */
    default boolean wantsAnswerText() {
        return false;
    }

    /** One observed call or attempt. */
    interface Observation {

        /**
         * Makes this observation current on the calling thread while the chain below it runs (a tracing span's
         * scope, so that what runs below sees it as the parent). Closed when the chain returns (for a stream: once
         * it is open, before it is read). Default: nothing.
         */
        default Scope makeCurrent() {
            return () -> {};
        }

        /** The call or attempt ended; called exactly once. */
        void end(ObservedEnd end);
    }

    /** What {@link Observation#makeCurrent()} opened; closing it must not throw. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
