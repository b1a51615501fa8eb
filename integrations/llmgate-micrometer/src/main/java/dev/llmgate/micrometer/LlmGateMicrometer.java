package dev.llmgate.micrometer;

import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.events.CallListener;
import dev.llmgate.core.events.CallObserver;
import dev.llmgate.core.routing.Router;
import dev.llmgate.micrometer.internal.ObservationObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * Micrometer for every call of a gate, with or without a {@link Router}: an {@code llmgate.call} observation per
 * call and a {@code gen_ai.client.operation} observation per attempt at a provider (its child), so that a Spring
 * application's {@code ObservationRegistry} turns them into timers and, where micrometer-tracing is present, spans
 * — with no other wiring. Tokens, cost, policy decisions and budget refusals are meters on the {@link MeterRegistry}.
 *
 * <pre>{@code
 * LlmGateMicrometer micrometer = LlmGateMicrometer.create(observationRegistry, meterRegistry);
 * LlmGate gate = micrometer.install(LlmGate.builder().provider("openai", openai)).build();
 * }</pre>
 *
 * <p>Guarantees: no prompt, answer, tool argument, exception message or credential in any key value or tag; tag
 * keys of a meter are the same on every record (what Prometheus requires), with {@code "none"} where a value is
 * absent; a failing registry or handler never changes a call (the gate logs it: {@link CallObserver}); every
 * observation stops exactly once, also when a stream fails or is closed early.
 */
public final class LlmGateMicrometer {
    private final ObservationObserver observer;

    private LlmGateMicrometer(ObservationRegistry observations, MeterRegistry meters) {
        this.observer = new ObservationObserver(observations, meters);
    }

    /**
     * Micrometer on {@code observations} (e.g. Spring's {@code ObservationRegistry} bean) and {@code meters} (e.g. its
     * {@code MeterRegistry} bean).
     */
    public static LlmGateMicrometer create(ObservationRegistry observations, MeterRegistry meters) {
        return new LlmGateMicrometer(
                Objects.requireNonNull(observations, "observations: e.g. ObservationRegistry.create()"),
                Objects.requireNonNull(meters, "meters: e.g. new SimpleMeterRegistry()"));
    }

    /** Registers this as an observer of {@code gate} ({@code gate.observer(observer())}) and returns it. */
    public LlmGate.Builder install(LlmGate.Builder gate) {
        return Objects.requireNonNull(gate, "gate").observer(observer);
    }

    /** The observer; {@link #install} registers it. */
    public CallObserver observer() {
        return observer;
    }

    /**
     * A listener for {@code Router.builder().listener(...)} that counts each circuit-breaker state change this process
     * makes as {@code llmgate.breaker.transitions} (tags: deployment, {@code llmgate.breaker.from},
     * {@code llmgate.breaker.to}).
     */
    public CallListener breakerListener() {
        return observer.breakerListener();
    }

    /**
     * Reports the circuit-breaker state of each of {@code router}'s deployments as the gauge
     * {@code llmgate.breaker.state} (0 closed, 1 half-open, 2 open, tag {@code llmgate.deployment}).
     *
     * @return the registration; close it to remove the gauges
     */
    public AutoCloseable observe(Router router) {
        return observer.observeBreakers(Objects.requireNonNull(router, "router"));
    }

    /**
     * Reports {@code log}'s records waiting to be written as the gauge {@code llmgate.audit.queue.depth}.
     *
     * @return the registration; close it to remove the gauge
     */
    public AutoCloseable observe(AuditLog log) {
        return observer.observeAuditQueue(Objects.requireNonNull(log, "log"));
    }
}
