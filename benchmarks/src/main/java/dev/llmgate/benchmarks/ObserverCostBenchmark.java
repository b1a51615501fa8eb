package dev.llmgate.benchmarks;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.events.CallObserver;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.micrometer.LlmGateMicrometer;
import dev.llmgate.opentelemetry.LlmGateTelemetry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What observing a call costs: the in-process provider of {@link ThroughputBenchmark} behind a router (so each call
 * has a call and an attempt observation), with {@code none} (no observer: the chain has no observing stage),
 * {@code noop} (a {@link CallObserver} that does nothing: the gate's own share), {@code otel} (llmgate-opentelemetry
 * on the OpenTelemetry SDK, every span sampled and handed to an exporter that keeps a count, metrics aggregated in
 * memory) and {@code micrometer} (llmgate-micrometer on an observation registry with the meter handler and a simple
 * meter registry). Report each as a ratio to {@code none} of the same run (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ObserverCostBenchmark {
    @Param({"none", "noop", "otel", "micrometer"})
    public String observer;

    LlmGate gate;
    OpenTelemetrySdk otel;
    final LongAdder exported = new LongAdder();
    long seed;

    @Setup(Level.Trial)
    public void setUp() {
        ModelProvider inProcess = (request, call) -> ThroughputBenchmark.ANSWER;
        LlmGate.Builder b = LlmGate.builder()
                .provider("primary", inProcess)
                .addInterceptor(
                        Stage.ROUTING,
                        Router.builder()
                                .route(Route.builder(FullChain.ALIAS)
                                        .deployment(Deployment.builder("primary", "gpt-4o-mini")
                                                .catalogProvider("openai")
                                                .build())
                                        .deadline(Duration.ofSeconds(30))
                                        .build())
                                .build());
        switch (observer) {
            case "none" -> {}
            case "noop" -> b.observer(start -> end -> {});
            case "otel" -> {
                SpanExporter counting = new SpanExporter() {
                    @Override
                    public CompletableResultCode export(Collection<SpanData> spans) {
                        exported.add(spans.size());
                        return CompletableResultCode.ofSuccess();
                    }

                    @Override
                    public CompletableResultCode flush() {
                        return CompletableResultCode.ofSuccess();
                    }

                    @Override
                    public CompletableResultCode shutdown() {
                        return CompletableResultCode.ofSuccess();
                    }
                };
                otel = OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder()
                                .addSpanProcessor(SimpleSpanProcessor.create(counting))
                                .build())
                        .setMeterProvider(SdkMeterProvider.builder()
                                .registerMetricReader(InMemoryMetricReader.create())
                                .build())
                        .build();
                LlmGateTelemetry.create(otel).install(b);
            }
            case "micrometer" -> {
                SimpleMeterRegistry meters = new SimpleMeterRegistry();
                ObservationRegistry observations = ObservationRegistry.create();
                observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
                LlmGateMicrometer.create(observations, meters).install(b);
            }
            default -> throw new IllegalArgumentException("observer " + observer);
        }
        gate = b.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gate.close();
        if (otel != null) {
            otel.close();
        }
    }

    @Benchmark
    public ChatResponse call() {
        return gate.chat(ChatRequest.builder(FullChain.ALIAS)
                .user(GatewayOverheadBenchmark.PROMPT)
                .maxOutputTokens(200)
                .seed(++seed)
                .build());
    }
}
