package dev.llmgate.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.gemini.GeminiProvider;
import dev.llmgate.providers.openai.AzureOpenAiProvider;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.providers.testing.Fixtures;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys that cannot travel in headers, rate-limit classification, stream time limits, cancellation. */
class HardeningTest {
    static final String BAD_KEY = "AIzaSyTHISISSECRET\u00a0";
    MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aKeyThatCannotBeAHeaderFailsAtBuildWithoutBeingQuoted() {
        for (Runnable build : new Runnable[] {
            () -> GeminiProvider.builder().apiKey(BAD_KEY).environment(Map.of()).build(),
            () -> AzureOpenAiProvider.builder()
                    .endpoint("https://r.openai.azure.com")
                    .apiKey(BAD_KEY)
                    .environment(Map.of())
                    .build(),
            () -> OpenAiProvider.builder()
                    .environment(Map.of("OPENAI_API_KEY", BAD_KEY))
                    .build(),
            () -> OpenAiCompatibleProvider.builder("http://h/v1")
                    .apiKey(BAD_KEY)
                    .build()
        }) {
            assertThatThrownBy(build::run)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("non-ASCII character")
                    .hasMessageNotContaining("THISISSECRET");
        }
    }

    @Test
    void credentialHeadersMustGoThroughTheKeyOption() {
        assertThatThrownBy(() -> OpenAiProvider.builder()
                        .apiKey("k")
                        .header("Authorization", "Bearer x")
                        .environment(Map.of())
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("carries credentials");
    }

    @Test
    void geminisPerMinuteQuotaIsATransientRateLimitWithItsRetryDelay() {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("Content-Type", "application/json")
                .body(
                        "{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota, please check your plan and billing details."
                                + " Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10\","
                                + "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\","
                                + "\"violations\":[{\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_free_tier_requests\","
                                + "\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"}]},"
                                + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"37s\"}]}}")
                .build());
        GeminiProvider gemini = GeminiProvider.builder()
                .apiKey("AIzaTest")
                .baseUrl(server.url("/").toString())
                .environment(Map.of())
                .build();
        LlmException e = catchThrowableOfType(
                LlmException.class, () -> gemini.chat(ChatRequest.of("gemini-2.5-flash", "x"), Fixtures.blocking()));
        assertThat(e).isInstanceOf(RateLimitedException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(((RateLimitedException) e).retryAfter()).contains(Duration.ofSeconds(37));
    }

    @Test
    void aRoleOnlyFirstChunkDoesNotSatisfyTheFirstTokenLimit() {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(
                        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                                + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"content\":\"late\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n")
                .throttleBody(150, 30, TimeUnit.SECONDS)
                .build());
        OpenAiProvider p = OpenAiProvider.builder()
                .apiKey("k")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .timeouts(Timeouts.builder()
                        .timeToFirstToken(Duration.ofMillis(400))
                        .build())
                .build();
        assertThatThrownBy(() ->
                        p.stream(ChatRequest.of("m", "x"), Fixtures.streaming()).collect())
                .isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("no first token");
    }

    @Test
    void aTricklingStreamHitsItsTotalLimit() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            body.append(
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}\n\n");
        }
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(body.toString())
                .throttleBody(200, 100, TimeUnit.MILLISECONDS)
                .build());
        OpenAiProvider p = OpenAiProvider.builder()
                .apiKey("k")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .timeouts(Timeouts.builder().call(Duration.ofMillis(600)).build())
                .build();
        assertThatThrownBy(() ->
                        p.stream(ChatRequest.of("m", "x"), Fixtures.streaming()).collect())
                .isInstanceOf(RequestTimeoutException.class)
                .hasMessageContaining("did not finish within");
    }

    @Test
    void cancellingAnAsyncCallCancelsItsHttpRequest() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .headersDelay(30, TimeUnit.SECONDS)
                .body("{}")
                .build());
        OkHttpClient client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(2, 1, TimeUnit.MINUTES))
                .build();
        OpenAiProvider p = OpenAiProvider.builder()
                .apiKey("k")
                .baseUrl(server.url("/v1").toString())
                .httpClient(client)
                .environment(Map.of())
                .build();
        try (LlmGate gate = LlmGate.builder().provider("openai", p).build()) {
            CompletableFuture<ChatResponse> future = gate.chatAsync(ChatRequest.of("openai:m", "x"));
            assertThat(server.takeRequest(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(future.cancel(true)).isTrue();
            ConnectionPool pool = client.connectionPool();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pool.connectionCount() - pool.idleConnectionCount() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(pool.connectionCount() - pool.idleConnectionCount())
                    .as("the HTTP call was cancelled")
                    .isZero();
        }
    }

    @Test
    void aStreamClosedEarlyIsReportedAsInterrupted() {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(Fixtures.read("openai/chat-stream.text-basic.sse"))
                .build());
        OpenAiProvider p = OpenAiProvider.builder()
                .apiKey("k")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .build();
        java.util.List<String> outcomes = new java.util.ArrayList<>();
        try (LlmGate gate = LlmGate.builder()
                .provider("openai", p)
                .addInterceptor(chain -> chain.proceed(chain.request())
                        .whenComplete(
                                r -> outcomes.add("ok"),
                                e -> outcomes.add(e.getClass().getSimpleName())))
                .build()) {
            ChatStream s = gate.stream(ChatRequest.of("openai:m", "x"));
            s.next();
            s.close();
            assertThatThrownBy(s::collect).isInstanceOf(dev.llmgate.api.exception.StreamInterruptedException.class);
        }
        assertThat(outcomes).containsExactly("StreamInterruptedException");
    }
}
