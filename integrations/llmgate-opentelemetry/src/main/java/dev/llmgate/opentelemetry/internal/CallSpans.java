package dev.llmgate.opentelemetry.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.PolicyRecord;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The call interceptor: one span per call (kind INTERNAL, named {@code "<operation> <requested model>"}), the
 * per-call metrics, the policy decisions as span events, a child span for a cache hit. Puts the call's context in
 * the {@link CallContext} so that attempt spans on any thread (hedges, async calls) are its children.
 */
public final class CallSpans implements Interceptor {
    /** The context (holding the call span) that attempt spans are children of. */
    static final CallContext.Key<Context> CALL_CONTEXT = CallContext.Key.of("llmgate.otel.context", Context.class);

    private static final System.Logger LOG = System.getLogger(CallSpans.class.getName());

    private final Instruments instruments;
    private final boolean captureContent;

    public CallSpans(Instruments instruments, boolean captureContent) {
        this.instruments = instruments;
        this.captureContent = captureContent;
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        CallContext call = chain.call();
        String operation = operation(call);
        Span span;
        Context context;
        try {
            span = instruments
                    .tracer
                    .spanBuilder(operation + " " + request.model())
                    .setSpanKind(SpanKind.INTERNAL)
                    .setAttribute(Names.OPERATION, operation)
                    .setAttribute(Names.REQUEST_MODEL, request.model())
                    .setAttribute(Names.CALL_ID, call.callId())
                    .setAttribute(Names.STREAMING, call.streaming())
                    .startSpan();
            context = Context.current().with(span);
            call.put(CALL_CONTEXT, context);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OpenTelemetry failed to start a call span; the call goes on", e);
            return chain.proceed(request);
        }
        ChatResult result;
        Scope scope = context.makeCurrent();
        try {
            result = chain.proceed(request);
        } catch (RuntimeException | Error e) {
            end(call, request, span, operation, null, e);
            throw e;
        } finally {
            scope.close();
        }
        boolean withText = captureContent && !operation.equals("embeddings");
        return Completion.observe(result, withText, new Completion.Ending() {
            @Override
            public void succeeded(ChatResponse answer) {
                end(call, request, span, operation, answer, null);
            }

            @Override
            public void failed(Throwable error) {
                end(call, request, span, operation, null, error);
            }

            @Override
            public void closedEarly() {
                end(call, request, span, operation, null, null);
            }
        });
    }

    static String operation(CallContext call) {
        return call.get(CallFacts.EMBEDDINGS).orElse(false) ? "embeddings" : "chat";
    }

    /** Ends the span and records the metrics; never throws. {@code answer} and {@code error} both null: closed early. */
    private void end(
            CallContext call, ChatRequest request, Span span, String operation, ChatResponse answer, Throwable error) {
        try {
            boolean cacheHit = call.get(CallFacts.CACHE_HIT).orElse(false);
            Optional<String> deployment = call.get(CallFacts.DEPLOYMENT);
            int attempts = call.list(CallFacts.ATTEMPTS).size();
            if (attempts == 0 && (cacheHit || deployment.isPresent())) {
                attempts = 1;
            }
            span.setAttribute(Names.CACHE_HIT, cacheHit);
            span.setAttribute(Names.ATTEMPTS, attempts);
            deployment.ifPresent(d -> span.setAttribute(Names.DEPLOYMENT, d));
            Optional<BigDecimal> cost = call.get(CallFacts.COST_USD);
            cost.ifPresent(c -> span.setAttribute(Names.COST_USD, c.doubleValue()));
            if (call.get(CallFacts.ESTIMATED_USAGE).isPresent()) {
                span.setAttribute(Names.USAGE_ESTIMATED, true);
            }
            List<PolicyRecord> policy = call.list(CallFacts.POLICY);
            for (PolicyRecord r : policy) {
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
            String outcome;
            if (answer != null) {
                outcome = "success";
                AttemptSpans.describeAnswer(span, answer);
                if (captureContent && !operation.equals("embeddings")) {
                    if (redacted(policy)) {
                        span.setAttribute(Names.CONTENT_OMITTED, "the request was redacted or tokenized");
                    } else {
                        span.setAttribute(Names.OUTPUT_MESSAGES, ContentJson.output(answer));
                    }
                }
            } else if (error != null) {
                outcome = error instanceof PolicyBlockedException
                        ? "blocked"
                        : error instanceof BudgetExceededException ? "budget_refused" : "failed";
                String type = error.getClass().getSimpleName();
                span.setStatus(StatusCode.ERROR, type);
                span.setAttribute(Names.ERROR_TYPE, type);
                if (error instanceof BudgetExceededException b) {
                    instruments.budgetRefusals.add(
                            1, Attributes.of(Names.BUDGET_WINDOW, b.window().toString()));
                }
            } else {
                outcome = "closed_early";
            }
            span.setAttribute(Names.OUTCOME, outcome);
            if (cacheHit) {
                Span hit = instruments
                        .tracer
                        .spanBuilder("cache hit")
                        .setParent(Context.current().with(span))
                        .setSpanKind(SpanKind.INTERNAL)
                        .setAttribute(Names.CALL_ID, call.callId())
                        .startSpan();
                deployment.ifPresent(d -> hit.setAttribute(Names.DEPLOYMENT, d));
                hit.end();
            }
            AttributesBuilder callAttributes = Attributes.builder()
                    .put(Names.OPERATION, operation)
                    .put(Names.REQUEST_MODEL, request.model())
                    .put(Names.OUTCOME, outcome)
                    .put(Names.CACHE_HIT, cacheHit);
            instruments.calls.add(1, callAttributes.build());
            if (cost.isPresent() && cost.get().signum() > 0) {
                instruments.cost.add(
                        cost.get().doubleValue(),
                        Attributes.of(Names.OPERATION, operation, Names.REQUEST_MODEL, request.model()));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OpenTelemetry failed to record a call; the call is unchanged", e);
        } finally {
            try {
                span.end();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "OpenTelemetry failed to end a call span", e);
            }
        }
    }

    /** True when an input decision changed the request (redaction or tokenization): its answer may hold restored values. */
    private static boolean redacted(List<PolicyRecord> policy) {
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

    @Override
    public String toString() {
        return "LlmGateTelemetry.callInterceptor";
    }
}
