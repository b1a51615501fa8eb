package dev.llmgate.providers.openaisdk;

import com.openai.core.RequestOptions;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpMethod;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.internal.WrappedUpstream;
import dev.llmgate.providers.openai.internal.OpenAiBridge;
import dev.llmgate.providers.openai.internal.OpenAiEmbeddingsBridge;
import dev.llmgate.providers.openai.internal.ResponsesBridge;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.Headers;
import okio.BufferedSource;
import okio.Okio;

/**
 * Routes the official {@code com.openai:openai-java} SDK (4.x) through an {@link LlmGate}: an SDK
 * {@link HttpClient} that sends Chat Completions and embeddings calls through the gate's chain — policy,
 * cache, budgets, routing, audit, your interceptors — and refuses every other request, or passes it on
 * unexamined and audited ({@link WrapOptions#otherEndpoints()}).
 *
 * <pre>{@code
 * HttpClient http = LlmGateOpenAiHttpClient.wrap(gate, "openai", OkHttpClient.builder().build());
 * OpenAIClient client = new OpenAIClientImpl(ClientOptions.builder()
 *         .httpClient(http).apiKey(System.getenv("OPENAI_API_KEY")).build());
 * }</pre>
 *
 * The SDK is an optional dependency of llmgate-providers: add {@code com.openai:openai-java} to
 * your own build to use this class. One retry layer: without routes the SDK's own retries are it (leave
 * them on); with models mapped to routes ({@link WrapOptions}) the gate's route is, and the SDK should be
 * built with {@code maxRetries(0)}. Gate errors reach the SDK as OpenAI-shaped error answers, so it raises
 * its own typed exceptions (a policy block is a 403 {@code PermissionDeniedException} with code
 * {@code policy_blocked}); upstream's own errors and I/O failures reach it as they were.
 */
@SuppressWarnings("exports") // openai-java is an optional dependency: a module that uses this class requires it itself
public final class LlmGateOpenAiHttpClient implements HttpClient {
    private static final ExecutorService ASYNC = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "llmgate-openai-sdk-async");
        t.setDaemon(true);
        return t;
    });

    private final LlmGate gate;
    private final WrapOptions options;
    private final HttpClient delegate;

    private LlmGateOpenAiHttpClient(LlmGate gate, WrapOptions options, HttpClient delegate) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.options = Objects.requireNonNull(options, "options");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        WrappedUpstream.checkRoutes(gate, options);
    }

    /**
     * Wraps the SDK's own HTTP client (e.g. {@code com.openai.client.okhttp.OkHttpClient.builder().build()}).
     * Chat Completions calls are recorded as provider {@code providerName}, one attempt each: the SDK's
     * own retries (leave {@code maxRetries} at its default) are the one retry layer.
     */
    public static LlmGateOpenAiHttpClient wrap(LlmGate gate, String providerName, HttpClient delegate) {
        return new LlmGateOpenAiHttpClient(gate, WrapOptions.of(providerName), delegate);
    }

    /**
     * Wraps the SDK's own HTTP client; calls reach the chain as {@code options} say. Models mapped to a
     * route get the route's retries and fallback: build the SDK client with {@code maxRetries(0)}.
     *
     * @throws IllegalArgumentException if {@code options} name a route the gate's router does not have
     */
    public static LlmGateOpenAiHttpClient wrap(LlmGate gate, WrapOptions options, HttpClient delegate) {
        return new LlmGateOpenAiHttpClient(gate, options, delegate);
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
        WrappedUpstream.Bridge bridge;
        if (isPost(request, "chat", "completions")) {
            bridge = OpenAiBridge::handle;
        } else if (isPost(request, "embeddings")) {
            bridge = OpenAiEmbeddingsBridge::handle;
        } else if (isPost(request, "responses")) {
            bridge = ResponsesBridge::handle;
        } else {
            return other(request, requestOptions);
        }
        Optional<InvalidRequestException> query = WrappedUpstream.unexaminedQuery(
                request.queryParams().keys(), name -> request.queryParams().values(name));
        if (query.isPresent()) {
            return new ReplyResponse(OpenAiBridge.error(query.get(), true));
        }
        byte[] body = bytes(request.body());
        WrappedUpstream.Reply reply =
                bridge.handle(gate, options, body, clientKey(request), retryCount(request), newBody -> {
                    HttpResponse upstream = delegate.execute(
                            request.toBuilder().body(new BytesBody(newBody)).build(), requestOptions);
                    return new UpstreamOverSdk(upstream);
                });
        if (reply.failure().isPresent()) {
            Throwable t = reply.failure().get();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new OpenAIIoException("reading the upstream answer failed", t);
        }
        return new ReplyResponse(reply);
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
        return CompletableFuture.supplyAsync(() -> execute(request, requestOptions), ASYNC);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** A request the gate does not understand: refused, or passed on unexamined and audited ({@link WrapOptions#otherEndpoints()}). */
    private HttpResponse other(HttpRequest request, RequestOptions requestOptions) {
        try {
            return WrappedUpstream.otherEndpoint(
                    gate,
                    options,
                    request.method().name(),
                    "/" + String.join("/", request.pathSegments()),
                    () -> delegate.execute(request, requestOptions),
                    refusal -> new ReplyResponse(OpenAiBridge.error(refusal, true)));
        } catch (IOException e) {
            throw new OpenAIIoException("the unexamined request failed", e);
        }
    }

    /** A POST with a body whose path ends with {@code tail}. */
    private static boolean isPost(HttpRequest request, String... tail) {
        List<String> path = request.pathSegments();
        int n = path.size();
        if (request.method() != HttpMethod.POST || request.body() == null || n < tail.length) {
            return false;
        }
        for (int i = 0; i < tail.length; i++) {
            if (!tail[i].equals(path.get(n - tail.length + i))) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(HttpRequestBody body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body.writeTo(out);
        return out.toByteArray();
    }

    private static int retryCount(HttpRequest request) {
        for (String v : request.headers().values("X-Stainless-Retry-Count")) {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static String clientKey(HttpRequest request) {
        for (String v : request.headers().values("Authorization")) {
            if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return v.substring(7).strip();
            }
        }
        List<String> apiKey = request.headers().values("api-key");
        return apiKey.isEmpty() ? "" : apiKey.get(0).strip();
    }

    @Override
    public String toString() {
        return "LlmGateOpenAiHttpClient[" + options.providerName() + "]";
    }

    private static final class BytesBody implements HttpRequestBody {
        private final byte[] bytes;

        BytesBody(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void writeTo(OutputStream out) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String contentType() {
            return "application/json";
        }

        @Override
        public long contentLength() {
            return bytes.length;
        }

        @Override
        public boolean repeatable() {
            return true;
        }

        @Override
        public void close() {}
    }

    private static final class UpstreamOverSdk implements WrappedUpstream.UpstreamResponse {
        private final HttpResponse response;
        private final Headers headers;
        private BufferedSource source;

        UpstreamOverSdk(HttpResponse response) {
            this.response = response;
            Headers.Builder h = new Headers.Builder();
            for (String name : response.headers().names()) {
                for (String value : response.headers().values(name)) {
                    h.addUnsafeNonAscii(name, value);
                }
            }
            this.headers = h.build();
        }

        @Override
        public Headers headers() {
            return headers;
        }

        @Override
        public synchronized BufferedSource body() {
            if (source == null) {
                source = Okio.buffer(Okio.source(response.body()));
            }
            return source;
        }

        @Override
        public int status() {
            return response.statusCode();
        }

        @Override
        public void close() {
            response.close();
        }
    }

    private static final class ReplyResponse implements HttpResponse {
        private final WrappedUpstream.Reply reply;
        private final com.openai.core.http.Headers headers;

        ReplyResponse(WrappedUpstream.Reply reply) {
            this.reply = reply;
            com.openai.core.http.Headers.Builder h = com.openai.core.http.Headers.builder();
            for (String name : reply.headers().names()) {
                h.put(name, reply.headers().values(name));
            }
            this.headers = h.build();
        }

        @Override
        public int statusCode() {
            return reply.status();
        }

        @Override
        public com.openai.core.http.Headers headers() {
            return headers;
        }

        @Override
        public InputStream body() {
            return reply.body();
        }

        @Override
        public void close() {
            try {
                reply.body().close();
            } catch (IOException ignored) {
                // closing an in-memory or gate-backed stream does not fail
            }
        }
    }
}
