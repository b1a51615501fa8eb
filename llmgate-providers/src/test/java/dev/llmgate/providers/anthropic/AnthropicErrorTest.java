package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.KEY;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.call;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.fixture;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.json;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.provider;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.streamingCall;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.RateLimitedException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalInt;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** HTTP errors become the typed exceptions routing acts on, and the API key never leaks into them. */
class AnthropicErrorTest {
    private static final ChatRequest REQUEST = ChatRequest.of("claude-haiku-4-5", "a secret prompt text");

    @StartStop
    private final MockWebServer server = new MockWebServer();

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message
                + "\"},\"request_id\":\"req_body\"}";
    }

    private <T extends LlmException> T chatFails(Class<T> type) {
        T e = catchThrowableOfType(type, () -> provider(server).chat(REQUEST, call()));
        assertThat(e).as("expected " + type.getSimpleName()).isNotNull();
        assertNoSecrets(e);
        return e;
    }

    private static void assertNoSecrets(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("a secret prompt text");
        assertThat(e.toString()).doesNotContain(KEY);
        assertThat(trace.toString()).doesNotContain(KEY).doesNotContain("TESTKEY");
    }

    @Test
    void status529WithTheRecordedBodyIsOverloaded() {
        JsonNode recorded = tree(fixture("529-overloaded.anthropic-sdk-typescript-issue616.json"));
        MockResponse.Builder response = new MockResponse.Builder()
                .code(recorded.get("status").asInt())
                .body(recorded.get("body").toString());
        recorded.get("headers")
                .properties()
                .forEach(h -> response.addHeader(h.getKey(), h.getValue().asText()));
        server.enqueue(response.build());

        OverloadedException e = chatFails(OverloadedException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.details().httpStatus()).isEqualTo(OptionalInt.of(529));
        assertThat(e.details().errorCode()).contains("overloaded_error");
        assertThat(e.details().requestId()).contains("req_01RCc7MbLyQNtGKzBTv8VCep");
        assertThat(e.details().provider()).contains("anthropic");
        assertThat(e.getMessage()).contains("Overloaded");
    }

    @Test
    void status529WhenOpeningAStreamIsOverloaded() {
        server.enqueue(json(529, fixture("529-overloaded-with-request-id.claude-code-issue35792.json")));

        OverloadedException e = catchThrowableOfType(
                OverloadedException.class, () -> provider(server).stream(REQUEST, streamingCall()));
        assertThat(e).isNotNull();
        assertNoSecrets(e);
    }

    @Test
    void status429WithRetryAfterIsRateLimited() {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("Content-Type", "application/json")
                .addHeader("retry-after", "7")
                .addHeader("request-id", "req_429")
                .body(error(
                        "rate_limit_error",
                        "This request would exceed your organization's rate limit of 50 requests per minute."))
                .build());

        RateLimitedException e = chatFails(RateLimitedException.class);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.details().errorCode()).contains("rate_limit_error");
        assertThat(e.details().requestId()).contains("req_429");
    }

    @Test
    void status429WithOnlyAnthropicResetHeadersTakesTheLongestWait() {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("anthropic-ratelimit-requests-reset", "2026-11-24T12:00:20Z")
                .addHeader("anthropic-ratelimit-input-tokens-reset", "2026-11-24T12:00:45Z")
                .body(error("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"))
                .build());

        RateLimitedException e = chatFails(RateLimitedException.class);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(45));
    }

    @Test
    void promptTooLongIsContextLengthExceeded() {
        server.enqueue(json(400, error("invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum")));

        ContextLengthExceededException e = chatFails(ContextLengthExceededException.class);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.details().httpStatus()).isEqualTo(OptionalInt.of(400));
        assertThat(e.getMessage()).contains("208310 tokens > 200000");
    }

    @Test
    void otherBadRequestsAreInvalidRequests() {
        server.enqueue(json(
                400,
                error(
                        "invalid_request_error",
                        "messages: roles must alternate between \\\"user\\\" and \\\"assistant\\\"")));

        InvalidRequestException e = chatFails(InvalidRequestException.class);
        assertThat(e).isNotInstanceOf(ContextLengthExceededException.class);
        assertThat(e.getMessage()).contains("roles must alternate");
    }

    @Test
    void status401IsAnAuthenticationErrorAndAnEchoedKeyIsMasked() {
        server.enqueue(json(401, error("authentication_error", "invalid x-api-key " + KEY)));

        AuthenticationException e = chatFails(AuthenticationException.class);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("invalid x-api-key").contains("[REDACTED]");
    }

    @Test
    void status403IsPermissionDenied() {
        server.enqueue(json(
                403,
                error("permission_error", "Your API key does not have permission to use the specified resource.")));

        chatFails(PermissionDeniedException.class);
    }

    @Test
    void theKeyAppearsInNoToStringAndNoConfigurationError() {
        AnthropicProvider p = provider(server);
        assertThat(p.toString()).doesNotContain(KEY).contains("anthropic");

        Throwable config = catchThrowableOfType(
                IllegalStateException.class,
                () -> AnthropicProvider.builder()
                        .apiKey("sk-ant-bad key-" + KEY)
                        .environment(Map.of())
                        .build());
        assertThat(config).isNotNull();
        assertThat(config.getMessage()).doesNotContain(KEY).contains("API key");
    }

    @Test
    void streamErrorEventsAndTruncationsCarryNoSecrets() {
        server.enqueue(AnthropicTestSupport.sse(
                "event: error\ndata: " + error("api_error", "Internal error for key " + KEY) + "\n\n"));

        Iterator<?> it = provider(server).stream(REQUEST, streamingCall());
        LlmException e = catchThrowableOfType(LlmException.class, it::hasNext);
        assertThat(e).isNotNull();
        assertThat(e.isRetryable()).isTrue();
        assertNoSecrets(e);
    }
}
