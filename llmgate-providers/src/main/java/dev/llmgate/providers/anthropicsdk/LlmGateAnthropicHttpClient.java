package dev.llmgate.providers.anthropicsdk;

import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpMethod;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpRequestBody;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.core.http.Interceptor;
import com.anthropic.errors.AnthropicIoException;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.anthropic.internal.AnthropicBridge;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.WrappedUpstream;
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
 * Routes the official {@code com.anthropic:anthropic-java} SDK (3.x) through an {@link LlmGate}: an SDK
 * {@link HttpClient} that sends Messages calls ({@code POST .../v1/messages}, blocking and streamed) through
 * the gate's chain — policy, cache, budgets, routing, audit, your interceptors — and refuses every other
 * request (token counting, batches, models, files), or passes it on unexamined and audited
 * ({@link WrapOptions#otherEndpoints()}).
 *
 * <pre>{@code
 * AnthropicClient client = AnthropicOkHttpClient.builder()
 *         .apiKey(System.getenv("ANTHROPIC_API_KEY"))
 *         .interceptors(List.of(LlmGateAnthropicHttpClient.interceptor(gate, WrapOptions.of("anthropic"))))
 *         .build();
 * }</pre>
 *
 * Guarantees, as for {@code LlmGateOpenAiHttpClient}: the SDK gets upstream's own answer (ids, usage,
 * headers, members llmgate does not know), error answer and I/O exception wherever the gate did not change
 * or refuse it; gate errors are Anthropic-shaped, so the SDK raises its own typed exceptions (a policy block
 * is a 403 {@code PermissionDeniedException}); gate refusals and answers to routed calls carry
 * {@code x-should-retry: false}, so that there is one retry layer. The SDK is an optional dependency of
 * llmgate-providers: add {@code com.anthropic:anthropic-java} to your own build to use this class.
 */
@SuppressWarnings(
        "exports") // anthropic-java is an optional dependency: a module that uses this class requires it itself
public final class LlmGateAnthropicHttpClient implements HttpClient {
    private static final ExecutorService ASYNC = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "llmgate-anthropic-sdk-async");
        t.setDaemon(true);
        return t;
    });

    private final LlmGate gate;
    private final WrapOptions options;
    private final HttpClient delegate;

    private LlmGateAnthropicHttpClient(LlmGate gate, WrapOptions options, HttpClient delegate) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.options = Objects.requireNonNull(options, "options");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        WrappedUpstream.checkRoutes(gate, options);
    }

    /**
     * Wraps the SDK's own HTTP client (e.g. {@code com.anthropic.client.okhttp.OkHttpClient.builder().build()}).
     * Messages calls are recorded as provider {@code providerName}, one attempt each: the SDK's own retries
     * (leave {@code maxRetries} at its default) are the one retry layer.
     */
    public static LlmGateAnthropicHttpClient wrap(LlmGate gate, String providerName, HttpClient delegate) {
        return new LlmGateAnthropicHttpClient(gate, WrapOptions.of(providerName), delegate);
    }

    /**
     * Wraps the SDK's own HTTP client; calls reach the chain as {@code options} say. Models mapped to a
     * route get the route's retries and fallback: build the SDK client with {@code maxRetries(0)}.
     *
     * @throws IllegalArgumentException if {@code options} name a route the gate's router does not have
     */
    public static LlmGateAnthropicHttpClient wrap(LlmGate gate, WrapOptions options, HttpClient delegate) {
        return new LlmGateAnthropicHttpClient(gate, options, delegate);
    }

    /**
     * An SDK interceptor ({@code AnthropicOkHttpClient.builder().interceptors(...)} or
     * {@code ClientOptions.Builder.addInterceptor}) that wraps the SDK's HTTP client as
     * {@link #wrap(LlmGate, WrapOptions, HttpClient)} does.
     *
     * @throws IllegalArgumentException if {@code options} name a route the gate's router does not have
     */
    public static Interceptor interceptor(LlmGate gate, WrapOptions options) {
        WrappedUpstream.checkRoutes(gate, options);
        return http -> wrap(gate, options, http);
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
        Optional<HttpRequestBody> requestBody = request.body();
        if (!isMessages(request) || requestBody.isEmpty()) {
            return other(request, requestOptions);
        }
        Optional<InvalidRequestException> query = WrappedUpstream.unexaminedQuery(
                request.queryParams().keys(), name -> request.queryParams().values(name));
        if (query.isPresent()) {
            return new ReplyResponse(
                    AnthropicBridge.error(query.get(), true, new ProviderErrors(options.providerName(), "")));
        }
        byte[] body = bytes(requestBody.get());
        WrappedUpstream.Reply reply =
                AnthropicBridge.handle(gate, options, body, clientKey(request), retryCount(request), newBody -> {
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
            throw new AnthropicIoException("reading the upstream answer failed", t);
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
                    refusal -> new ReplyResponse(AnthropicBridge.refusal(refusal)));
        } catch (IOException e) {
            throw new AnthropicIoException("the unexamined request failed", e);
        }
    }

    /** {@code POST .../v1/messages}, not {@code .../messages/count_tokens} or {@code .../messages/batches}. */
    private static boolean isMessages(HttpRequest request) {
        List<String> path = request.pathSegments();
        int n = path.size();
        return request.method() == HttpMethod.POST && n >= 1 && "messages".equals(path.get(n - 1));
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
        List<String> apiKey = request.headers().values("x-api-key");
        if (!apiKey.isEmpty()) {
            return apiKey.get(0).strip();
        }
        for (String v : request.headers().values("Authorization")) {
            if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return v.substring(7).strip();
            }
        }
        return "";
    }

    @Override
    public String toString() {
        return "LlmGateAnthropicHttpClient[" + options.providerName() + "]";
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
        private final com.anthropic.core.http.Headers headers;

        ReplyResponse(WrappedUpstream.Reply reply) {
            this.reply = reply;
            com.anthropic.core.http.Headers.Builder h = com.anthropic.core.http.Headers.builder();
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
        public com.anthropic.core.http.Headers headers() {
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
