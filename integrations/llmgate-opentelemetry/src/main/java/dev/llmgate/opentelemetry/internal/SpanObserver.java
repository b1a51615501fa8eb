package dev.llmgate.opentelemetry.internal;

import dev.llmgate.api.AnswerFacts;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.api.spi.TraceContext;
import dev.llmgate.core.events.CallObserver;
import dev.llmgate.core.events.ObservedEnd;
import dev.llmgate.core.events.ObservedStart;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.List;

/**
 * The observer behind {@code LlmGateTelemetry}: a span per call (kind INTERNAL, {@code "<operation> <requested
 * model>"}), a child span per attempt (kind CLIENT, {@code "<operation> <model>"}), a child span per cache hit, the
 * policy decisions as span events, and the metrics. The call's OpenTelemetry context is kept in the call's context,
 * so that attempt spans on any thread (hedges, async calls) are its children.
 */
public final class SpanObserver implements CallObserver {
    private static final CallContext.Key<Context> CALL_CONTEXT =
            CallContext.Key.of("llmgate.otel.context", Context.class);

    private final Instruments instruments;
    private final boolean captureContent;
    private final boolean propagate;
    private final io.opentelemetry.context.propagation.TextMapPropagator propagator;

    public SpanObserver(
            Instruments instruments,
            boolean captureContent,
            boolean propagate,
            io.opentelemetry.context.propagation.TextMapPropagator propagator) {
        this.instruments = instruments;
        this.captureContent = captureContent;
        this.propagate = propagate;
        this.propagator = propagator;
    }

    @Override
    public boolean wantsAnswerText() {
        return captureContent;
    }

    @Override
    public Observation start(ObservedStart start) {
        CallContext call = start.call();
        Context parent = start.kind() == ObservedStart.Kind.ATTEMPT
                ? call.get(CALL_CONTEXT).orElseGet(Context::current)
                : Context.current();
        SpanBuilder b = instruments
                .tracer
                .spanBuilder(start.operation() + " " + start.model())
                .setParent(parent)
                .setAttribute(Names.OPERATION, start.operation())
                .setAttribute(Names.REQUEST_MODEL, start.model())
                .setAttribute(Names.CALL_ID, start.callId());
        ChatRequest request = start.request();
        if (start.kind() == ObservedStart.Kind.CALL) {
            b.setSpanKind(SpanKind.INTERNAL).setAttribute(Names.STREAMING, start.streaming());
        } else {
            b.setSpanKind(SpanKind.CLIENT)
                    .setAttribute(Names.PROVIDER, start.provider())
                    .setAttribute(Names.ATTEMPT, start.attempt());
            request.maxOutputTokens().ifPresent(v -> b.setAttribute(Names.MAX_TOKENS, (long) v));
            request.temperature().ifPresent(v -> b.setAttribute(Names.TEMPERATURE, v));
            request.topP().ifPresent(v -> b.setAttribute(Names.TOP_P, v));
            if (captureContent && start.operation().equals("chat")) {
                b.setAttribute(Names.INPUT_MESSAGES, ContentJson.input(request));
            }
        }
        Span span = b.startSpan();
        Context context = parent.with(span);
        if (start.kind() == ObservedStart.Kind.CALL) {
            call.put(CALL_CONTEXT, context);
            return new CallSpan(start, span, context);
        }
        return new AttemptSpan(start, span, context);
    }

    @Override
    public String toString() {
        return "LlmGateTelemetry";
    }

    private abstract static class SpanObservation implements Observation {
        final ObservedStart start;
        final Span span;
        final Context context;

        SpanObservation(ObservedStart start, Span span, Context context) {
            this.start = start;
            this.span = span;
            this.context = context;
        }

        @Override
        @SuppressWarnings("MustBeClosedChecker") // the gate closes the returned scope when the chain below returns
        public Scope makeCurrent() {
            io.opentelemetry.context.Scope scope = context.makeCurrent();
            return scope::close;
        }

        @Override
        public final void end(ObservedEnd end) {
            try {
                record(end);
                end.answer().ifPresent(a -> describeAnswer(span, a));
                span.setAttribute(Names.OUTCOME, end.outcome().label());
                if (end.outcome() != ObservedEnd.Outcome.SUCCESS && end.outcome() != ObservedEnd.Outcome.CLOSED_EARLY) {
                    String type = end.errorType().orElse("error");
                    span.setStatus(StatusCode.ERROR, type);
                    span.setAttribute(Names.ERROR_TYPE, type);
                }
            } finally {
                span.end();
            }
        }

        abstract void record(ObservedEnd end);
    }

    private final class CallSpan extends SpanObservation {
        CallSpan(ObservedStart start, Span span, Context context) {
            super(start, span, context);
        }

        @Override
        void record(ObservedEnd end) {
            AnswerFacts facts = end.facts();
            span.setAttribute(Names.CACHE_HIT, facts.cacheHit());
            span.setAttribute(Names.ATTEMPTS, facts.attempts());
            facts.deployment().ifPresent(d -> span.setAttribute(Names.DEPLOYMENT, d));
            end.costUsd().ifPresent(c -> span.setAttribute(Names.COST_USD, c.doubleValue()));
            if (facts.usageEstimated()) {
                span.setAttribute(Names.USAGE_ESTIMATED, true);
            }
            for (PolicyRecord r : end.policy()) {
                span.addEvent(
                        "llmgate.policy",
                        Attributes.builder()
                                .put(Names.POLICY_STAGE, r.stage())
                                .put(Names.POLICY_VERDICT, r.verdict())
                                .put(Names.POLICY_RULE.getKey(), r.ruleIds().toArray(new String[0]))
                                .build());
                for (String rule : r.ruleIds()) {
                    instruments.policyDecisions.add(
                            1,
                            Attributes.of(
                                    Names.POLICY_STAGE, r.stage(),
                                    Names.POLICY_VERDICT, r.verdict(),
                                    Names.POLICY_RULE, rule));
                }
            }
            if (captureContent
                    && start.operation().equals("chat")
                    && end.answer().isPresent()) {
                if (changedByPolicy(end.policy())) {
                    span.setAttribute(Names.CONTENT_OMITTED, "the request was redacted or tokenized");
                } else {
                    span.setAttribute(
                            Names.OUTPUT_MESSAGES,
                            ContentJson.output(end.answer().get()));
                }
            }
            if (end.error().orElse(null) instanceof BudgetExceededException b) {
                instruments.budgetRefusals.add(
                        1, Attributes.of(Names.BUDGET_WINDOW, b.window().toString()));
            }
            if (facts.cacheHit()) {
                Span hit = instruments
                        .tracer
                        .spanBuilder("cache hit")
                        .setParent(context)
                        .setSpanKind(SpanKind.INTERNAL)
                        .setAttribute(Names.CALL_ID, start.callId())
                        .startSpan();
                facts.deployment().ifPresent(d -> hit.setAttribute(Names.DEPLOYMENT, d));
                hit.end();
            }
            instruments.calls.add(
                    1,
                    Attributes.builder()
                            .put(Names.OPERATION, start.operation())
                            .put(Names.REQUEST_MODEL, start.model())
                            .put(Names.OUTCOME, end.outcome().label())
                            .put(Names.CACHE_HIT, facts.cacheHit())
                            .build());
            end.costUsd()
                    .filter(c -> c.signum() > 0)
                    .ifPresent(c -> instruments.cost.add(
                            c.doubleValue(),
                            Attributes.of(Names.OPERATION, start.operation(), Names.REQUEST_MODEL, start.model())));
        }
    }

    private final class AttemptSpan extends SpanObservation {
        AttemptSpan(ObservedStart start, Span span, Context context) {
            super(start, span, context);
        }

        /** The span current, and with propagation on, its W3C trace context for the provider's HTTP request. */
        @Override
        public Scope makeCurrent() {
            Scope spanScope = super.makeCurrent();
            if (!propagate) {
                return spanScope;
            }
            java.util.Map<String, String> headers = new java.util.HashMap<>(4);
            propagator.inject(context, headers, (carrier, key, value) -> carrier.put(key, value));
            String traceparent = headers.get("traceparent");
            if (traceparent == null) {
                return spanScope;
            }
            TraceContext.Scope traceScope;
            try {
                traceScope = TraceContext.of(traceparent, java.util.Optional.ofNullable(headers.get("tracestate")))
                        .makeCurrent();
            } catch (IllegalArgumentException malformed) {
                return spanScope; // not a W3C context (another propagator): nothing is sent
            }
            return () -> {
                try {
                    traceScope.close();
                } finally {
                    spanScope.close();
                }
            };
        }

        @Override
        void record(ObservedEnd end) {
            AttributesBuilder metric = Attributes.builder()
                    .put(Names.OPERATION, start.operation())
                    .put(Names.PROVIDER, start.provider())
                    .put(Names.REQUEST_MODEL, start.model());
            if (end.answer().isPresent()) {
                ChatResponse answer = end.answer().get();
                if (!answer.model().isEmpty()) {
                    metric.put(Names.RESPONSE_MODEL, answer.model());
                }
                Attributes base = metric.build();
                instruments.tokenUsage.record(
                        answer.usage().inputTokens(),
                        base.toBuilder().put(Names.TOKEN_TYPE, "input").build());
                instruments.tokenUsage.record(
                        answer.usage().outputTokens(),
                        base.toBuilder().put(Names.TOKEN_TYPE, "output").build());
                instruments.operationDuration.record(seconds(end), base);
            } else {
                instruments.operationDuration.record(
                        seconds(end),
                        metric.put(Names.ERROR_TYPE, end.errorType().orElse("error"))
                                .build());
            }
        }
    }

    private static double seconds(ObservedEnd end) {
        return end.duration().toNanos() / 1e9;
    }

    /** The answer's shape on {@code span}: response id and model, finish reason, token counts. */
    private static void describeAnswer(Span span, ChatResponse answer) {
        if (!answer.provider().isEmpty()) {
            span.setAttribute(Names.PROVIDER, answer.provider());
        }
        if (!answer.model().isEmpty()) {
            span.setAttribute(Names.RESPONSE_MODEL, answer.model());
        }
        if (!answer.id().isEmpty()) {
            span.setAttribute(Names.RESPONSE_ID, answer.id());
        }
        span.setAttribute(Names.FINISH_REASONS, List.of(ContentJson.finishReason(answer.finishReason())));
        span.setAttribute(Names.INPUT_TOKENS, answer.usage().inputTokens());
        span.setAttribute(Names.OUTPUT_TOKENS, answer.usage().outputTokens());
    }

    /**
     * True when a decision other than an answer's changed or stopped the request (redaction, tokenization): the answer
     * may hold values restored from tokens, so it is not recorded.
     */
    private static boolean changedByPolicy(List<PolicyRecord> policy) {
        for (PolicyRecord r : policy) {
            if (!r.stage().equals("output")
                    && !r.stage().equals("stream")
                    && !r.verdict().equals("ALLOW")
                    && !r.verdict().equals("ALLOW_LOG")) {
                return true;
            }
        }
        return false;
    }
}
