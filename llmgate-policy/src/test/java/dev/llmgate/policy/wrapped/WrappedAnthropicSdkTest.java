package dev.llmgate.policy.wrapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.SseException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.InMemoryAuditSink;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.ErrorClass;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.anthropicsdk.LlmGateAnthropicHttpClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official anthropic-java SDK (3.x) wrapped with {@link LlmGateAnthropicHttpClient}, through a gate
 * with the real HIPAA policy, response cache, router and audit log, against MockWebServer answering in
 * Anthropic's Messages wire format — faults included.
 */
class WrappedAnthropicSdkTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-ant-api03-wrappedKey0123456789abcdefABCDEF";

    static final String MESSAGE = "{\"id\":\"msg_01UpstreamId\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-haiku-4-5-20251001\",\"content\":[{\"type\":\"text\",\"text\":\"Hello there\"}],"
            + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":9,\"output_tokens\":2,\"service_tier\":\"standard\"},\"x_vendor_extra\":1}";

    static final String STREAM = event(
                    "message_start",
                    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01StreamId\",\"type\":\"message\","
                            + "\"role\":\"assistant\",\"model\":\"claude-haiku-4-5-20251001\",\"content\":[],"
                            + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}")
            + event(
                    "content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
            + event("ping", "{\"type\":\"ping\"}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello \"}}")
            + event(
                    "content_block_delta",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"there\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
            + event(
                    "message_delta",
                    "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                            + "\"usage\":{\"output_tokens\":2}}")
            + event("message_stop", "{\"type\":\"message_stop\"}");

    static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    MockWebServer server;
    InMemoryAuditSink sink;
    AuditLog audit;
    LlmGate gate;
    final List<AnthropicClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        QueueDispatcher d = new QueueDispatcher();
        d.setFailFast(
                new MockResponse.Builder().code(599).body("no answer queued").build());
        server.setDispatcher(d);
        server.start();
        sink = new InMemoryAuditSink();
        audit = AuditLog.builder(sink, AuditSigningKey.generate()).build();
        Router router = Router.builder()
                .route(Route.builder("claude")
                        .deployment("anthropic:claude-haiku-4-5")
                        .retry(RetryPolicy.builder()
                                .retriesPerDeployment(2)
                                .baseDelay(Duration.ofMillis(1))
                                .maxDelay(Duration.ofMillis(1))
                                .build())
                        .fallbackOn(ErrorClass.NETWORK)
                        .build())
                .sleeper(x -> {})
                .noCircuitBreaker()
                .build();
        gate = LlmGate.builder()
                .addInterceptor(audit.interceptor())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .addInterceptor(ResponseCache.builder().build().interceptor())
                .addInterceptor(router)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(AnthropicClient::close);
        gate.close();
        audit.close();
        server.close();
    }

    AnthropicClient client(WrapOptions options, int sdkRetries) {
        AnthropicClient c = AnthropicOkHttpClient.builder()
                .baseUrl(server.url("/").toString())
                .apiKey(KEY)
                .maxRetries(sdkRetries)
                .interceptors(List.of(LlmGateAnthropicHttpClient.interceptor(gate, options)))
                .build();
        clients.add(c);
        return c;
    }

    static MessageCreateParams ask(String text) {
        return MessageCreateParams.builder()
                .model("claude-haiku-4-5")
                .maxTokens(64)
                .addUserMessage(text)
                .build();
    }

    static MockResponse json(String body) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("request-id", "req_011CUpstream")
                .body(body)
                .build();
    }

    List<JsonNode> auditedCalls() throws Exception {
        audit.flush();
        List<JsonNode> calls = new ArrayList<>();
        for (String line : sink.lines()) {
            JsonNode n = JSON.readTree(line);
            if (n.path("type").asText().equals("call")) {
                calls.add(n);
            }
        }
        return calls;
    }

    @Test
    void aBlockingCallIsRedactedBeforeUpstreamAndComesBackAsUpstreamSentIt() throws Exception {
        server.enqueue(json(MESSAGE));
        HttpResponseFor<Message> raw = client(WrapOptions.of("anthropic"), 0)
                .messages()
                .withRawResponse()
                .create(ask("Write to ann@example.org about SSN 536-22-8841"));
        Message m = raw.parse();

        JsonNode sent =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(sent.toString()).doesNotContain("ann@example.org").doesNotContain("536-22-8841");
        assertThat(sent.path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(m.id()).isEqualTo("msg_01UpstreamId");
        assertThat(m.model().asString()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello there");
        assertThat(m._additionalProperties()).containsKey("x_vendor_extra");
        assertThat(raw.headers().values("request-id")).containsExactly("req_011CUpstream");
        assertThat(auditedCalls()).hasSize(1);
    }

    /** An agent loop's turn after a tool failed: the tool result marked is_error, with prompt-caching breakpoints. */
    static MessageCreateParams afterAFailedTool(boolean failed) {
        var ephemeral =
                com.anthropic.models.messages.CacheControlEphemeral.builder().build();
        return MessageCreateParams.builder()
                .model("claude")
                .maxTokens(64)
                .addTool(com.anthropic.models.messages.Tool.builder()
                        .name("lookup")
                        .inputSchema(com.anthropic.models.messages.Tool.InputSchema.builder()
                                .build())
                        .cacheControl(ephemeral)
                        .build())
                .addUserMessage("Find the chart of the patient")
                .addMessage(com.anthropic.models.messages.AssistantMessageParam.builder()
                        .content(com.anthropic.models.messages.MessageContentParam.ofContentBlockParams(
                                List.of(com.anthropic.models.messages.ContentBlockParam.ofToolUse(
                                        com.anthropic.models.messages.ToolUseBlockParam.builder()
                                                .id("toolu_01")
                                                .name("lookup")
                                                .input(com.anthropic.core.JsonValue.from(java.util.Map.of()))
                                                .build()))))
                        .build())
                .addMessage(com.anthropic.models.messages.UserMessageParam.builder()
                        .content(com.anthropic.models.messages.MessageContentParam.ofContentBlockParams(
                                List.of(com.anthropic.models.messages.ContentBlockParam.ofToolResult(
                                        com.anthropic.models.messages.ToolResultBlockParam.builder()
                                                .toolUseId("toolu_01")
                                                .content("lookup failed for ann@example.org: timeout")
                                                .isError(failed)
                                                .cacheControl(ephemeral)
                                                .build()))))
                        .build())
                .build();
    }

    @Test
    void aFailedToolResultAndCacheBreakpointsPassTheWholeChainAndAreKeyed() throws Exception {
        server.enqueue(json(MESSAGE));
        server.enqueue(json(MESSAGE));
        AnthropicClient client = client(
                WrapOptions.builder("anthropic").route("claude", "claude").build(), 0);
        Message m = client.messages().create(afterAFailedTool(true));
        assertThat(m.id()).isEqualTo("msg_01UpstreamId");
        JsonNode sent =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        JsonNode result = sent.path("messages").path(2).path("content").path(0);
        assertThat(result.path("type").asText()).isEqualTo("tool_result");
        assertThat(result.path("is_error").asBoolean()).isTrue();
        assertThat(result.path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(result.path("content").asText()).doesNotContain("ann@example.org"); // the policy still read it
        assertThat(sent.path("tools").path(0).path("cache_control").path("type").asText())
                .isEqualTo("ephemeral");
        // the same turn with the tool's success is another request: not answered from the first one's cache entry
        var unused = client.messages().create(afterAFailedTool(false));
        JsonNode second =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(second.path("messages").path(2).path("content").path(0).has("is_error"))
                .isFalse();
    }

    @Test
    void theSdksAsyncClientRunsTheSameChain() throws Exception {
        server.enqueue(json(MESSAGE));
        Message m = client(WrapOptions.of("anthropic"), 0)
                .async()
                .messages()
                .create(ask("Write to ann@example.org"))
                .get(10, TimeUnit.SECONDS);
        assertThat(m.id()).isEqualTo("msg_01UpstreamId");
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).doesNotContain("ann@example.org");
        Throwable t = catchThrowable(() -> client(WrapOptions.of("anthropic"), 0)
                .async()
                .messages()
                .create(ask("Deploy with AKIAIOSFODNN7EXAMPLE please"))
                .get(10, TimeUnit.SECONDS));
        assertThat(t.getCause()).isInstanceOf(PermissionDeniedException.class);
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(auditedCalls()).hasSize(2);
    }

    @Test
    void aThinkingBlockTheOutputPolicyDidNotReadNeverReachesTheClient() throws Exception {
        server.enqueue(json(MESSAGE.replace(
                "\"content\":[",
                "\"content\":[{\"type\":\"thinking\",\"thinking\":\"SSN 536-22-8841\",\"signature\":\"sig\"},")));
        HttpResponseFor<Message> raw = client(WrapOptions.of("anthropic"), 0)
                .messages()
                .withRawResponse()
                .create(ask("hello"));
        Message m = raw.parse();
        assertThat(m.toString()).doesNotContain("536-22-8841");
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello there");
        assertThat(m.id()).isEqualTo("msg_01UpstreamId");
    }

    @Test
    void aStreamAccumulatesInTheSdkWithUpstreamsIdAndModel() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(STREAM)
                .build());
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s =
                client(WrapOptions.of("anthropic"), 0).messages().createStreaming(ask("hello"))) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.id()).isEqualTo("msg_01StreamId");
        assertThat(m.model().asString()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello there");
        assertThat(m.stopReason())
                .hasValueSatisfying(r -> assertThat(r.asString()).isEqualTo("end_turn"));
    }

    @Test
    void aRoutedCallSurvivesADroppedConnectionWithTheGateAsItsOneRetryLayer() throws Exception {
        AnthropicClient sdk =
                client(WrapOptions.builder("anthropic").defaultRoute("claude").build(), 0);
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse.Builder()
                    .onRequestStart(new SocketEffect.CloseSocket())
                    .build());
            server.enqueue(json(MESSAGE));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(sdk.messages().create(ask("call " + i)).id()).isEqualTo("msg_01UpstreamId");
        }
        assertThat(server.getRequestCount()).isEqualTo(6);
        for (JsonNode call : auditedCalls()) {
            assertThat(call.path("attempts")).hasSize(2);
        }
    }

    @Test
    void aRefusedConnectionIsTheSdksOwnIoFailure() throws Exception {
        server.close();
        Throwable t = catchThrowable(
                () -> client(WrapOptions.of("anthropic"), 0).messages().create(ask("hello")));
        assertThat(t).isInstanceOf(AnthropicIoException.class).hasRootCauseInstanceOf(ConnectException.class);
        assertThat(t.toString()).doesNotContain(KEY);
    }

    @Test
    void aStreamCutAfterItBeganFailsAsAnIoErrorNotAnSseError() throws Exception {
        try (ServerSocket cutting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = cutting.accept()) {
                    WrappedOpenAiSdkTest.readRequest(s.getInputStream());
                    String first = STREAM.substring(0, STREAM.indexOf("event: content_block_delta"));
                    OutputStream out = s.getOutputStream();
                    out.write(
                            ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            + Integer.toHexString(first.getBytes(StandardCharsets.UTF_8).length)
                                            + "\r\n"
                                            + first + "\r\n")
                                    .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    // the connection ends here, in the middle of a chunked body
                } catch (IOException e) {
                    // the client went away
                }
            });
            t.start();
            AnthropicClient sdk = AnthropicOkHttpClient.builder()
                    .baseUrl("http://127.0.0.1:" + cutting.getLocalPort() + "/")
                    .apiKey(KEY)
                    .maxRetries(0)
                    .interceptors(List.of(LlmGateAnthropicHttpClient.interceptor(gate, WrapOptions.of("anthropic"))))
                    .build();
            clients.add(sdk);
            Throwable failure = catchThrowable(() -> {
                try (StreamResponse<RawMessageStreamEvent> s = sdk.messages().createStreaming(ask("hello"))) {
                    s.stream().forEach(e -> {});
                }
            });
            t.join(10_000);
            assertThat(failure).isNotNull().isNotInstanceOf(SseException.class);
            assertThat(failure)
                    .satisfiesAnyOf(
                            e -> assertThat(e).isInstanceOf(AnthropicIoException.class),
                            e -> assertThat(e).isInstanceOf(UncheckedIOException.class),
                            e -> assertThat(e).hasCauseInstanceOf(IOException.class));
            assertThat(failure.toString()).doesNotContain(KEY);
        }
    }

    @Test
    void aPolicyBlockIsA403PermissionErrorThatTheSdkDoesNotRetry() throws Exception {
        Throwable t = catchThrowable(() -> client(WrapOptions.of("anthropic"), 3)
                .messages()
                .create(ask("Deploy with AKIAIOSFODNN7EXAMPLE please")));
        assertThat(t).isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.headers().values("x-should-retry")).containsExactly("false");
            assertThat(e.getMessage()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
        });
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void anUpstreamErrorReachesTheSdkAsUpstreamSentIt() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(400)
                .addHeader("Content-Type", "application/json")
                .addHeader("request-id", "req_011CBad")
                .body(
                        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                                + "\"message\":\"max_tokens: 64 > 32, which is the maximum allowed\"},\"request_id\":\"req_011CBad\"}")
                .build());
        Throwable t = catchThrowable(
                () -> client(WrapOptions.of("anthropic"), 0).messages().create(ask("hello")));
        assertThat(t).isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.headers().values("request-id")).containsExactly("req_011CBad");
            assertThat(e.getMessage()).contains("which is the maximum allowed");
        });
    }
}
