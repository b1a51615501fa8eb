package dev.llmgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.testing.Fixtures;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiErrorsTest {
    static final String KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
    MockWebServer server;
    OpenAiProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        provider = OpenAiProvider.builder()
                .apiKey(KEY)
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .build();
    }

    /** Short limits, only for the timeout tests (whose stalls are far longer), so no other test depends on speed. */
    private void useShortTimeouts() {
        provider = OpenAiProvider.builder()
                .apiKey(KEY)
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .timeouts(Timeouts.builder()
                        .call(Duration.ofMillis(400))
                        .timeToFirstToken(Duration.ofMillis(400))
                        .read(Duration.ofMillis(400))
                        .build())
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LlmException blockingFailure() {
        LlmException e = catchThrowableOfType(
                LlmException.class,
                () -> provider.chat(ChatRequest.of("gpt-4o", "secret prompt"), Fixtures.blocking()));
        assertThat(e).as("a typed exception").isNotNull();
        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("secret prompt");
        return e;
    }

    private LlmException streamingFailure() {
        LlmException e = catchThrowableOfType(LlmException.class, () -> {
            try (ChatStream s = provider.stream(ChatRequest.of("gpt-4o", "secret prompt"), Fixtures.streaming())) {
                s.collect();
            }
        });
        assertThat(e).as("a typed exception").isNotNull();
        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("secret prompt");
        return e;
    }

    private void enqueue(int code, String body, String... headers) {
        MockResponse.Builder b = new MockResponse.Builder()
                .code(code)
                .addHeader("Content-Type", "application/json")
                .body(body);
        for (int i = 0; i < headers.length; i += 2) {
            b.addHeader(headers[i], headers[i + 1]);
        }
        server.enqueue(b.build());
    }

    @ParameterizedTest
    @CsvSource({
        "retry-after-ms, 1500, 1500",
        "retry-after, 7, 7000",
        "x-ratelimit-reset-tokens, 6m0s, 360000",
        "x-ratelimit-reset-requests, 20ms, 20"
    })
    void rateLimitsCarryRetryAfterFromEveryHeaderForm(String header, String value, long expectedMillis) {
        enqueue(
                429,
                Fixtures.read("openai/429-rate-limit-exceeded.gpt-pilot-pr53.json"),
                header,
                value,
                "x-request-id",
                "req_9");
        RateLimitedException e = (RateLimitedException) blockingFailure();
        assertThat(e.retryAfter()).contains(Duration.ofMillis(expectedMillis));
        assertThat(e.details().httpStatus()).hasValue(429);
        assertThat(e.details().errorCode()).contains("rate_limit_exceeded");
        assertThat(e.details().requestId()).contains("req_9");
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void retryAfterAsAnHttpDateIsMeasuredAgainstTheCallClock() {
        enqueue(
                429,
                "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
                "retry-after",
                "Tue, 24 Nov 2026 12:00:30 GMT");
        assertThat(((RateLimitedException) blockingFailure()).retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void exhaustedQuotaIsNotATransientRateLimit() {
        enqueue(
                429,
                "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and billing details.\","
                        + "\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}");
        LlmException e = blockingFailure();
        assertThat(e).isInstanceOf(PermissionDeniedException.class);
        assertThat(e.isRetryable()).isFalse();
    }

    @Test
    void contextLengthIsRecognised() {
        enqueue(400, Fixtures.read("openai/400-context-length-exceeded.chathub-issue126.json"));
        assertThat(blockingFailure()).isInstanceOf(ContextLengthExceededException.class);
        enqueue(
                400,
                "{\"error\":{\"code\":400,\"message\":\"request (3019 tokens) exceeds the available context size (2048 tokens),"
                        + " try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":3019,\"n_ctx\":2048}}");
        assertThat(blockingFailure()).as("llama-server's shape").isInstanceOf(ContextLengthExceededException.class);
    }

    @Test
    void authenticationErrorsNeverEchoTheKey() {
        enqueue(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-abc*****************************6789. You can"
                        + " find your API key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}");
        LlmException e = blockingFailure();
        assertThat(e).isInstanceOf(AuthenticationException.class);
        assertThat(e.getMessage()).doesNotContain("sk-proj-abc").contains("[REDACTED]");
    }

    @ParameterizedTest
    @CsvSource({
        "403, PermissionDeniedException",
        "404, InvalidRequestException",
        "408, RequestTimeoutException",
        "422, InvalidRequestException",
        "500, ProviderException",
        "502, ProviderException",
        "503, OverloadedException",
        "504, RequestTimeoutException",
        "529, OverloadedException"
    })
    void statusesMapToTypedExceptions(int status, String type) {
        enqueue(status, "{\"error\":{\"message\":\"failure " + status + "\",\"type\":\"server_error\",\"code\":null}}");
        LlmException e = blockingFailure();
        assertThat(e.getClass().getSimpleName()).isEqualTo(type);
        assertThat(e.details().httpStatus()).hasValue(status);
    }

    @Test
    void serverErrorsAreRetryableAndBadRequestsAreNot() {
        enqueue(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}");
        assertThat(blockingFailure().isRetryable()).isTrue();
        enqueue(
                400,
                "{\"error\":{\"message\":\"Invalid value for 'temperature'\",\"type\":\"invalid_request_error\"}}");
        assertThat(blockingFailure())
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(e.isRetryable()).isFalse());
    }

    @Test
    void azureStyleContentFilterErrorsAreContentFiltered() {
        enqueue(
                400,
                "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure OpenAI's content"
                        + " management policy.\",\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400}}");
        assertThat(blockingFailure()).isInstanceOf(ContentFilteredException.class);
    }

    @Test
    void anErrorBodyWithStatus200IsAnError() {
        enqueue(200, "{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\"}}");
        assertThat(blockingFailure()).isInstanceOf(ProviderException.class);
    }

    @Test
    void malformedEmptyAndChoicelessBodiesAreRetryableProviderErrors() {
        enqueue(200, "{\"id\": \"x\", \"choices\": [");
        assertThat(blockingFailure()).isInstanceOf(ProviderException.class).hasMessageContaining("not valid JSON");
        enqueue(200, "");
        assertThat(blockingFailure()).isInstanceOf(ProviderException.class).hasMessageContaining("empty body");
        enqueue(200, "{\"id\":\"x\",\"choices\":[]}");
        assertThat(blockingFailure())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("no choices")
                .satisfies(e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void aStreamWithoutDoneIsInterruptedNotTruncatedSilently() {
        String full = Fixtures.read("openai/chat-stream.text-basic.sse");
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(full.substring(0, full.indexOf("data: [DONE]")))
                .build());
        assertThat(streamingFailure())
                .isInstanceOf(StreamInterruptedException.class)
                .satisfies(e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void anErrorEventMidStreamIsTyped() {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(
                        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
                                + "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}\n\n")
                .build());
        assertThat(streamingFailure()).isInstanceOf(RateLimitedException.class);
    }

    @Test
    void malformedSseDataIsAProviderError() {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body("data: {not json\n\ndata: [DONE]\n\n")
                .build());
        assertThat(streamingFailure()).isInstanceOf(ProviderException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void errorStatusOnAStreamingRequestIsTyped() {
        enqueue(400, Fixtures.read("openai/400-context-length-exceeded.chathub-issue126.json"));
        assertThat(streamingFailure()).isInstanceOf(ContextLengthExceededException.class);
    }

    @Test
    void slowHeadersPastTheCallTimeoutAreATimeout() {
        useShortTimeouts();
        server.enqueue(new MockResponse.Builder()
                .headersDelay(10, TimeUnit.SECONDS)
                .body("{}")
                .build());
        assertThat(blockingFailure()).isInstanceOf(RequestTimeoutException.class);
    }

    @Test
    void aStreamWhoseFirstEventNeverComesTimesOutOnTheFirstTokenLimit() {
        useShortTimeouts();
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .bodyDelay(10, TimeUnit.SECONDS)
                .body("data: [DONE]\n\n")
                .build());
        assertThat(streamingFailure()).isInstanceOf(RequestTimeoutException.class);
    }

    @Test
    void aConnectionCutBeforeTheAnswerIsANetworkError() {
        server.enqueue(new MockResponse.Builder()
                .onRequestStart(new SocketEffect.CloseSocket(true, true, true))
                .build());
        LlmException e = blockingFailure();
        assertThat(e).isInstanceOf(NetworkException.class);
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void aConnectionRefusedIsANetworkError() {
        server.close();
        assertThat(blockingFailure()).isInstanceOf(NetworkException.class);
    }

    @Test
    void anOversizedBodyIsRefused() {
        okio.Buffer big = new okio.Buffer();
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 'a');
        for (int i = 0; i < 33; i++) {
            big.write(chunk);
        }
        server.enqueue(new MockResponse.Builder().body(big).build());
        assertThat(blockingFailure()).isInstanceOf(ProviderException.class).hasMessageContaining("larger than");
    }
}
