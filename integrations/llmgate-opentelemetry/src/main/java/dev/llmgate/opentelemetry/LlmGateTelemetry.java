package dev.llmgate.opentelemetry;

import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.events.CallListener;
import dev.llmgate.core.events.CallObserver;
import dev.llmgate.core.routing.Router;
import dev.llmgate.opentelemetry.internal.Instruments;
import dev.llmgate.opentelemetry.internal.SpanObserver;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;

/**
 * OpenTelemetry spans and metrics for every call of a gate, with or without a {@link Router}: one span per call
 * (what the caller asked for and got, including blocked and failed calls) and a child span per attempt at a
 * provider (retries, fallbacks and hedges each get their own), the GenAI client metrics
 * {@code gen_ai.client.operation.duration} and {@code gen_ai.client.token.usage}, and llmgate's own metrics. Built on
 * the OpenTelemetry API only: the application brings the SDK (or the Java agent) and its exporters.
 *
 * <pre>{@code
 * LlmGateTelemetry telemetry = LlmGateTelemetry.create(openTelemetry);
 * LlmGate gate = telemetry.install(LlmGate.builder().provider("openai", openai)).build();
 * }</pre>
 *
 * <p>Guarantees:
 * <ul>
 *   <li>No prompt or answer text, tool arguments or credential in any span or metric unless
 *       {@link Builder#captureContent(boolean)} is set; then the prompt is recorded as the provider received it
 *       (after input redaction) and the answer as the caller received it (after output redaction), and the answer
 *       is left out of any call whose request was redacted or tokenized (a tokenized value restored into the answer
 *       would otherwise reach the telemetry backend).
 *   <li>Telemetry never changes a call: an exception thrown by the OpenTelemetry implementation is caught and
 *       logged by the gate ({@link CallObserver}), and the call's result or exception reaches the caller unchanged.
 *       Every span ends exactly once, also when a stream fails or is closed before its end.
 *   <li>The attempt span is the current span while its provider is called, so an instrumented HTTP client (for
 *       example OpenTelemetry's OkHttp library instrumentation passed to a provider's {@code httpClient(...)})
 *       propagates the trace context ({@code traceparent}) to the provider; with
 *       {@link Builder#propagateTraceContext(boolean)} llmgate's own HTTP providers send it themselves.
 * </ul>
 * Attribute names follow the OpenTelemetry GenAI semantic conventions, which are in development status (see
 * docs/observability.md for their stability and the opt-in).
 */
public final class LlmGateTelemetry {
    /** The instrumentation scope name of every span and instrument. */
    public static final String INSTRUMENTATION_NAME = "dev.llmgate";

    private final Instruments instruments;
    private final SpanObserver observer;

    private LlmGateTelemetry(Builder b) {
        this.instruments = new Instruments(b.openTelemetry, INSTRUMENTATION_NAME);
        this.observer = new SpanObserver(
                instruments,
                b.captureContent,
                b.propagateTraceContext,
                io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance());
    }

    /** Telemetry on {@code openTelemetry} with the defaults (no content captured). */
    public static LlmGateTelemetry create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /** A builder of telemetry on {@code openTelemetry} (e.g. {@code GlobalOpenTelemetry.get()} or your SDK). */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    /**
     * Registers this telemetry as an observer of {@code gate} ({@code gate.observer(observer())}) and returns it: the
     * call span covers every interceptor, the attempt spans cover each provider call.
     */
    public LlmGate.Builder install(LlmGate.Builder gate) {
        return Objects.requireNonNull(gate, "gate").observer(observer());
    }

    /** The observer that makes the spans and records the metrics; {@link #install} registers it. */
    public CallObserver observer() {
        return observer;
    }

    /**
     * Reports the circuit-breaker state of each of {@code router}'s deployments as the gauge
     * {@code llmgate.breaker.state} (0 closed, 1 half-open, 2 open), read when metrics are collected.
     *
     * @return the registration; close it to stop reporting
     */
    public AutoCloseable observe(Router router) {
        return instruments.observeBreakers(Objects.requireNonNull(router, "router"));
    }

    /**
     * Reports {@code log}'s records waiting to be written as the gauge {@code llmgate.audit.queue.depth}, read when
     * metrics are collected.
     *
     * @return the registration; close it to stop reporting
     */
    public AutoCloseable observe(AuditLog log) {
        return instruments.observeAuditQueue(Objects.requireNonNull(log, "log"));
    }

    /**
     * A listener for {@code Router.builder().listener(...)} that counts each circuit-breaker state change this process
     * makes as {@code llmgate.breaker.transitions} (attributes: deployment, {@code llmgate.breaker.from},
     * {@code llmgate.breaker.to}).
     */
    public CallListener breakerListener() {
        return instruments.breakerListener();
    }

    /** Configures {@link LlmGateTelemetry}. Not thread-safe. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private boolean captureContent;
        private boolean propagateTraceContext;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(
                    openTelemetry, "openTelemetry: pass GlobalOpenTelemetry.get() or your OpenTelemetrySdk");
        }

        /**
         * Whether spans carry the conversation ({@code gen_ai.input.messages} on attempt spans, as the provider
         * received it; {@code gen_ai.output.messages} on the call span, as the caller received it). Default
         * {@code false}. Turn it on only where the telemetry backend may hold what the gate's policy lets through.
         */
        public Builder captureContent(boolean value) {
            this.captureContent = value;
            return this;
        }

        /**
         * Whether llmgate's HTTP providers send each attempt's W3C trace context ({@code traceparent},
         * {@code tracestate}; never baggage) to the provider, so a provider or proxy that traces sees the call as part
         * of the trace. Default {@code false}: a trace id is an internal identifier, and most providers are third
         * parties. An instrumented HTTP client passed to a provider propagates on its own either way.
         */
        public Builder propagateTraceContext(boolean value) {
            this.propagateTraceContext = value;
            return this;
        }

        /** The telemetry. */
        public LlmGateTelemetry build() {
            return new LlmGateTelemetry(this);
        }
    }
}
