package dev.llmgate.policy.wrapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.InMemoryAuditSink;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.ErrorClass;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openaisdk.LlmGateOpenAiHttpClient;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official openai-java SDK wrapped as docs/wrapping-existing-calls.md says, through a gate with the
 * real HIPAA policy, response cache, router, budget and signed audit log, against MockWebServer answering
 * in OpenAI's wire format — faults included (dropped connections, refused connections, a stream cut
 * after its first token, upstream errors).
 */
class WrappedOpenAiSdkTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-wrapped-sdk-key-0123456789abcdef";

    static final String ANSWER =
            "{\"id\":\"chatcmpl-upstream-1\",\"object\":\"chat.completion\",\"created\":1741569952,"
                    + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello there\","
                    + "\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11},"
                    + "\"service_tier\":\"default\",\"x_vendor_extra\":{\"kept\":true}}";

    static final String STREAM = chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null")
            + chunk("{\"content\":\"Hello \"}", "null")
            + chunk("{\"content\":\"there\"}", "null")
            + chunk("{}", "\"stop\"")
            + "data: [DONE]\n\n";

    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-stream-7\",\"object\":\"chat.completion.chunk\",\"created\":1727346168,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_5050236cbd\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finish + "}]}\n\n";
    }

    MockWebServer server;
    MockWebServer backup;
    InMemoryAuditSink sink;
    AuditLog audit;
    ResponseCache cache;
    LlmGate gate;
    final List<OpenAIClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = failFast(new MockWebServer());
        server.start();
        backup = failFast(new MockWebServer());
        backup.start();
        sink = new InMemoryAuditSink();
        audit = AuditLog.builder(sink, AuditSigningKey.generate()).build();
        cache = ResponseCache.builder().build();
    }

    /** A server that answers 599 when no answer is queued, instead of leaving the client waiting. */
    static MockWebServer failFast(MockWebServer s) {
        QueueDispatcher d = new QueueDispatcher();
        d.setFailFast(
                new MockResponse.Builder().code(599).body("no answer queued").build());
        s.setDispatcher(d);
        return s;
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(OpenAIClient::close);
        if (gate != null) {
            gate.close();
        }
        audit.close();
        server.close();
        backup.close();
    }

    /** The full chain; route "chat": the wrapped client's gpt-4o-mini, twice, then the gate's own "backup". */
    LlmGate gate(int retries, BudgetInterceptor budget) {
        Router router = Router.builder()
                .route(Route.builder("chat")
                        .deployment("openai:gpt-4o-mini")
                        .deployment(Deployment.of("backup:gpt-4o-mini"))
                        .retry(RetryPolicy.builder()
                                .retriesPerDeployment(retries)
                                .baseDelay(Duration.ofMillis(1))
                                .maxDelay(Duration.ofMillis(1))
                                .build())
                        .fallbackOn(ErrorClass.SERVER_ERROR, ErrorClass.NETWORK, ErrorClass.OVERLOADED)
                        .build())
                .sleeper(d -> {})
                .noCircuitBreaker()
                .build();
        LlmGate.Builder b = LlmGate.builder()
                .provider(
                        "backup",
                        OpenAiCompatibleProvider.builder(backup.url("/v1").toString())
                                .name("backup")
                                .apiKey("sk-backup-key-0123456789")
                                .build())
                .addInterceptor(audit.interceptor())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .addInterceptor(cache.interceptor())
                .addInterceptor(router);
        if (budget != null) {
            b.addInterceptor(budget);
        }
        gate = b.build();
        return gate;
    }

    OpenAIClient client(WrapOptions options, int sdkRetries) {
        OpenAIClient c = new OpenAIClientImpl(ClientOptions.builder()
                .httpClient(LlmGateOpenAiHttpClient.wrap(
                        gate,
                        options,
                        com.openai.client.okhttp.OkHttpClient.builder().build()))
                .baseUrl(server.url("/v1").toString())
                .apiKey(KEY)
                .maxRetries(sdkRetries)
                .build());
        clients.add(c);
        return c;
    }

    static WrapOptions routed() {
        return WrapOptions.builder("openai").route("gpt-4o-mini", "chat").build();
    }

    static ChatCompletionCreateParams ask(String text) {
        return ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addUserMessage(text)
                .build();
    }

    static MockResponse answer(String body) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("x-request-id", "req_upstream_42")
                .body(body)
                .build();
    }

    static MockResponse sse(String body) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .addHeader("x-request-id", "req_stream_7")
                .body(body)
                .build();
    }

    /** A request the server reads and then drops, as a server does with a connection it closed after a stream. */
    static MockResponse dropped() {
        return new MockResponse.Builder()
                .onRequestStart(new SocketEffect.CloseSocket())
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
    void aRoutedCallSurvivesDroppedConnectionsWithTheGateAsItsOneRetryLayer() throws Exception {
        gate(2, null);
        OpenAIClient sdk = client(routed(), 0);
        for (int i = 0; i < 6; i++) {
            server.enqueue(dropped());
            server.enqueue(sse(STREAM));
            server.enqueue(dropped());
            server.enqueue(answer(ANSWER));
        }
        for (int i = 0; i < 6; i++) {
            StringBuilder text = new StringBuilder();
            try (StreamResponse<ChatCompletionChunk> s =
                    sdk.chat().completions().createStreaming(ask("stream " + i))) {
                s.stream()
                        .forEach(c ->
                                c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
            assertThat(text).hasToString("Hello there");
            assertThat(sdk.chat()
                            .completions()
                            .create(ask("call " + i))
                            .choices()
                            .get(0)
                            .message()
                            .content())
                    .contains("Hello there");
        }
        assertThat(server.getRequestCount())
                .as("each call: one dropped attempt, one retry")
                .isEqualTo(24);
        List<JsonNode> calls = auditedCalls();
        assertThat(calls).hasSize(12);
        for (JsonNode call : calls) {
            assertThat(call.path("attempts")).hasSize(2);
        }
    }

    @Test
    void withoutARouteTheSdksOwnRetriesAreTheOneLayerAndEachAttemptIsAudited() throws Exception {
        gate(2, null);
        OpenAIClient sdk = client(WrapOptions.of("openai"), 2);
        server.enqueue(dropped());
        server.enqueue(answer(ANSWER));
        assertThat(sdk.chat().completions().create(ask("hello")).id()).isEqualTo("chatcmpl-upstream-1");
        assertThat(server.getRequestCount()).isEqualTo(2);
        List<JsonNode> calls = auditedCalls();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).path("attempts")).hasSize(1);
    }

    @Test
    void theSdkDoesNotRetryWhatTheRouteAlreadyRetried() throws Exception {
        gate(1, null);
        backup.enqueue(new MockResponse.Builder().code(503).body("{}").build());
        backup.enqueue(new MockResponse.Builder().code(503).body("{}").build());
        for (int i = 0; i < 10; i++) {
            server.enqueue(new MockResponse.Builder()
                    .code(503)
                    .addHeader("Content-Type", "application/json")
                    .body(
                            "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")
                    .build());
        }
        OpenAIClient sdk = client(routed(), 3); // misconfigured: the SDK would retry too
        Throwable t = catchThrowable(() -> sdk.chat().completions().create(ask("hello")));
        assertThat(t).isInstanceOf(InternalServerException.class);
        assertThat(server.getRequestCount() + backup.getRequestCount())
                .as("two attempts per deployment, no SDK retry on top")
                .isEqualTo(4);
    }

    @Test
    void aRefusedConnectionIsTheSdksOwnIoFailureWithItsCause() throws Exception {
        gate(0, null);
        backup.close();
        server.close();
        Throwable t = catchThrowable(
                () -> client(WrapOptions.of("openai"), 0).chat().completions().create(ask("hello")));
        assertThat(t).isInstanceOf(OpenAIIoException.class).hasRootCauseInstanceOf(ConnectException.class);
        assertThat(t.toString()).doesNotContain(KEY);
    }

    @Test
    void aStreamCutAfterItsFirstTokenFailsAsAnIoErrorNotAnSseError() throws Exception {
        gate(0, null);
        try (ServerSocket cutting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = cutting.accept()) {
                    readRequest(s.getInputStream());
                    String first = chunk("{\"role\":\"assistant\",\"content\":\"Hello \"}", "null");
                    OutputStream out = s.getOutputStream();
                    out.write(
                            ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            + Integer.toHexString(first.length()) + "\r\n" + first + "\r\n")
                                    .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    // the connection ends here, in the middle of a chunked body
                } catch (IOException e) {
                    // the client went away
                }
            });
            t.start();
            OpenAIClient sdk = new OpenAIClientImpl(ClientOptions.builder()
                    .httpClient(LlmGateOpenAiHttpClient.wrap(
                            gate,
                            "openai",
                            com.openai.client.okhttp.OkHttpClient.builder().build()))
                    .baseUrl("http://127.0.0.1:" + cutting.getLocalPort() + "/v1")
                    .apiKey(KEY)
                    .maxRetries(0)
                    .build());
            clients.add(sdk);
            StringBuilder text = new StringBuilder();
            // the gate starts the stream before it answers (the policy's window pulls past "Hello "), so the cut
            // may surface from createStreaming or from reading: either way as an I/O error
            Throwable failure = catchThrowable(() -> {
                try (StreamResponse<ChatCompletionChunk> s =
                        sdk.chat().completions().createStreaming(ask("hello"))) {
                    s.stream()
                            .forEach(c -> c.choices()
                                    .forEach(ch -> ch.delta().content().ifPresent(text::append)));
                }
            });
            t.join(10_000);
            // the HIPAA policy's stream window may still hold "Hello " back when the connection breaks
            assertThat("Hello ").startsWith(text);
            assertThat(failure).isNotNull().isNotInstanceOf(SseException.class);
            assertThat(failure)
                    .satisfiesAnyOf(
                            e -> assertThat(e).isInstanceOf(OpenAIIoException.class),
                            e -> assertThat(e).isInstanceOf(UncheckedIOException.class),
                            e -> assertThat(e).hasCauseInstanceOf(IOException.class));
            assertThat(auditedCalls().get(0).path("outcome").asText()).isEqualTo("failed");
        }
    }

    /** Reads one HTTP/1.1 request with a Content-Length body. */
    static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException();
            }
            head.append((char) c);
        }
        Matcher m = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        if (m.find()) {
            in.readNBytes(Integer.parseInt(m.group(1)));
        }
    }

    @Test
    void upstreamsIdsTimestampsFingerprintsHeadersAndUnknownFieldsPassThrough() throws Exception {
        gate(0, null);
        OpenAIClient sdk = client(WrapOptions.of("openai"), 0);
        server.enqueue(answer(ANSWER));
        HttpResponseFor<ChatCompletion> raw =
                sdk.chat().completions().withRawResponse().create(ask("hello"));
        ChatCompletion c = raw.parse();
        assertThat(c.id()).isEqualTo("chatcmpl-upstream-1");
        assertThat(c.created()).isEqualTo(1741569952L);
        assertThat(c.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(c.systemFingerprint()).contains("fp_44709d6fcb");
        assertThat(c._additionalProperties()).containsKey("x_vendor_extra");
        assertThat(raw.headers().values("x-request-id")).containsExactly("req_upstream_42");

        // a vendor's members of the first chunk (citations, a routing provider) and OpenAI's per-chunk padding
        server.enqueue(sse(STREAM.replaceFirst(
                "\"system_fingerprint\":\"fp_5050236cbd\",",
                "\"system_fingerprint\":\"fp_5050236cbd\",\"citations\":[\"https://a.example/1\"],"
                        + "\"provider\":\"Vendor\",\"obfuscation\":\"k3Xz\",")));
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(ask("stream"))) {
            s.stream().forEach(chunks::add);
        }
        assertThat(chunks).isNotEmpty().allSatisfy(ch -> {
            assertThat(ch.id()).isEqualTo("chatcmpl-stream-7");
            assertThat(ch.created()).isEqualTo(1727346168L);
            assertThat(ch.model()).isEqualTo("gpt-4o-mini-2024-07-18");
            assertThat(ch.systemFingerprint()).contains("fp_5050236cbd");
            assertThat(ch._additionalProperties()).doesNotContainKey("obfuscation"); // sized for one chunk's text
        });
        // upstream's unknown members come once, on the first chunk, as upstream sent them
        assertThat(chunks.get(0)._additionalProperties()).containsKeys("citations", "provider");
        assertThat(chunks.subList(1, chunks.size()))
                .allSatisfy(ch -> assertThat(ch._additionalProperties()).doesNotContainKeys("citations", "provider"));
    }

    @Test
    void membersOnlyLaterChunksCarryOrChangeReachTheSdkOnceWithTheirLastValue() throws Exception {
        gate(0, null);
        OpenAIClient sdk = client(WrapOptions.of("openai"), 0);
        String at = "\"system_fingerprint\":\"fp_5050236cbd\",";
        String[] frames = STREAM.split("(?<=\n\n)");
        String v1 = "\"citations\":[\"https://a.example/1\"],\"provider\":\"Vendor\",";
        String v2 = "\"citations\":[\"https://a.example/1\",\"https://b.example/2\"],\"provider\":\"Vendor\","
                + "\"search_results\":[{\"title\":\"T\"}],";
        String body = frames[0].replace(at, at + v1)
                + frames[1].replace(at, at + v1 + "\"obfuscation\":\"k3\",")
                + frames[2].replace(at, at + v2)
                + frames[3].replace(at, at + v2)
                + frames[4];
        server.enqueue(sse(body));
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(ask("stream"))) {
            s.stream().forEach(chunks::add);
        }
        Map<String, List<String>> seen = new java.util.LinkedHashMap<>();
        for (ChatCompletionChunk ch : chunks) {
            ch._additionalProperties()
                    .forEach((k, v) ->
                            seen.computeIfAbsent(k, x -> new ArrayList<>()).add(String.valueOf(v)));
        }
        assertThat(chunks.get(0)._additionalProperties()).containsKeys("citations", "provider");
        assertThat(seen.get("provider")).as("unchanged: given once").hasSize(1);
        assertThat(seen.get("search_results"))
                .as("first sent by a later chunk: given once")
                .hasSize(1);
        assertThat(seen.get("citations"))
                .as("changed by a later chunk: its last value is the one the client keeps")
                .last()
                .asString()
                .contains("https://b.example/2");
        assertThat(seen).doesNotContainKey("obfuscation");
        assertThat(chunks.stream()
                        .map(ch -> ch.choices().isEmpty()
                                ? ""
                                : ch.choices().get(0).delta().content().orElse(""))
                        .reduce("", String::concat))
                .isEqualTo("Hello there");
    }

    @Test
    void anUnchangedRequestReachesUpstreamAsTheSdkSentItAndAChangedOneIsRewritten() throws Exception {
        gate(0, null);
        OpenAIClient sdk = client(WrapOptions.of("openai"), 0);
        server.enqueue(answer(ANSWER));
        server.enqueue(answer(ANSWER));
        sdk.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o-mini")
                        .addUserMessage("hello")
                        .putAdditionalBodyProperty("x_unknown", com.openai.core.JsonValue.from(List.of(1, 2)))
                        .build());
        String first = server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
        assertThat(JSON.readTree(first).path("x_unknown").toString()).isEqualTo("[1,2]");
        assertThat(first)
                .as("the SDK's own bytes: its field order, no field added")
                .startsWith("{\"messages\":");

        sdk.chat().completions().create(ask("Write to ann@example.org"));
        String second = server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
        assertThat(second).doesNotContain("ann@example.org");
    }

    @Test
    void aBodyThatNamesAMemberTwiceIsRefusedSoThePolicyAndUpstreamCannotReadDifferentValues() throws Exception {
        gate(0, null);
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder()
                .addInterceptor(dev.llmgate.providers.okhttp.LlmGateInterceptor.of(gate, "openai"))
                .build();
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"SSN 536-22-8841\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder()
                        .url(server.url("/v1/chat/completions"))
                        .post(okhttp3.RequestBody.create(body, okhttp3.MediaType.get("application/json")))
                        .build())
                .execute()) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).contains("names a member twice").doesNotContain("536-22-8841");
        }
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aCachedReplaySynthesisesOnlyWhatUpstreamDidNotSend() throws Exception {
        gate(0, null);
        OpenAIClient sdk = client(WrapOptions.of("openai"), 0);
        server.enqueue(answer(ANSWER));
        ChatCompletion first = sdk.chat().completions().create(ask("same question"));
        ChatCompletion replay = sdk.chat().completions().create(ask("same question"));
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(replay.id()).isEqualTo(first.id());
        assertThat(replay.choices().get(0).message().content())
                .isEqualTo(first.choices().get(0).message().content());
        assertThat(replay.created()).as("dated when replayed, never 0").isPositive();
    }

    @Test
    void aRedactedAnswerChangesOnlyItsChoiceAndDropsLogprobsThatCarryTheOriginal() throws Exception {
        gate(0, null);
        String withSsn = ANSWER.replace("Hello there", "The SSN is 536-22-8841.")
                .replace(
                        "\"logprobs\":null",
                        "\"logprobs\":{\"content\":[{\"token\":\"536-22-8841\",\"logprob\":-0.1,\"bytes\":null,\"top_logprobs\":[]}]}");
        server.enqueue(answer(withSsn));
        HttpResponseFor<ChatCompletion> raw = client(WrapOptions.of("openai"), 0)
                .chat()
                .completions()
                .withRawResponse()
                .create(ask("hello"));
        ChatCompletion c = raw.parse();
        String content = c.choices().get(0).message().content().orElseThrow();
        assertThat(content).doesNotContain("536-22-8841").contains("The SSN is");
        assertThat(c.choices().get(0).logprobs()).isEmpty();
        assertThat(c.id()).isEqualTo("chatcmpl-upstream-1");
        assertThat(c.systemFingerprint()).contains("fp_44709d6fcb");
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(11);
        assertThat(c._additionalProperties()).containsKey("x_vendor_extra");
    }

    @Test
    void aHedgedRouteRacesTwoAttemptsThroughTheSdksOwnStackAndTheFirstAnswerWins() throws Exception {
        // the primary attempt (gpt-4o-mini) is held until the test releases it; the hedge (gpt-4o) answers at once
        java.util.concurrent.CountDownLatch primaryArrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releasePrimary = new java.util.concurrent.CountDownLatch(1);
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(mockwebserver3.RecordedRequest request) throws InterruptedException {
                if (request.getBody().utf8().contains("\"gpt-4o-mini\"")) {
                    primaryArrived.countDown();
                    releasePrimary.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    return answer(ANSWER);
                }
                return answer(ANSWER.replace("chatcmpl-upstream-1", "chatcmpl-hedge-2"));
            }
        });
        java.util.concurrent.atomic.AtomicReference<Runnable> hedge =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch scheduled = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            gate = LlmGate.builder()
                    .addInterceptor(audit.interceptor())
                    .addInterceptor(Policy.builder()
                            .preset(CompliancePreset.HIPAA)
                            .build()
                            .interceptor())
                    .addInterceptor(Router.builder()
                            .executor(pool)
                            .scheduler((delay, task) -> { // the hedge fires when the test says so, not by the clock
                                hedge.set(task);
                                scheduled.countDown();
                                return () -> {};
                            })
                            .route(Route.builder("chat")
                                    .deployment("openai:gpt-4o-mini")
                                    .deployment("openai:gpt-4o")
                                    .hedgeAfter(Duration.ofMillis(300))
                                    .build())
                            .noCircuitBreaker()
                            .build())
                    .build();
            OpenAIClient sdk = client(routed(), 0);
            java.util.concurrent.CompletableFuture<com.openai.models.chat.completions.ChatCompletion> call =
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> sdk.chat().completions().create(ask("Write to ann@example.org")), pool);
            assertThat(primaryArrived.await(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(scheduled.await(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            hedge.get().run();
            com.openai.models.chat.completions.ChatCompletion c = call.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(c.id()).isEqualTo("chatcmpl-hedge-2"); // the hedge's own answer, as upstream sent it
            releasePrimary.countDown();
            // both attempts went through the client's stack with the redacted prompt
            List<String> bodies = List.of(
                    server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS)
                            .getBody()
                            .utf8(),
                    server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS)
                            .getBody()
                            .utf8());
            assertThat(bodies).allSatisfy(b -> assertThat(b).doesNotContain("ann@example.org"));
            List<JsonNode> calls = auditedCalls();
            assertThat(calls).hasSize(1);
            // the call's record has the winning hedge (the primary, still in flight then, is the router's to report)
            assertThat(calls.get(0).path("attempts").findValuesAsText("reason")).contains("hedge");
        } finally {
            releasePrimary.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void theSdksAsyncClientRunsTheSameChainWithTheSameErrors() throws Exception {
        gate(0, null);
        OpenAIClient sdk = client(routed(), 0);
        server.enqueue(answer(ANSWER));
        com.openai.models.chat.completions.ChatCompletion c = sdk.async()
                .chat()
                .completions()
                .create(ask("Write to ann@example.org"))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(c.choices()).hasSize(1);
        assertThat(server.takeRequest(5, java.util.concurrent.TimeUnit.SECONDS)
                        .getBody()
                        .utf8())
                .doesNotContain("ann@example.org");
        // streamed: the async client's subscriber sees the chain's chunks, then completes
        server.enqueue(sse(STREAM));
        StringBuilder text = new StringBuilder();
        sdk.async()
                .chat()
                .completions()
                .createStreaming(ask("hello"))
                .subscribe(chunk ->
                        chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)))
                .onCompleteFuture()
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(text).isNotEmpty();
        // a policy block fails the future with the SDK's own exception, never sent upstream
        int before = server.getRequestCount();
        Throwable t = catchThrowable(() -> sdk.async()
                .chat()
                .completions()
                .create(ask("Deploy with AKIAIOSFODNN7EXAMPLE please"))
                .get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(java.util.concurrent.ExecutionException.class);
        assertThat(t.getCause())
                .isInstanceOfSatisfying(
                        PermissionDeniedException.class,
                        e -> assertThat(e.getMessage()).doesNotContain("AKIAIOSFODNN7EXAMPLE"));
        assertThat(server.getRequestCount()).isEqualTo(before);
        assertThat(auditedCalls()).hasSize(3);
    }

    @Test
    void aPolicyBlockIsA403WithAClearBodyThatTheSdkDoesNotRetry() throws Exception {
        gate(0, null);
        Throwable t = catchThrowable(() -> client(WrapOptions.of("openai"), 3)
                .chat()
                .completions()
                .create(ask("Deploy with AKIAIOSFODNN7EXAMPLE please")));
        assertThat(t).isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.headers().values("x-should-retry")).containsExactly("false");
            assertThat(e.getMessage()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
        });
        assertThat(server.getRequestCount()).isZero();
        assertThat(auditedCalls()).hasSize(1);
    }

    @Test
    void aBudgetRefusalIsA429WithRetryAfterThatTheSdkDoesNotRetry() throws Exception {
        gate(
                0,
                BudgetInterceptor.builder()
                        .limit(BudgetLimit.requests(1, Duration.ofHours(1)).global())
                        .build());
        OpenAIClient sdk = client(WrapOptions.of("openai"), 3);
        server.enqueue(answer(ANSWER));
        sdk.chat().completions().create(ask("first"));
        Throwable t = catchThrowable(() -> sdk.chat().completions().create(ask("second")));
        assertThat(t).isInstanceOfSatisfying(RateLimitException.class, e -> {
            assertThat(e.headers().values("retry-after")).hasSize(1);
            assertThat(Long.parseLong(e.headers().values("retry-after").get(0))).isBetween(1L, 3600L);
            assertThat(e.headers().values("x-should-retry")).containsExactly("false");
        });
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void anUpstreamErrorReachesTheSdkAsUpstreamSentIt() throws Exception {
        gate(0, null);
        String error = "{\"error\":{\"message\":\"Invalid value for 'temperature'\",\"type\":\"invalid_request_error\","
                + "\"param\":\"temperature\",\"code\":\"invalid_value\"}}";
        server.enqueue(new MockResponse.Builder()
                .code(400)
                .addHeader("Content-Type", "application/json")
                .addHeader("x-request-id", "req_bad_1")
                .body(error)
                .build());
        Throwable t = catchThrowable(
                () -> client(WrapOptions.of("openai"), 0).chat().completions().create(ask("hello")));
        assertThat(t).isInstanceOfSatisfying(BadRequestException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.headers().values("x-request-id")).containsExactly("req_bad_1");
            assertThat(e.param()).contains("temperature");
            assertThat(e.code()).contains("invalid_value");
        });
    }

    @Test
    void aRouteFallsOverFromTheWrappedClientToAProviderOfTheGate() throws Exception {
        gate(0, null);
        server.enqueue(new MockResponse.Builder().code(503).body("{}").build());
        backup.enqueue(answer(ANSWER.replace("chatcmpl-upstream-1", "chatcmpl-backup-9")));
        ChatCompletion c = client(routed(), 0).chat().completions().create(ask("hello"));
        assertThat(c.choices().get(0).message().content()).contains("Hello there");
        assertThat(backup.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
                .isEqualTo("Bearer sk-backup-key-0123456789");
        List<JsonNode> calls = auditedCalls();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).path("attempts")).hasSize(2);
    }

    static final String RESPONSE =
            "{\"id\":\"resp_67ccd2bed1ec8190\",\"object\":\"response\",\"created_at\":1741476542,"
                    + "\"status\":\"completed\",\"model\":\"gpt-4o-mini-2024-07-18\",\"output\":[{\"type\":\"message\","
                    + "\"id\":\"msg_67ccd2bf17f0\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":"
                    + "\"output_text\",\"text\":\"Hello there\",\"annotations\":[]}]}],\"parallel_tool_calls\":true,"
                    + "\"store\":true,\"usage\":{\"input_tokens\":36,\"output_tokens\":2,\"total_tokens\":38},"
                    + "\"x_vendor_extra\":{\"kept\":true}}";

    static String responseText(com.openai.models.responses.Response r) {
        return r.output()
                .get(0)
                .message()
                .orElseThrow()
                .content()
                .get(0)
                .outputText()
                .orElseThrow()
                .text();
    }

    @Test
    void theResponsesApiRunsTheChainWithTheInputRedactedInPlace() throws Exception {
        gate(0, null);
        server.enqueue(answer(RESPONSE));
        com.openai.models.responses.Response r = client(WrapOptions.of("openai"), 0)
                .responses()
                .create(ResponseCreateParams.builder()
                        .model("gpt-4o-mini")
                        .input("My SSN is 536-22-8841")
                        .instructions("Be brief.")
                        .build());
        JsonNode sent =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(sent.path("input").asText()).startsWith("My SSN is ").doesNotContain("536-22-8841");
        assertThat(sent.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(r.id()).isEqualTo("resp_67ccd2bed1ec8190");
        assertThat(responseText(r)).isEqualTo("Hello there");
        assertThat(r._additionalProperties()).containsKey("x_vendor_extra");
        assertThat(auditedCalls()).hasSize(1);
    }

    static String responsesStream(String... deltas) {
        String id = "resp_stream_9";
        String created = "{\"id\":\"" + id + "\",\"object\":\"response\",\"created_at\":1741290958,\"status\":"
                + "\"in_progress\",\"model\":\"gpt-4o-mini-2024-07-18\",\"output\":[],\"usage\":null}";
        StringBuilder sb = new StringBuilder();
        sb.append(sse(
                "response.created",
                "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":" + created + "}"));
        sb.append(sse(
                "response.output_item.added",
                "{\"type\":\"response.output_item.added\",\"sequence_number\":1,"
                        + "\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\","
                        + "\"role\":\"assistant\",\"content\":[]}}"));
        StringBuilder all = new StringBuilder();
        int seq = 2;
        for (String d : deltas) {
            all.append(d);
            sb.append(sse(
                    "response.output_text.delta",
                    "{\"type\":\"response.output_text.delta\",\"sequence_number\":" + seq++
                            + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + d
                            + "\"}"));
        }
        String done = "{\"id\":\"" + id
                + "\",\"object\":\"response\",\"created_at\":1741290958,\"status\":\"completed\","
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"output\":[{\"id\":\"msg_1\",\"type\":\"message\",\"status\":"
                + "\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"" + all
                + "\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":9,\"output_tokens\":4,\"total_tokens\":13}}";
        sb.append(sse(
                "response.completed",
                "{\"type\":\"response.completed\",\"sequence_number\":" + seq + ",\"response\":" + done + "}"));
        return sb.toString();
    }

    static String sse(String event, String data) {
        return "event: " + event + "\ndata: " + data + "\n\n";
    }

    @Test
    void aStreamedResponsesCallIsEncodedForTheSdkWithTheOutputRedacted() throws Exception {
        gate(0, null);
        OpenAIClient sdk = client(WrapOptions.of("openai"), 0);
        for (String[] deltas :
                List.of(new String[] {"Hello ", "there"}, new String[] {"The SSN is ", "536-22-", "8841."})) {
            server.enqueue(new MockResponse.Builder()
                    .addHeader("Content-Type", "text/event-stream")
                    .body(responsesStream(deltas))
                    .build());
            com.openai.helpers.ResponseAccumulator acc = com.openai.helpers.ResponseAccumulator.create();
            try (StreamResponse<com.openai.models.responses.ResponseStreamEvent> s = sdk.responses()
                    .createStreaming(ResponseCreateParams.builder()
                            .model("gpt-4o-mini")
                            .input("hello " + deltas.length)
                            .build())) {
                s.stream().forEach(acc::accumulate);
            }
            com.openai.models.responses.Response r = acc.response();
            assertThat(r.id()).isEqualTo("resp_stream_9");
            String text = responseText(r);
            if (deltas.length == 2) {
                assertThat(text).isEqualTo("Hello there");
            } else {
                assertThat(text)
                        .startsWith("The SSN is ")
                        .doesNotContain("536-22-8841")
                        .doesNotContain("8841");
                assertThat(r.toString()).doesNotContain("8841");
            }
        }
        JsonNode sent =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(auditedCalls()).hasSize(2);
    }

    @Test
    void aStreamedResponsesFunctionCallPassesAndUnexaminableStreamEventsFailTheStream() throws Exception {
        gate(0, null);
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder()
                .addInterceptor(dev.llmgate.providers.okhttp.LlmGateInterceptor.of(gate, "openai"))
                .build();
        String created = "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_t\","
                + "\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"m\",\"output\":[]}}";
        String call = sse("response.created", created)
                + sse(
                        "response.output_item.added",
                        "{\"type\":\"response.output_item.added\",\"sequence_number\":1,"
                                + "\"output_index\":0,\"item\":{\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_9\","
                                + "\"name\":\"weather\",\"arguments\":\"\",\"status\":\"in_progress\"}}")
                + sse(
                        "response.function_call_arguments.delta",
                        "{\"type\":\"response.function_call_arguments.delta\","
                                + "\"sequence_number\":2,\"item_id\":\"fc_1\",\"output_index\":0,\"delta\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}")
                + sse(
                        "response.completed",
                        "{\"type\":\"response.completed\",\"sequence_number\":3,\"response\":{"
                                + "\"id\":\"resp_t\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\",\"output\":[{"
                                + "\"id\":\"fc_1\",\"type\":\"function_call\",\"call_id\":\"call_9\",\"name\":\"weather\","
                                + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\",\"status\":\"completed\"}],"
                                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2,\"total_tokens\":5}}}");
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(call)
                .build());
        String body = "{\"model\":\"m\",\"input\":\"weather?\",\"stream\":true}";
        try (okhttp3.Response r = http.newCall(post("/v1/responses", body)).execute()) {
            String events = r.body().string();
            assertThat(events)
                    .contains("event: response.function_call_arguments.delta")
                    .contains("event: response.completed")
                    .contains("\"call_id\":\"call_9\"");
        }
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(sse("response.created", created)
                        + sse(
                                "response.reasoning_summary_text.delta",
                                "{\"type\":\"response.reasoning_summary_text.delta\","
                                        + "\"sequence_number\":1,\"delta\":\"SSN 536-22-8841\"}"))
                .build());
        try (okhttp3.Response r = http.newCall(post("/v1/responses", body.replace("weather?", "think")))
                .execute()) {
            assertThat(r.code())
                    .as("a reasoning summary cannot be examined: no 200")
                    .isEqualTo(502);
            assertThat(r.body().string()).doesNotContain("536-22-8841");
        }
    }

    @Test
    void aResponsesAnswerIsRedactedInPlace() throws Exception {
        gate(0, null);
        server.enqueue(answer(RESPONSE.replace("Hello there", "The SSN is 536-22-8841.")));
        com.openai.models.responses.Response r = client(WrapOptions.of("openai"), 0)
                .responses()
                .create(ResponseCreateParams.builder()
                        .model("gpt-4o-mini")
                        .input("hello")
                        .build());
        assertThat(responseText(r)).startsWith("The SSN is").doesNotContain("536-22-8841");
        assertThat(r.id()).isEqualTo("resp_67ccd2bed1ec8190");
        assertThat(r._additionalProperties()).containsKey("x_vendor_extra");
    }

    @Test
    void responsesWithToolsAreExaminedAndWhatTheGateCannotExamineIsRefused() throws Exception {
        gate(0, null);
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder()
                .addInterceptor(dev.llmgate.providers.okhttp.LlmGateInterceptor.of(gate, "openai"))
                .build();
        String withTools = "{\"model\":\"gpt-4o-mini\",\"input\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"weather\",\"arguments\":\"{}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"Patient SSN 536-22-8841\"}],"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"weather\",\"description\":\"d\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}],\"store\":false}";
        server.enqueue(answer("{\"id\":\"resp_2\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\","
                + "\"output\":[{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_2\",\"name\":\"weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Boston\\\"}\",\"status\":\"completed\"}],"
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":3,\"total_tokens\":8}}"));
        try (okhttp3.Response r = http.newCall(post("/v1/responses", withTools)).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(JSON.readTree(r.body().string())
                            .at("/output/0/arguments")
                            .asText())
                    .isEqualTo("{\"city\":\"Boston\"}");
        }
        JsonNode sent =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(sent.at("/input/2/output").asText()).doesNotContain("536-22-8841");
        assertThat(sent.path("store").asBoolean(true))
                .as("members the gate does not model kept")
                .isFalse();

        for (String refused : List.of(
                "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}",
                "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}")) {
            try (okhttp3.Response r =
                    http.newCall(post("/v1/responses", refused)).execute()) {
                assertThat(r.code()).as(refused).isEqualTo(400);
            }
        }
        server.enqueue(answer("{\"id\":\"resp_3\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\","
                + "\"output\":[{\"type\":\"web_search_call\",\"id\":\"ws_1\",\"status\":\"completed\"}],"
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":3,\"total_tokens\":8}}"));
        try (okhttp3.Response r = http.newCall(post("/v1/responses", "{\"model\":\"m\",\"input\":\"hi\"}"))
                .execute()) {
            assertThat(r.code())
                    .as("output the gate cannot examine is not passed on")
                    .isEqualTo(502);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aFileAsAStoredPromptsVariableAndATypeOrDetailOfAnotherKindAreRefusedBeforeUpstream() throws Exception {
        // red-team round 9: each reached upstream byte for byte, a card number inside, under PCI DSS
        gate(0, null);
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder()
                .addInterceptor(dev.llmgate.providers.okhttp.LlmGateInterceptor.of(gate, "openai"))
                .build();
        for (String refused : List.of(
                "{\"model\":\"m\",\"input\":\"Summarise the attached file\",\"prompt\":{\"id\":\"pmpt_1\",\"variables\":"
                        + "{\"doc\":{\"type\":\"input_file\",\"filename\":\"card.txt\",\"file_data\":"
                        + "\"data:text/plain;base64,Q3VzdG9tZXIgY2FyZCA0MTExMTExMTExMTExMTEx\"}}}}",
                "{\"model\":\"m\",\"input\":\"hi\",\"prompt\":{\"id\":\"pmpt_1\",\"variables\":{\"v\":{\"type\":\"input_image\","
                        + "\"image_url\":\"https://img.example/a.png\"}}}}",
                "{\"model\":\"m\",\"input\":[{\"type\":{\"note\":\"card 4111111111111111\"},\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"m\",\"input\":[{\"type\":[\"card 4111111111111111\"],\"role\":\"user\",\"content\":\"hi\"}]}",
                "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\","
                        + "\"image_url\":\"https://img.example/cat.png\",\"detail\":{\"note\":\"card 4111111111111111\"}}]}]}")) {
            try (okhttp3.Response r =
                    http.newCall(post("/v1/responses", refused)).execute()) {
                assertThat(r.code()).as(refused).isEqualTo(400);
                assertThat(r.body().string()).doesNotContain("4111111111111111");
            }
        }
        assertThat(server.getRequestCount()).isZero();
        // text variables are read as before
        server.enqueue(answer("{\"id\":\"resp_9\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\","
                + "\"output\":[],\"usage\":{\"input_tokens\":5,\"output_tokens\":0,\"total_tokens\":5}}"));
        try (okhttp3.Response r = http.newCall(post(
                        "/v1/responses",
                        "{\"model\":\"m\",\"input\":\"hi\",\"prompt\":{\"id\":\"pmpt_1\",\"variables\":"
                                + "{\"a\":\"plain\",\"b\":{\"type\":\"input_text\",\"text\":\"more\"}}}}"))
                .execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void aResponsesImageUrlThePolicyRedactedIsSentRedactedAndItsDetailIsPartOfTheRequest() throws Exception {
        gate(0, null);
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder()
                .addInterceptor(dev.llmgate.providers.okhttp.LlmGateInterceptor.of(gate, "openai"))
                .build();
        String body = "{\"model\":\"gpt-4o-mini\",\"input\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_text\",\"text\":\"What is in this scan?\"},"
                + "{\"type\":\"input_image\",\"image_url\":\"https://img.example.com/scan.png?patient=ann@example.org\","
                + "\"detail\":\"low\"}]}]}";
        server.enqueue(answer(RESPONSE));
        try (okhttp3.Response r = http.newCall(post("/v1/responses", body)).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        JsonNode sent =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        JsonNode image = sent.path("input").path(0).path("content").path(1);
        // the policy's redaction of the URL is what upstream gets, never the client's original
        assertThat(image.path("image_url").asText()).doesNotContain("ann@example.org");
        assertThat(image.path("detail").asText()).isEqualTo("low");
        // the same image in high detail is another request: not answered from the first one's cache entry
        server.enqueue(answer(RESPONSE));
        try (okhttp3.Response r = http.newCall(post("/v1/responses", body.replace("\"low\"", "\"high\"")))
                .execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).contains("\"detail\":\"high\"");
    }

    okhttp3.Request post(String path, String body) {
        return new okhttp3.Request.Builder()
                .url(server.url(path))
                .post(okhttp3.RequestBody.create(body, okhttp3.MediaType.get("application/json")))
                .build();
    }

    @Test
    void endpointsTheGateDoesNotExamineAreRefusedByDefault() throws Exception {
        gate(0, null);
        Throwable t = catchThrowable(
                () -> client(WrapOptions.of("openai"), 3).models().retrieve("gpt-4o-mini"));
        assertThat(t).isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
            assertThat(e.getMessage()).contains("GET /models/gpt-4o-mini").contains("PASS_AND_AUDIT");
            assertThat(e.headers().values("x-should-retry")).containsExactly("false");
        });
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void otherEndpointsPassUnexaminedAndAuditedWhenAllowed() throws Exception {
        gate(0, null);
        server.enqueue(answer(
                "{\"object\":\"model\",\"id\":\"gpt-4o-mini\",\"created\":1686935002," + "\"owned_by\":\"openai\"}"));
        OpenAIClient sdk = client(
                WrapOptions.builder("openai")
                        .otherEndpoints(WrapOptions.OtherEndpoints.PASS_AND_AUDIT)
                        .build(),
                0);
        assertThat(sdk.models().retrieve("gpt-4o-mini").ownedBy()).isEqualTo("openai");
        List<JsonNode> calls = auditedCalls();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).path("requested_model").asText())
                .isEqualTo("openai:unexamined-GET-.models.gpt-4o-mini");
        assertThat(calls.get(0).path("outcome").asText()).isEqualTo("success");
    }

    static final String EMBEDDINGS = "{\"object\":\"list\",\"data\":["
            + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,-0.5]},"
            + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.125,1.0]}],"
            + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}";

    @Test
    void embeddingsRunTheChainWithTheInputsRedactedAndUpstreamsAnswerBack() throws Exception {
        gate(0, null);
        server.enqueue(answer(EMBEDDINGS));
        CreateEmbeddingResponse e = client(WrapOptions.of("openai"), 0)
                .embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("text-embedding-3-small")
                        .inputOfArrayOfStrings(List.of("hello", "SSN 536-22-8841 on file"))
                        .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                        .build());
        JsonNode sent =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(sent.path("input").get(0).asText()).isEqualTo("hello");
        assertThat(sent.path("input").get(1).asText())
                .doesNotContain("536-22-8841")
                .startsWith("SSN ");
        assertThat(sent.path("encoding_format").asText())
                .as("the client's other members kept")
                .isEqualTo("float");
        assertThat(e.data().get(1).embedding()).containsExactly(0.125f, 1.0f);
        List<JsonNode> calls = auditedCalls();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).path("mode").asText()).isEqualTo("embeddings");
        assertThat(sink.lines().toString()).doesNotContain("536-22-8841").doesNotContain("0.125");
    }

    @Test
    void anEmbeddingOfACredentialIsBlockedBeforeUpstream() throws Exception {
        gate(0, null);
        Throwable t = catchThrowable(() -> client(WrapOptions.of("openai"), 3)
                .embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("text-embedding-3-small")
                        .input("key AKIAIOSFODNN7EXAMPLE")
                        .build()));
        assertThat(t).isInstanceOf(PermissionDeniedException.class);
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void anUnchangedEmbeddingRequestIsForwardedAsTheSdkSentItAndBase64AnswersAreRead() throws Exception {
        gate(0, null);
        // [0.5, -2.0] as little-endian float32, base64
        server.enqueue(answer("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                + "\"embedding\":\"AAAAPwAAAMA=\"}],\"model\":\"text-embedding-3-small\","
                + "\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}"));
        CreateEmbeddingResponse e = client(WrapOptions.of("openai"), 0)
                .embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("text-embedding-3-small")
                        .input("hello")
                        .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
                        .build());
        String sent = server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
        assertThat(JSON.readTree(sent).path("input").asText()).isEqualTo("hello");
        assertThat(e.data().get(0).embedding()).containsExactly(0.5f, -2.0f);
        assertThat(auditedCalls().get(0).path("outcome").asText()).isEqualTo("success");
    }

    @Test
    void textTheOutputPolicyDidNotReadNeverReachesTheClient() throws Exception {
        gate(0, null);
        server.enqueue(answer(ANSWER.replace(
                "\"refusal\":null,", "\"refusal\":null,\"reasoning_content\":\"the patient's SSN is 536-22-8841\",")));
        String raw = client(WrapOptions.of("openai"), 0)
                .chat()
                .completions()
                .withRawResponse()
                .create(ask("hello"))
                .parse()
                .toString();
        assertThat(raw).doesNotContain("536-22-8841").contains("Hello there");
    }

    @Test
    void membersTheInputPolicyDidNotReadAreNotForwarded() throws Exception {
        gate(0, null);
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder()
                .addInterceptor(dev.llmgate.providers.okhttp.LlmGateInterceptor.of(gate, "openai"))
                .build();
        server.enqueue(answer(ANSWER));
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"ok\",\"function_call\":{\"name\":\"f\","
                + "\"arguments\":\"{\\\"ssn\\\":\\\"536-22-8841\\\"}\"}},{\"role\":\"user\",\"content\":\"go\"}]}";
        try (okhttp3.Response r =
                http.newCall(post("/v1/chat/completions", body)).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).doesNotContain("536-22-8841");
        try (okhttp3.Response r = http.newCall(post(
                        "/v1/chat/completions",
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                                + "{\"model\":\"m\",\"messages\":[]}"))
                .execute()) {
            assertThat(r.code()).as("content after the JSON object").isEqualTo(400);
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aRoutedStreamThatUpstreamRefusesIsTheSdksOwnErrorWithUpstreamsHeaders() throws Exception {
        gate(0, null);
        backup.enqueue(new MockResponse.Builder().code(401).body("{}").build());
        server.enqueue(new MockResponse.Builder()
                .code(401)
                .addHeader("Content-Type", "application/json")
                .addHeader("x-request-id", "req_denied")
                .body("{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}")
                .build());
        Throwable t = catchThrowable(() -> {
            try (StreamResponse<ChatCompletionChunk> s =
                    client(routed(), 0).chat().completions().createStreaming(ask("hello"))) {
                s.stream().forEach(c -> {});
            }
        });
        assertThat(t)
                .isInstanceOfSatisfying(
                        com.openai.errors.UnauthorizedException.class,
                        e -> assertThat(e.headers().values("x-request-id")).containsExactly("req_denied"));

        server.enqueue(sse(STREAM));
        HttpResponseFor<StreamResponse<ChatCompletionChunk>> raw =
                client(routed(), 0).chat().completions().withRawResponse().createStreaming(ask("stream"));
        try (StreamResponse<ChatCompletionChunk> s = raw.parse()) {
            s.stream().forEach(c -> {});
        }
        assertThat(raw.headers().values("x-request-id")).containsExactly("req_stream_7");
    }

    @Test
    void oneKeysCachedAnswerIsNotServedToAnotherKey() throws Exception {
        gate(0, null);
        server.enqueue(answer(ANSWER));
        server.enqueue(answer(ANSWER));
        client(WrapOptions.of("openai"), 0).chat().completions().create(ask("same question"));
        OpenAIClient other = new OpenAIClientImpl(ClientOptions.builder()
                .httpClient(LlmGateOpenAiHttpClient.wrap(
                        gate,
                        "openai",
                        com.openai.client.okhttp.OkHttpClient.builder().build()))
                .baseUrl(server.url("/v1").toString())
                .apiKey("sk-another-key-abcdefghijklmnop")
                .maxRetries(0)
                .build());
        clients.add(other);
        other.chat().completions().create(ask("same question"));
        assertThat(server.getRequestCount()).isEqualTo(2);
        client(WrapOptions.of("openai"), 0).chat().completions().create(ask("same question"));
        assertThat(server.getRequestCount())
                .as("the first key's answer is cached for the first key")
                .isEqualTo(2);
    }

    @Test
    void routesTheGateDoesNotHaveAreRefusedWhenWrapping() {
        gate(0, null);
        assertThatThrownBy(() -> client(
                        WrapOptions.builder("openai").defaultRoute("chta").build(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[chta]")
                .hasMessageContaining("its routes: [chat]");
    }
}
