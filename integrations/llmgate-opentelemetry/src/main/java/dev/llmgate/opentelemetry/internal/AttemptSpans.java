package dev.llmgate.opentelemetry.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attempt interceptor: one CLIENT span per attempt at a provider (named {@code "<operation> <model>"}), current
 * while the provider is called, and the GenAI client metrics {@code gen_ai.client.operation.duration} and
 * {@code gen_ai.client.token.usage} per attempt.
 */
public final class AttemptSpans implements Interceptor {
    private static final CallContext.Key<AtomicInteger> ATTEMPT_NUMBERS =
            CallContext.Key.of("llmgate.otel.attempts", AtomicInteger.class);
    private static final System.Logger LOG = System.getLogger(AttemptSpans.class.getName());

    private final Instruments instruments;
    private final boolean captureContent;

    public AttemptSpans(Instruments instruments, boolean captureContent) {
        this.instruments = instruments;
        this.captureContent = captureContent;
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        CallContext call = chain.call();
        String operation = CallSpans.operation(call);
        String address = request.model();
        int colon = address.indexOf(':');
        String provider = colon > 0 ? address.substring(0, colon) : "";
        String model = colon > 0 ? address.substring(colon + 1) : address;
        long start = System.nanoTime();
        Span span;
        Context context;
        try {
            Context parent = call.get(CallSpans.CALL_CONTEXT).orElseGet(Context::current);
            SpanBuilder b = instruments
                    .tracer
                    .spanBuilder(operation + " " + model)
                    .setParent(parent)
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute(Names.OPERATION, operation)
                    .setAttribute(Names.PROVIDER, provider)
                    .setAttribute(Names.REQUEST_MODEL, model)
                    .setAttribute(Names.CALL_ID, call.callId())
                    .setAttribute(Names.ATTEMPT, attemptNumber(call));
            request.maxOutputTokens().ifPresent(v -> b.setAttribute(Names.MAX_TOKENS, (long) v));
            request.temperature().ifPresent(v -> b.setAttribute(Names.TEMPERATURE, v));
            request.topP().ifPresent(v -> b.setAttribute(Names.TOP_P, v));
            if (captureContent && !operation.equals("embeddings")) {
                b.setAttribute(Names.INPUT_MESSAGES, ContentJson.input(request));
            }
            span = b.startSpan();
            context = parent.with(span);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OpenTelemetry failed to start an attempt span; the call goes on", e);
            return chain.proceed(request);
        }
        ChatResult result;
        Scope scope = context.makeCurrent();
        try {
            result = chain.proceed(request);
        } catch (RuntimeException | Error e) {
            end(span, operation, provider, model, start, null, e);
            throw e;
        } finally {
            scope.close();
        }
        return Completion.observe(result, false, new Completion.Ending() {
            @Override
            public void succeeded(ChatResponse answer) {
                end(span, operation, provider, model, start, answer, null);
            }

            @Override
            public void failed(Throwable error) {
                end(span, operation, provider, model, start, null, error);
            }

            @Override
            public void closedEarly() {
                end(span, operation, provider, model, start, null, null);
            }
        });
    }

    private static int attemptNumber(CallContext call) {
        AtomicInteger numbers;
        synchronized (call) {
            numbers = call.get(ATTEMPT_NUMBERS).orElse(null);
            if (numbers == null) {
                numbers = new AtomicInteger();
                call.put(ATTEMPT_NUMBERS, numbers);
            }
        }
        return numbers.incrementAndGet();
    }

    /** The answer's shape on {@code span}: response id and model, finish reason, token counts. */
    static void describeAnswer(Span span, ChatResponse answer) {
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

    private void end(
            Span span,
            String operation,
            String provider,
            String model,
            long start,
            ChatResponse answer,
            Throwable error) {
        try {
            double seconds = (System.nanoTime() - start) / 1e9;
            AttributesBuilder metric = Attributes.builder()
                    .put(Names.OPERATION, operation)
                    .put(Names.PROVIDER, provider)
                    .put(Names.REQUEST_MODEL, model);
            if (answer != null) {
                describeAnswer(span, answer);
                span.setAttribute(Names.OUTCOME, "success");
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
                instruments.operationDuration.record(seconds, base);
            } else if (error != null) {
                String type = error.getClass().getSimpleName();
                span.setStatus(StatusCode.ERROR, type);
                span.setAttribute(Names.ERROR_TYPE, type);
                span.setAttribute(Names.OUTCOME, type);
                instruments.operationDuration.record(
                        seconds, metric.put(Names.ERROR_TYPE, type).build());
            } else {
                span.setAttribute(Names.OUTCOME, "closed_early");
                instruments.operationDuration.record(
                        seconds, metric.put(Names.ERROR_TYPE, "closed_early").build());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OpenTelemetry failed to record an attempt; the call is unchanged", e);
        } finally {
            try {
                span.end();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "OpenTelemetry failed to end an attempt span", e);
            }
        }
    }

    @Override
    public String toString() {
        return "LlmGateTelemetry.attemptInterceptor";
    }
}
