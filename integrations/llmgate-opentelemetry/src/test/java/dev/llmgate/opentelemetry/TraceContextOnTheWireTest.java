package dev.llmgate.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.spi.TraceContext;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.openai.OpenAiProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With propagation on, the provider's HTTP request carries the attempt span's traceparent; off, nothing. */
class TraceContextOnTheWireTest {
    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        otel.close();
    }

    private RecordedRequest callThrough(LlmGateTelemetry telemetry) throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "application/json")
                .body(ANSWER)
                .build());
        OpenAiProvider openai = OpenAiProvider.builder()
                .apiKey("sk-test-0123456789abcdef")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .build();
        try (LlmGate gate =
                telemetry.install(LlmGate.builder()).provider("openai", openai).build()) {
            gate.chat(ChatRequest.of("openai:gpt-4o-mini", "hello"));
        }
        return server.takeRequest();
    }

    @Test
    void withPropagationTheRequestCarriesTheAttemptSpansTraceparent() throws Exception {
        RecordedRequest sent = callThrough(
                LlmGateTelemetry.builder(otel).propagateTraceContext(true).build());
        SpanData attempt = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat gpt-4o-mini"))
                .findFirst()
                .orElseThrow();
        assertThat(sent.getHeaders().get("traceparent"))
                .startsWith("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-");
        assertThat(sent.getHeaders().get("baggage")).isNull();
        assertThat(TraceContext.current()).isEmpty(); // the scope closed with the attempt
    }

    @Test
    void byDefaultNothingIsPropagated() throws Exception {
        RecordedRequest sent = callThrough(LlmGateTelemetry.create(otel));
        assertThat(sent.getHeaders().get("traceparent")).isNull();
    }

    @Test
    void onlyAWellFormedTraceContextCanBeMadeCurrent() {
        assertThatThrownBy(() -> TraceContext.of("00-abc-def-01", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TraceContext.of(
                        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Optional.of("a=1\r\nX-Evil: 1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        TraceContext.of("00-00000000000000000000000000000000-b7ad6b7169203331-01", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        TraceContext t = TraceContext.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", Optional.of(""));
        assertThat(t.tracestate()).isEmpty();
        try (TraceContext.Scope ignored = t.makeCurrent()) {
            assertThat(TraceContext.current()).contains(t);
        }
        assertThat(TraceContext.current()).isEmpty();
    }
}
