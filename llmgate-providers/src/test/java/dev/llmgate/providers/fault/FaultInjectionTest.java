package dev.llmgate.providers.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.Vendors;
import dev.llmgate.providers.testing.Vendors.Vendor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every adapter against a faulty upstream: each fault must end in the typed exception routing acts
 * on, never in a truncated answer reported as success, and must leave no connection in use.
 * Only the timeout tests use short limits (500 ms), and their stalls are far longer (30 s), so no
 * outcome depends on the machine's speed.
 */
class FaultInjectionTest {
    static final Timeouts SHORT = Timeouts.DEFAULTS
            .withCall(Duration.ofMillis(500))
            .withRead(Duration.ofMillis(500))
            .withTimeToFirstToken(Duration.ofMillis(500));

    MockWebServer server;
    OkHttpClient client;
    static java.util.Set<String> llmgateThreadsBefore;

    private static java.util.Set<String> llmgateThreads() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("llmgate-")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    @org.junit.jupiter.api.BeforeAll
    static void countThreads() {
        llmgateThreadsBefore = llmgateThreads();
    }

    /** No thread of ours is left behind by any fault: only the one shared timer of call time limits may have appeared. */
    @org.junit.jupiter.api.AfterAll
    static void noLeakedThreads() {
        java.util.Set<String> added = llmgateThreads();
        added.removeAll(llmgateThreadsBefore);
        added.remove("llmgate-deadline-timer");
        assertThat(added).as("llmgate threads left after the fault matrix").isEmpty();
    }

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(4, 1, TimeUnit.MINUTES))
                .build();
    }

    @AfterEach
    void stop() {
        ConnectionPool pool = client.connectionPool();
        assertThat(pool.connectionCount() - pool.idleConnectionCount())
                .as("connections still in use after the call")
                .isZero();
        pool.evictAll();
        server.close();
    }

    /** Default (long) limits: only the timeout tests use short ones, so no other outcome can depend on speed. */
    private ModelProvider provider(Vendor vendor, Timeouts timeouts) {
        return vendor.factory.create(server.url("/").toString(), client, timeouts);
    }

    private LlmException blocking(Vendor vendor) {
        return blocking(vendor, Timeouts.DEFAULTS);
    }

    private LlmException streaming(Vendor vendor) {
        return streaming(vendor, Timeouts.DEFAULTS);
    }

    private LlmException blocking(Vendor vendor, Timeouts timeouts) {
        LlmException e = catchThrowableOfType(
                LlmException.class,
                () -> provider(vendor, timeouts).chat(ChatRequest.of("m", "private prompt"), Fixtures.blocking()));
        assertThat(e).as("a typed exception, not a success").isNotNull();
        assertThat(e.getMessage()).doesNotContain(Vendors.KEY).doesNotContain("private prompt");
        return e;
    }

    private LlmException streaming(Vendor vendor, Timeouts timeouts) {
        LlmException e = catchThrowableOfType(LlmException.class, () -> {
            try (ChatStream s =
                    provider(vendor, timeouts).stream(ChatRequest.of("m", "private prompt"), Fixtures.streaming())) {
                s.collect();
            }
        });
        assertThat(e).as("a typed exception, not a (truncated) success").isNotNull();
        assertThat(e.getMessage()).doesNotContain(Vendors.KEY).doesNotContain("private prompt");
        return e;
    }

    private void enqueue(MockResponse.Builder b) {
        server.enqueue(b.build());
    }

    private static MockResponse.Builder json(int code, String body) {
        return new MockResponse.Builder()
                .code(code)
                .addHeader("Content-Type", "application/json")
                .body(body);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void rateLimitsWithEachRetryAfterForm(Vendor vendor) {
        String body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\"}}";
        enqueue(json(429, body).addHeader("retry-after", "2"));
        enqueue(json(429, body).addHeader("retry-after-ms", "250"));
        enqueue(json(429, body).addHeader("retry-after", "Tue, 24 Nov 2026 12:00:05 GMT"));
        assertThat(((RateLimitedException) blocking(vendor)).retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(((RateLimitedException) blocking(vendor)).retryAfter()).contains(Duration.ofMillis(250));
        assertThat(((RateLimitedException) streaming(vendor)).retryAfter()).contains(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void serverErrorsAndOverload(Vendor vendor) {
        enqueue(json(500, "{\"error\":{\"message\":\"internal\",\"type\":\"server_error\"}}"));
        enqueue(json(503, "{\"error\":{\"message\":\"unavailable\",\"type\":\"server_error\"}}"));
        enqueue(json(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        assertThat(blocking(vendor))
                .isInstanceOf(ProviderException.class)
                .satisfies(e -> assertThat(e.isRetryable()).isTrue());
        assertThat(blocking(vendor)).isInstanceOf(OverloadedException.class);
        assertThat(streaming(vendor)).isInstanceOf(OverloadedException.class);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void slowHeadersPastTheTimeout(Vendor vendor) {
        enqueue(json(200, vendor.wire.text("late")).headersDelay(30, TimeUnit.SECONDS));
        assertThat(blocking(vendor, SHORT)).isInstanceOf(RequestTimeoutException.class);
        enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.streamType)
                .body(vendor.wire.stream())
                .headersDelay(30, TimeUnit.SECONDS));
        assertThat(streaming(vendor, SHORT)).isInstanceOf(RequestTimeoutException.class);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void connectionResetBeforeTheFirstByte(Vendor vendor) {
        enqueue(json(200, vendor.wire.text("never")).onResponseStart(new SocketEffect.CloseSocket(true, true, true)));
        assertThat(blocking(vendor)).isInstanceOf(NetworkException.class);
        enqueue(json(200, vendor.wire.stream()).onResponseStart(new SocketEffect.CloseSocket(true, true, true)));
        assertThat(streaming(vendor)).isInstanceOf(NetworkException.class);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void connectionResetAfterTheFirstBytes(Vendor vendor) {
        String stream = vendor.wire.stream();
        enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.streamType)
                .addHeader("Content-Length", stream.length())
                .body(stream.substring(0, stream.length() / 2))
                .onResponseEnd(new SocketEffect.CloseSocket(true, true, true)));
        LlmException e = streaming(vendor);
        assertThat(e).isInstanceOfAny(NetworkException.class, StreamInterruptedException.class);
        assertThat(e.isRetryable()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aStreamCutMidAnswer(Vendor vendor) {
        String stream = vendor.wire.stream();
        enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.streamType)
                .body(stream.substring(0, stream.length() / 2)));
        assertThat(streaming(vendor)).isInstanceOfAny(StreamInterruptedException.class, ProviderException.class);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aStalledStream(Vendor vendor) {
        String stream = vendor.wire.stream();
        int firstEvent = stream.indexOf('\n') + 1;
        enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.streamType)
                .body(stream)
                .throttleBody(firstEvent, 30, TimeUnit.SECONDS));
        assertThat(streaming(vendor, SHORT)).isInstanceOf(RequestTimeoutException.class);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void malformedBodiesAndFrames(Vendor vendor) {
        enqueue(json(200, "{\"id\": \"x\", \"choices\": [ {\"mess"));
        assertThat(blocking(vendor)).isInstanceOf(ProviderException.class);
        String garbage = vendor.wire.streamType.contains("ndjson") ? "{not json\n" : "data: {not json\n\n";
        enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.streamType)
                .body(garbage));
        assertThat(streaming(vendor)).isInstanceOf(ProviderException.class);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void emptyAnswers(Vendor vendor) {
        enqueue(json(200, ""));
        assertThat(blocking(vendor)).isInstanceOf(ProviderException.class);
        enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.streamType)
                .body(""));
        assertThat(streaming(vendor)).isInstanceOf(StreamInterruptedException.class);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void anErrorInsideA200(Vendor vendor) {
        enqueue(
                json(
                        200,
                        "{\"error\":{\"message\":\"The server had an error while processing your request\",\"type\":\"server_error\"}}"));
        LlmException e = blocking(vendor);
        assertThat(e.isRetryable()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void anOversizedBody(Vendor vendor) {
        Buffer big = new Buffer();
        byte[] mb = new byte[1 << 20];
        java.util.Arrays.fill(mb, (byte) ' ');
        for (int i = 0; i < 33; i++) {
            big.write(mb);
        }
        enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(big));
        assertThat(blocking(vendor)).isInstanceOf(ProviderException.class).hasMessageContaining("larger than");
    }
}
