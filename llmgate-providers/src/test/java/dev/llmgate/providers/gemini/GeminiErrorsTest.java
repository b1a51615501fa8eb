package dev.llmgate.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.providers.testing.Fixtures;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GeminiErrorsTest {
    static final String KEY = "AIzaSyTEST-0123456789abcdefghijSECRET";
    MockWebServer server;
    GeminiProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        provider = GeminiProvider.builder()
                .apiKey(KEY)
                .baseUrl(server.url("/").toString())
                .environment(Map.of())
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void enqueue(int code, String body, String... headers) {
        MockResponse.Builder b = new MockResponse.Builder()
                .code(code)
                .addHeader("Content-Type", "application/json")
                .body(body);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.addHeader(headers[i], headers[i + 1]);
        }
        server.enqueue(b.build());
    }

    <T extends LlmException> T chatFails(Class<T> type) {
        return catchThrowableOfType(
                type, () -> provider.chat(ChatRequest.of("gemini-2.0-flash", "Hello"), Fixtures.blocking()));
    }

    static void assertNoSecret(LlmException e) {
        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("AIzaSy").doesNotContain("Hello");
        assertThat(e.toString()).doesNotContain(KEY);
        assertThat(String.valueOf(e.details())).doesNotContain(KEY);
    }

    @Test
    void anInvalidKeyIsAnAuthenticationErrorThatNeverShowsTheKey() {
        enqueue(400, Fixtures.read("gemini/googleai.unary-failure-api-key.txt"));
        AuthenticationException e = chatFails(AuthenticationException.class);
        assertThat(e.details().httpStatus()).hasValue(400);
        assertThat(e.details().errorCode()).contains("API_KEY_INVALID");
        assertThat(e.getMessage()).contains("API key not valid");
        assertThat(e.isRetryable()).isFalse();
        assertNoSecret(e);

        // a vendor message that echoes the key is scrubbed
        enqueue(
                400,
                "{\"error\":{\"code\":400,\"message\":\"API key " + KEY
                        + " not valid.\",\"status\":\"INVALID_ARGUMENT\","
                        + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]}}");
        assertNoSecret(chatFails(AuthenticationException.class));
    }

    @Test
    void resourceExhaustedIsARateLimitWithRetryAfter() {
        enqueue(429, Fixtures.read("gemini/vertexai.unary-failure-quota-exceeded.json"), "Retry-After", "7");
        RateLimitedException e = chatFails(RateLimitedException.class);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.details().errorCode()).contains("RATE_LIMIT_EXCEEDED");
        assertNoSecret(e);
    }

    @Test
    void anUnknownModelIsAnInvalidRequest() {
        enqueue(404, Fixtures.read("gemini/googleai.unary-failure-unknown-model.txt"));
        InvalidRequestException e = chatFails(InvalidRequestException.class);
        assertThat(e.getMessage()).contains("is not found");
        assertThat(e.details().httpStatus()).hasValue(404);
        assertThat(e.isRetryable()).isFalse();
    }

    @Test
    void aDisabledApiIsPermissionDenied() {
        enqueue(403, Fixtures.read("gemini/googleai.unary-failure-generativelanguage-api-not-enabled.json"));
        PermissionDeniedException e = chatFails(PermissionDeniedException.class);
        assertThat(e.details().errorCode()).contains("SERVICE_DISABLED");
    }

    @Test
    void unavailableIsOverloadedAndInternalErrorsAreRetryable() {
        enqueue(
                503,
                "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}");
        OverloadedException overloaded = chatFails(OverloadedException.class);
        assertThat(overloaded.isRetryable()).isTrue();
        assertThat(overloaded.details().httpStatus()).hasValue(503);

        enqueue(
                500,
                "{\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\",\"status\":\"INTERNAL\"}}");
        assertThat(chatFails(ProviderException.class).isRetryable()).isTrue();
    }

    @Test
    void anErrorEventMidStreamIsTyped() {
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "text/event-stream")
                .body(
                        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"}}]}\n\n"
                                + "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\n\n")
                .build());
        LlmException e = catchThrowableOfType(
                LlmException.class,
                () -> provider.stream(ChatRequest.of("gemini-2.0-flash", "Hello"), Fixtures.streaming())
                        .collect());
        assertThat(e).isInstanceOfAny(OverloadedException.class, ProviderException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e).isNotInstanceOf(StreamInterruptedException.class);
    }

    @Test
    void streamingErrorsBeforeTheFirstEventAreTypedToo() {
        enqueue(429, Fixtures.read("gemini/vertexai.unary-failure-quota-exceeded.json"));
        RateLimitedException e = catchThrowableOfType(
                RateLimitedException.class,
                () -> provider.stream(ChatRequest.of("gemini-2.0-flash", "Hello"), Fixtures.streaming()));
        assertNoSecret(e);
    }

    @Test
    void malformedAnswersAreRetryableProviderErrors() {
        enqueue(200, "{\"candidates\":[]}");
        assertThat(chatFails(ProviderException.class).isRetryable()).isTrue();
        enqueue(200, "not json");
        assertThat(chatFails(ProviderException.class).isRetryable()).isTrue();
        server.enqueue(new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "text/event-stream")
                .body("data: {oops\n\n")
                .build());
        ProviderException e = catchThrowableOfType(
                ProviderException.class,
                () -> provider.stream(ChatRequest.of("gemini-2.0-flash", "Hello"), Fixtures.streaming())
                        .collect());
        assertThat(e.isRetryable()).isTrue();
    }
}
