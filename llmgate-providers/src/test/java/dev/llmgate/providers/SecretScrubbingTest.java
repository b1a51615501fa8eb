package dev.llmgate.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.okhttp.LlmGateInterceptor;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.KeyLeaks;
import dev.llmgate.providers.testing.Vendors;
import dev.llmgate.providers.testing.Vendors.Vendor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An upstream that echoes the API key back, in every field of its error body and in every response
 * header, shaped exactly like each vendor's real error body (docs: /work/shared/reference/wire): no
 * exception of any of the six providers may show 8 consecutive characters of the key anywhere
 * reachable — message, toString, printed stack trace with causes, details (code, request id).
 * Echo forms: the whole key, the key without its prefix, a piece of it, and the key in lower case.
 */
class SecretScrubbingTest {
    static final String KEY = "sk-LEAKCHECK-1234567890";
    static final List<String> ECHOES = List.of(KEY, "LEAKCHECK-1234567890", "CHECK-123456", "sk-leakcheck-1234567890");
    static final int[] STATUSES = {400, 401, 403, 404, 429, 500, 503};

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

    /** The vendor's real error body shape, with {@code echo} in every field that the vendor's shape has. */
    static String errorBody(Vendor vendor, String echo) {
        return switch (vendor) {
            // OpenAI's Error schema (openapi.yaml components.schemas.Error): message, type, param, code
            case OPENAI ->
                "{\"error\":{\"message\":\"Incorrect API key provided: " + echo + ". You can find your API key at"
                        + " https://platform.openai.com/account/api-keys.\",\"type\":\"" + echo + "\",\"param\":\""
                        + echo
                        + "\",\"code\":\"" + echo + "\"}}";
            // Azure OpenAI: code first, an innererror with its own code (content filter answers)
            case AZURE ->
                "{\"error\":{\"code\":\"" + echo + "\",\"message\":\"Access denied due to invalid subscription key "
                        + echo
                        + " or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional"
                        + " API endpoint for your resource.\",\"param\":\"" + echo + "\",\"type\":\"" + echo
                        + "\",\"status\":401,"
                        + "\"innererror\":{\"code\":\"" + echo
                        + "\",\"content_filter_result\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}}}";
            // llama-server (captured: error-401.response.json): message, type, code
            case COMPATIBLE ->
                "{\"error\":{\"message\":\"Invalid API Key " + echo + "\",\"type\":\"" + echo + "\",\"code\":\"" + echo
                        + "\"}}";
            // Anthropic's ErrorResponse (anthropic-sdk-python): type, error {type, message}, request_id
            case ANTHROPIC ->
                "{\"type\":\"error\",\"error\":{\"type\":\"" + echo + "\",\"message\":\"invalid x-api-key " + echo
                        + "\"}," + "\"request_id\":\"" + echo + "\"}";
            // Gemini (googleai.unary-failure-api-key.txt): code, message, status, details with reason, metadata,
            // messages
            case GEMINI ->
                "{\"error\":{\"code\":400,\"message\":\"API key not valid: " + echo + "\",\"status\":\"" + echo + "\","
                        + "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"" + echo
                        + "\",\"domain\":\""
                        + echo + "\",\"metadata\":{\"service\":\"generativelanguage.googleapis.com\",\"key\":\"" + echo
                        + "\"}},"
                        + "{\"@type\":\"type.googleapis.com/google.rpc.LocalizedMessage\",\"locale\":\"en-US\",\"message\":\""
                        + echo + "\"},"
                        + "{\"@type\":\"type.googleapis.com/google.rpc.DebugInfo\",\"detail\":\"Invalid API key: "
                        + echo + "\"}]}}";
            // Ollama: {"error": "message"}
            case OLLAMA -> "{\"error\":\"invalid api key " + echo + "\"}";
        };
    }

    /** An error reported inside a 200 stream, in the vendor's stream framing. */
    static String streamError(Vendor vendor, String echo) {
        return switch (vendor) {
            case OPENAI, AZURE, COMPATIBLE -> "data: " + errorBody(vendor, echo) + "\n\n";
            case ANTHROPIC -> "event: error\ndata: " + errorBody(vendor, echo) + "\n\n";
            case GEMINI -> "data: " + errorBody(vendor, echo) + "\r\n\r\n";
            case OLLAMA -> errorBody(vendor, echo) + "\n";
        };
    }

    static MockResponse.Builder echoingHeaders(MockResponse.Builder b, String echo) {
        for (String h : List.of(
                "x-request-id",
                "request-id",
                "apim-request-id",
                "x-goog-request-id",
                "retry-after",
                "x-echo",
                "x-should-retry",
                "www-authenticate")) {
            b.addHeader(h, echo);
        }
        return b;
    }

    static Stream<Arguments> vendorsAndEchoes() {
        List<Arguments> all = new ArrayList<>();
        for (Vendor v : Vendor.values()) {
            for (String echo : ECHOES) {
                all.add(Arguments.of(v, echo));
            }
        }
        return all.stream();
    }

    private ModelProvider provider(Vendor vendor) {
        return Vendors.withKey(vendor, server.url("/").toString(), KEY);
    }

    private LlmException blocking(ModelProvider p) {
        return catchThrowableOfType(LlmException.class, () -> p.chat(ChatRequest.of("m", "hi"), Fixtures.blocking()));
    }

    private LlmException streaming(ModelProvider p) {
        return catchThrowableOfType(LlmException.class, () -> {
            try (ChatStream s = p.stream(ChatRequest.of("m", "hi"), Fixtures.streaming())) {
                s.collect();
            }
        });
    }

    @ParameterizedTest(name = "{0} echoing {1}")
    @MethodSource("vendorsAndEchoes")
    void anErrorAnswerEchoingTheKeyInEveryFieldAndHeaderShowsNoneOfIt(Vendor vendor, String echo) {
        ModelProvider p = provider(vendor);
        try {
            for (int status : STATUSES) {
                for (boolean stream : new boolean[] {false, true}) {
                    server.enqueue(echoingHeaders(
                                    new MockResponse.Builder()
                                            .code(status)
                                            .addHeader("Content-Type", "application/json")
                                            .body(errorBody(vendor, echo)),
                                    echo)
                            .build());
                    LlmException e = stream ? streaming(p) : blocking(p);
                    assertThat(e).as("HTTP %s, stream %s", status, stream).isNotNull();
                    assertThat(e.details().httpStatus()).hasValue(status);
                    KeyLeaks.assertNothingReachableLeaks(e, KEY);
                }
            }
        } finally {
            p.close();
        }
    }

    @ParameterizedTest(name = "{0} echoing {1}")
    @MethodSource("vendorsAndEchoes")
    void anErrorInsideAStreamEchoingTheKeyShowsNoneOfIt(Vendor vendor, String echo) {
        ModelProvider p = provider(vendor);
        try {
            server.enqueue(echoingHeaders(
                            new MockResponse.Builder()
                                    .addHeader("Content-Type", vendor.wire.streamType)
                                    .body(streamError(vendor, echo)),
                            echo)
                    .build());
            LlmException e = streaming(p);
            assertThat(e).isNotNull();
            KeyLeaks.assertNothingReachableLeaks(e, KEY);
            // and inside a 200 blocking answer
            server.enqueue(echoingHeaders(
                            new MockResponse.Builder()
                                    .addHeader("Content-Type", "application/json")
                                    .body(errorBody(vendor, echo)),
                            echo)
                    .build());
            LlmException b = blocking(p);
            assertThat(b).isNotNull();
            KeyLeaks.assertNothingReachableLeaks(b, KEY);
        } finally {
            p.close();
        }
    }

    /** OkHttp quotes a malformed status line in its exception: the upstream controls that text. */
    @ParameterizedTest(name = "{0} echoing {1}")
    @MethodSource("vendorsAndEchoes")
    void aStatusLineEchoingTheKeyShowsNoneOfItInTheNetworkErrorOrItsCause(Vendor vendor, String echo) {
        ModelProvider p = provider(vendor);
        try {
            for (boolean stream : new boolean[] {false, true}) {
                server.enqueue(new MockResponse.Builder()
                        .status("HTTP/1.1 2x0 " + echo)
                        .body("{}")
                        .build());
                LlmException e = stream ? streaming(p) : blocking(p);
                assertThat(e).isInstanceOf(NetworkException.class);
                assertThat(e.getCause()).as("the cause is kept, scrubbed").isNotNull();
                assertThat(KeyLeaks.printed(e)).contains("ProtocolException");
                KeyLeaks.assertNothingReachableLeaks(e, KEY);
            }
        } finally {
            p.close();
        }
    }

    @Test
    void geminisBlockReasonEchoingTheKeyShowsNoneOfIt() {
        ModelProvider p = provider(Vendor.GEMINI);
        try {
            for (String echo : ECHOES) {
                String body = "{\"promptFeedback\":{\"blockReason\":\"" + echo
                        + "\"},\"usageMetadata\":{\"promptTokenCount\":3}}";
                server.enqueue(new MockResponse.Builder()
                        .addHeader("Content-Type", "application/json")
                        .body(body)
                        .build());
                LlmException e = blocking(p);
                assertThat(e).isInstanceOf(ContentFilteredException.class);
                KeyLeaks.assertNothingReachableLeaks(e, KEY);
                server.enqueue(new MockResponse.Builder()
                        .addHeader("Content-Type", "text/event-stream")
                        .body("data: " + body + "\r\n\r\n")
                        .build());
                LlmException s = streaming(p);
                assertThat(s).isInstanceOf(ContentFilteredException.class);
                KeyLeaks.assertNothingReachableLeaks(s, KEY);
            }
        } finally {
            p.close();
        }
    }

    /** An existing client routed through the gate gets the upstream's error back: scrubbed with the client's own key. */
    @Test
    void anInterceptedClientsErrorAnswerShowsNoneOfItsKey() throws Exception {
        try (LlmGate gate = LlmGate.builder().build()) {
            OkHttpClient client = new OkHttpClient.Builder()
                    .addInterceptor(LlmGateInterceptor.of(gate, "openai"))
                    .build();
            for (String echo : ECHOES) {
                for (boolean stream : new boolean[] {false, true}) {
                    server.enqueue(echoingHeaders(
                                    new MockResponse.Builder()
                                            .code(401)
                                            .addHeader("Content-Type", "application/json")
                                            .body(errorBody(Vendor.OPENAI, echo)),
                                    echo)
                            .build());
                    Request request = new Request.Builder()
                            .url(server.url("/v1/chat/completions"))
                            .header("Authorization", "Bearer " + KEY)
                            .post(RequestBody.create(
                                    "{\"model\":\"gpt-4o\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\","
                                            + "\"content\":\"hi\"}]}",
                                    MediaType.get("application/json")))
                            .build();
                    try (Response response = client.newCall(request).execute()) {
                        assertThat(response.code()).isEqualTo(401);
                        KeyLeaks.assertNoKeyFragment(response.body().string(), KEY);
                    }
                }
            }
        }
    }
}
