package dev.llmgate.providers.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing over the real HTTP adapters: retries with Retry-After, fallback, and streams before/after the first token. */
class RouterOverHttpTest {
    MockWebServer primary;
    MockWebServer secondary;
    final List<Duration> slept = new CopyOnWriteArrayList<>();
    /** One fake clock for the gate and the router; the sleeper advances it instead of sleeping. */
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));

    final List<List<AttemptRecord>> attempts = new CopyOnWriteArrayList<>();
    LlmGate gate;

    @BeforeEach
    void start() throws Exception {
        primary = new MockWebServer();
        primary.start();
        secondary = new MockWebServer();
        secondary.start();
        Router router = Router.builder()
                .noCircuitBreaker()
                .clock(clock)
                .sleeper(d -> {
                    slept.add(d);
                    clock.advance(d);
                })
                .route(Route.builder("smart")
                        .deployment(Deployment.builder("primary", "gpt-4o-mini")
                                .catalogProvider("openai")
                                .build())
                        .deployment(Deployment.builder("secondary", "gpt-4o")
                                .catalogProvider("openai")
                                .build())
                        .retry(RetryPolicy.builder()
                                .retriesPerDeployment(1)
                                .maxRetryAfter(Duration.ofSeconds(10))
                                .build())
                        .build())
                .build();
        Interceptor record = chain -> chain.proceed(chain.request())
                .whenComplete(
                        r -> attempts.add(chain.call().list(CallFacts.ATTEMPTS)),
                        e -> attempts.add(chain.call().list(CallFacts.ATTEMPTS)));
        gate = LlmGate.builder()
                .clock(clock)
                .provider("primary", provider(primary, "primary"))
                .provider("secondary", provider(secondary, "secondary"))
                .addInterceptor(record)
                .addInterceptor(Stage.ROUTING, router)
                .build();
    }

    private static OpenAiProvider provider(MockWebServer server, String name) {
        // Generous limits that only bound a broken test: every expected answer is immediate.
        return OpenAiProvider.builder()
                .name(name)
                .apiKey("sk-test")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .timeouts(dev.llmgate.providers.Timeouts.builder()
                        .call(Duration.ofSeconds(20))
                        .read(Duration.ofSeconds(20))
                        .build())
                .build();
    }

    @AfterEach
    void stop() {
        gate.close();
        primary.close();
        secondary.close();
    }

    private static MockResponse json(int code, String body, String... headers) {
        MockResponse.Builder b = new MockResponse.Builder()
                .code(code)
                .addHeader("Content-Type", "application/json")
                .body(body);
        for (int i = 0; i < headers.length; i += 2) {
            b.addHeader(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private static MockResponse sse(String body) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(body)
                .build();
    }

    @Test
    void aRateLimitIsRetriedAfterExactlyTheProvidersRetryAfter() {
        primary.enqueue(json(
                429, Fixtures.read("openai/429-rate-limit-exceeded.gpt-pilot-pr53.json"), "retry-after-ms", "1500"));
        primary.enqueue(json(200, Fixtures.read("openai/chat-completions.default.response.json")));
        ChatResponse r = gate.chat(ChatRequest.of("smart", "hi"));
        assertThat(r.provider()).isEqualTo("primary");
        assertThat(slept).containsExactly(Duration.ofMillis(1500));
        assertThat(attempts.get(0))
                .extracting(AttemptRecord::outcome)
                .containsExactly("RateLimitedException", "success");
        assertThat(attempts.get(0)).extracting(AttemptRecord::reason).containsExactly("primary", "retry");
        assertThat(r.costUsd()).isPresent();
    }

    @Test
    void serverErrorsFallOverToTheNextDeployment() {
        primary.enqueue(json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        primary.enqueue(json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        secondary.enqueue(json(200, Fixtures.read("openai/chat-completions.default.response.json")));
        ChatResponse r = gate.chat(ChatRequest.of("smart", "hi"));
        assertThat(r.provider()).isEqualTo("secondary");
        assertThat(attempts.get(0))
                .extracting(AttemptRecord::provider)
                .containsExactly("primary", "primary", "secondary");
        assertThat(attempts.get(0).get(2).reason()).startsWith("fallback:");
    }

    @Test
    void aStreamThatFailsBeforeItsFirstTokenFallsOverInvisibly() {
        primary.enqueue(json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        primary.enqueue(json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
        secondary.enqueue(sse(Fixtures.read("openai/chat-stream.text-basic.sse")));
        List<String> text = new ArrayList<>();
        ChatResponse r = gate.stream(ChatRequest.of("smart", "hi"), e -> {
            if (e instanceof StreamEvent.TextDelta d) {
                text.add(d.text());
            }
        });
        assertThat(r.provider()).isEqualTo("secondary");
        assertThat(String.join("", text)).isEqualTo(r.text()).isNotBlank();
    }

    @Test
    void aStreamCutAfterItsFirstTokenFailsLoudlyNeverEndsClean() {
        String full = Fixtures.read("openai/chat-stream.text-basic.sse");
        primary.enqueue(sse(full.substring(
                0, full.indexOf("data:", full.indexOf("data:", full.indexOf("data:") + 1) + 1))));
        secondary.enqueue(sse(full));
        List<StreamEvent> events = new ArrayList<>();
        assertThatThrownBy(() -> {
                    try (ChatStream s = gate.stream(ChatRequest.of("smart", "hi"))) {
                        while (s.hasNext()) {
                            events.add(s.next());
                        }
                    }
                })
                .isInstanceOf(StreamInterruptedException.class);
        assertThat(events).anyMatch(e -> e instanceof StreamEvent.TextDelta);
        assertThat(events).noneMatch(StreamEvent::isTerminal);
        assertThat(secondary.getRequestCount())
                .as("no second answer is spliced in after tokens reached the caller")
                .isZero();
    }
}
