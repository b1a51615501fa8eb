package dev.llmgate.core.events;

/**
 * Sees every attempt a {@link dev.llmgate.core.routing.Router} makes (primary, retries, fallbacks,
 * hedges, rejected answers) and every change of a deployment's circuit breaker, to attach metrics and tracing. Register listeners with
 * {@code Router.builder().listener(...)}.
 *
 * <p>Guarantees: called once per attempt, when its outcome is known, on the thread that learned it
 * (the caller's, a hedge's, or the stream consumer's); never with prompt or answer text. A listener
 * that throws is logged and ignored: it never changes the call. Implementations must be thread-safe
 * and quick (hand slow work to another thread).
 */
@FunctionalInterface
public interface CallListener {

    /** One attempt finished (successfully or not). */
    void onAttempt(AttemptEvent event);

    /**
     * A deployment's circuit breaker changed state (opened, half-opened for a probe, closed), on the thread whose
     * attempt changed it. Default: nothing.
     */
    default void onBreakerTransition(BreakerTransition transition) {}
}
