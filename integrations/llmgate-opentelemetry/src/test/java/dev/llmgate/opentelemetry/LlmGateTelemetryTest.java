package dev.llmgate.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spans and metrics as an OpenTelemetry SDK with in-memory exporters receives them. */
class LlmGateTelemetryTest {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(
                    SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final LlmGateTelemetry telemetry = LlmGateTelemetry.create(otel);

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    private static ScriptedProvider answering(String text) {
        return ScriptedProvider.answering(call -> Reply.text(text).withUsage(new Usage(12, 3, 0, 0, 0)));
    }

    private SpanData span(String name) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + names()));
    }

    private List<String> names() {
        return spans.getFinishedSpanItems().stream().map(SpanData::getName).toList();
    }

    private MetricData metric(String name) {
        return metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private static Collection<MetricData> only(Collection<MetricData> all, String name) {
        return all.stream().filter(m -> m.getName().equals(name)).toList();
    }

    @Test
    void aFallbackShowsAsACallSpanWithOneChildSpanPerAttempt() {
        ScriptedProvider busy = ScriptedProvider.replying(
                Reply.failure(() -> new OverloadedException("busy", ErrorDetails.of("a"), Optional.empty(), null)));
        Router router = Router.builder()
                .route(Route.builder("smart")
                        .deployment("a:big")
                        .deployment("b:small")
                        .build())
                .build();
        try (LlmGate gate = telemetry
                .install(LlmGate.builder())
                .provider("a", busy)
                .provider("b", answering("fine"))
                .addInterceptor(router)
                .build()) {
            ChatResponse r = gate.chat(ChatRequest.of("smart", "hello"));
            assertThat(r.text()).isEqualTo("fine");
        }
        SpanData call = span("chat smart");
        assertThat(call.getKind()).isEqualTo(SpanKind.INTERNAL);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model")))
                .isEqualTo("smart");
        assertThat(call.getAttributes().get(AttributeKey.longKey("llmgate.attempts")))
                .isGreaterThanOrEqualTo(2L);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("llmgate.deployment")))
                .isEqualTo("b:small");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("llmgate.outcome")))
                .isEqualTo("success");

        SpanData failed = span("chat big");
        SpanData answered = span("chat small");
        for (SpanData attempt : List.of(failed, answered)) {
            assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(attempt.getParentSpanId()).isEqualTo(call.getSpanId());
            assertThat(attempt.getTraceId()).isEqualTo(call.getTraceId());
        }
        assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(failed.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("OverloadedException");
        assertThat(failed.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
                .isEqualTo("a");
        assertThat(answered.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
                .isEqualTo("b");
        assertThat(answered.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens")))
                .isEqualTo(12L);
        assertThat(answered.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens")))
                .isEqualTo(3L);
        assertThat(answered.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("stop");
        assertThat(answered.getAttributes().get(AttributeKey.longKey("llmgate.attempt")))
                .isGreaterThan(failed.getAttributes().get(AttributeKey.longKey("llmgate.attempt")));

        Collection<MetricData> all = metrics.collectAllMetrics();
        MetricData duration =
                only(all, "gen_ai.client.operation.duration").iterator().next();
        assertThat(duration.getUnit()).isEqualTo("s");
        List<HistogramPointData> points =
                new ArrayList<>(duration.getHistogramData().getPoints());
        assertThat(points)
                .anySatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("error.type")))
                        .isEqualTo("OverloadedException"));
        assertThat(points).anySatisfy(p -> {
            assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
                    .isEqualTo("b");
            assertThat(p.getAttributes().get(AttributeKey.stringKey("error.type")))
                    .isNull();
        });
        MetricData tokens = only(all, "gen_ai.client.token.usage").iterator().next();
        Map<String, Double> sums = new HashMap<>();
        for (HistogramPointData p : tokens.getHistogramData().getPoints()) {
            sums.merge(p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type")), p.getSum(), Double::sum);
        }
        assertThat(sums).containsEntry("input", 12.0).containsEntry("output", 3.0);
        MetricData calls = only(all, "llmgate.calls").iterator().next();
        assertThat(calls.getLongSumData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(1);
            assertThat(p.getAttributes().get(AttributeKey.stringKey("llmgate.outcome")))
                    .isEqualTo("success");
        });
    }

    @Test
    void withoutARouterTheAttemptSpanIsCurrentWhileTheProviderIsCalled() {
        AtomicReference<SpanContext> seen = new AtomicReference<>();
        Map<String, String> headers = new HashMap<>();
        ScriptedProvider provider = ScriptedProvider.answering(call -> {
            seen.set(Span.current().getSpanContext());
            otel.getPropagators()
                    .getTextMapPropagator()
                    .inject(Context.current(), headers, (carrier, k, v) -> carrier.put(k, v));
            return Reply.text("ok");
        });
        try (LlmGate gate =
                telemetry.install(LlmGate.builder()).provider("p", provider).build()) {
            gate.chat(ChatRequest.of("p:m", "hi"));
        }
        SpanData attempt = span("chat m");
        SpanData call = span("chat p:m");
        assertThat(attempt.getParentSpanId()).isEqualTo(call.getSpanId());
        assertThat(seen.get().getSpanId()).isEqualTo(attempt.getSpanId());
        assertThat(headers.get("traceparent"))
                .startsWith("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-");
        assertThat(call.getAttributes().get(AttributeKey.longKey("llmgate.attempts")))
                .isEqualTo(1L);
    }

    @Test
    void aCallInsideAnApplicationSpanIsItsChild() {
        Span outer = otel.getTracer("app").spanBuilder("handle request").startSpan();
        try (LlmGate gate = telemetry
                        .install(LlmGate.builder())
                        .provider("p", answering("ok"))
                        .build();
                var ignored = outer.makeCurrent()) {
            gate.chat(ChatRequest.of("p:m", "hi"));
        } finally {
            outer.end();
        }
        assertThat(span("chat p:m").getParentSpanId())
                .isEqualTo(outer.getSpanContext().getSpanId());
    }

    @Test
    void aCacheHitIsAChildSpanAndNoProviderAttempt() {
        ResponseCache cache = ResponseCache.builder().build();
        ScriptedProvider provider = answering("cached answer");
        try (LlmGate gate = telemetry
                .install(LlmGate.builder())
                .provider("p", provider)
                .addInterceptor(cache.interceptor())
                .build()) {
            ChatRequest request =
                    ChatRequest.builder("p:m").user("same").tenant("t").build();
            gate.chat(request);
            spans.reset();
            assertThat(gate.chat(request).facts().cacheHit()).isTrue();
        }
        assertThat(names()).containsExactlyInAnyOrder("cache hit", "chat p:m");
        SpanData call = span("chat p:m");
        assertThat(call.getAttributes().get(AttributeKey.booleanKey("llmgate.cache.hit")))
                .isTrue();
        assertThat(span("cache hit").getParentSpanId()).isEqualTo(call.getSpanId());
        assertThat(span("cache hit").getAttributes().get(AttributeKey.stringKey("llmgate.deployment")))
                .isEqualTo("p:m");
        assertThat(metric("llmgate.calls").getLongSumData().getPoints())
                .anySatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.booleanKey("llmgate.cache.hit")))
                        .isTrue());
    }

    @Test
    void aBlockedCallIsAnErrorSpanWithItsPolicyDecisionAndNoSecretAnywhere() {
        Policy hipaa = Policy.builder().preset(CompliancePreset.HIPAA).build();
        ScriptedProvider provider = answering("never");
        try (LlmGate gate = telemetry
                .install(LlmGate.builder())
                .provider("p", provider)
                .addInterceptor(hipaa.interceptor())
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "my key is AKIAIOSFODNN7EXAMPLE, store it")))
                    .isInstanceOf(PolicyBlockedException.class);
        }
        assertThat(provider.calls()).isZero();
        assertThat(names()).containsExactly("chat p:m");
        SpanData call = span("chat p:m");
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("llmgate.outcome")))
                .isEqualTo("blocked");
        assertThat(call.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("PolicyBlockedException");
        assertThat(call.getEvents()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("llmgate.policy");
            assertThat(e.getAttributes().get(AttributeKey.stringKey("llmgate.policy.verdict")))
                    .isEqualTo("BLOCK");
        });
        assertThat(metric("llmgate.policy.decisions").getLongSumData().getPoints())
                .anySatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("llmgate.policy.verdict")))
                        .isEqualTo("BLOCK"));
        assertThat(spans.getFinishedSpanItems().toString()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
        assertThat(metrics.collectAllMetrics().toString()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
    }

    @Test
    void aStreamEndsItsSpansAtItsFinishAndAlsoWhenClosedEarly() {
        try (LlmGate gate = telemetry
                .install(LlmGate.builder())
                .provider("p", ScriptedProvider.answering(call -> Reply.words("one two three four")))
                .build()) {
            ChatResponse r = gate.stream(ChatRequest.of("p:m", "count")).collect();
            assertThat(r.text()).isEqualTo("one two three four");
            assertThat(names()).containsExactlyInAnyOrder("chat p:m", "chat m");
            assertThat(span("chat p:m").getAttributes().get(AttributeKey.booleanKey("llmgate.streaming")))
                    .isTrue();
            assertThat(span("chat p:m").getAttributes().get(AttributeKey.stringKey("llmgate.outcome")))
                    .isEqualTo("success");

            spans.reset();
            try (ChatStream s = gate.stream(ChatRequest.of("p:m", "count"))) {
                s.next();
                assertThat(spans.getFinishedSpanItems()).isEmpty(); // still in flight
            }
            assertThat(names()).containsExactlyInAnyOrder("chat p:m", "chat m");
            for (SpanData s : spans.getFinishedSpanItems()) {
                assertThat(s.getAttributes().get(AttributeKey.stringKey("llmgate.outcome")))
                        .isEqualTo("closed_early");
            }
        }
    }

    @Test
    void contentIsRecordedOnlyWhenAskedAndThenAfterRedaction() {
        Policy hipaa = Policy.builder().preset(CompliancePreset.HIPAA).build();
        String prompt = "Summarise: patient SSN 536-22-8410 was admitted.";
        try (LlmGate gate = telemetry
                .install(LlmGate.builder())
                .provider("p", answering("Summary: admitted."))
                .addInterceptor(hipaa.interceptor())
                .build()) {
            gate.chat(ChatRequest.of("p:m", prompt));
        }
        assertThat(spans.getFinishedSpanItems().toString())
                .doesNotContain("536-22-8410")
                .doesNotContain("gen_ai.input.messages")
                .doesNotContain("Summary: admitted");

        spans.reset();
        LlmGateTelemetry capturing =
                LlmGateTelemetry.builder(otel).captureContent(true).build();
        try (LlmGate gate = capturing
                .install(LlmGate.builder())
                .provider("p", answering("Summary: admitted."))
                .addInterceptor(hipaa.interceptor())
                .build()) {
            gate.chat(ChatRequest.of("p:m", prompt));
            gate.chat(ChatRequest.of("p:m", "What is the capital of France?"));
        }
        List<SpanData> attempts = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat m"))
                .toList();
        assertThat(attempts).hasSize(2);
        String input = attempts.get(0).getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages"));
        assertThat(input)
                .startsWith("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Summarise: ")
                .doesNotContain("536-22-8410");
        List<SpanData> calls = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat p:m"))
                .toList();
        // the redacted call's answer is left out; the clean call's answer is recorded
        assertThat(calls.get(0).getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages")))
                .isNull();
        assertThat(calls.get(0).getAttributes().get(AttributeKey.stringKey("llmgate.content.omitted")))
                .isNotNull();
        assertThat(calls.get(1).getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages")))
                .isEqualTo(
                        "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Summary: admitted.\"}],"
                                + "\"finish_reason\":\"stop\"}]");
    }

    @Test
    void aBrokenTelemetryImplementationNeverChangesTheCall() {
        Object broken = Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {io.opentelemetry.api.trace.Tracer.class}, (p, m, a) -> {
                    throw new IllegalStateException("exporter down");
                });
        TracerProvider tracers = (TracerProvider) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {TracerProvider.class}, (p, m, a) -> broken);
        OpenTelemetry otelBroken = (OpenTelemetry) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {OpenTelemetry.class}, (p, m, a) -> switch (m.getName()) {
                    case "getTracerProvider" -> tracers;
                    case "getMeterProvider" -> MeterProvider.noop();
                    case "getTracer" -> broken;
                    case "getMeter" -> MeterProvider.noop().get("x");
                    default -> ContextPropagators.noop();
                });
        try (LlmGate gate = LlmGateTelemetry.create(otelBroken)
                .install(LlmGate.builder())
                .provider("p", answering("still works"))
                .build()) {
            assertThat(gate.chat(ChatRequest.of("p:m", "hi")).text()).isEqualTo("still works");
            assertThat(gate.stream(ChatRequest.of("p:m", "hi")).collect().text())
                    .isEqualTo("still works");
        }
    }

    @Test
    void breakerStatesAndTheAuditQueueAreGauges() throws Exception {
        Router router = Router.builder()
                .route(Route.builder("r").deployment("p:m").build())
                .build();
        try (AutoCloseable registration = telemetry.observe(router)) {
            MetricData gauge = metric("llmgate.breaker.state");
            assertThat(gauge.getLongGaugeData().getPoints())
                    .extracting(LongPointData::getValue)
                    .containsExactly(0L);
        }
        assertThat(only(metrics.collectAllMetrics(), "llmgate.breaker.state")).isEmpty();
    }

    @Test
    void breakerTransitionsAreCounted() {
        ScriptedProvider busy = ScriptedProvider.replying(
                Reply.failure(() -> new OverloadedException("busy", ErrorDetails.of("a"), Optional.empty(), null)));
        Router router = Router.builder()
                .route(Route.builder("r")
                        .deployment("a:m")
                        .retry(dev.llmgate.core.routing.RetryPolicy.NONE)
                        .build())
                .circuitBreaker(new dev.llmgate.core.routing.CircuitBreakerPolicy(
                        1, 1.0, 10, 10, java.time.Duration.ofMinutes(1)))
                .listener(telemetry.breakerListener())
                .build();
        try (LlmGate gate = telemetry
                .install(LlmGate.builder())
                .provider("a", busy)
                .addInterceptor(router)
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("r", "hi"))).isInstanceOf(OverloadedException.class);
        }
        assertThat(metric("llmgate.breaker.transitions").getLongSumData().getPoints())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.getValue()).isEqualTo(1);
                    assertThat(p.getAttributes().get(AttributeKey.stringKey("llmgate.breaker.to")))
                            .isEqualTo("open");
                    assertThat(p.getAttributes().get(AttributeKey.stringKey("llmgate.deployment")))
                            .isEqualTo("a:m");
                });
    }
}
