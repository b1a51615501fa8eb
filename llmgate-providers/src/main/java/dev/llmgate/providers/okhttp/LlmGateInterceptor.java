package dev.llmgate.providers.okhttp;

import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.internal.WrappedUpstream;
import dev.llmgate.providers.openai.internal.OpenAiBridge;
import dev.llmgate.providers.openai.internal.OpenAiEmbeddingsBridge;
import dev.llmgate.providers.openai.internal.ResponsesBridge;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;

/**
 * An OkHttp interceptor that routes the Chat Completions calls of an existing OpenAI-format client
 * (anything built on OkHttp: Retrofit services, hand-written clients, the official SDK's OkHttp
 * client) through an {@link LlmGate}'s chain — policy, cache, audit, your interceptors — without
 * changing the client's code. Add it as an <em>application</em> interceptor
 * ({@code OkHttpClient.Builder.addInterceptor}), not a network interceptor, because the gate may
 * call upstream more than once (retries, fallback).
 *
 * <p>What it does: a {@code POST .../chat/completions} request (and likewise {@code POST .../embeddings},
 * through the gate's embedding chain) is read into a
 * {@link dev.llmgate.api.ChatRequest} addressed to {@code "<providerName>:<model>"}, passed through
 * the gate, and the chain's last stage sends the (possibly rewritten) request on through the rest of
 * the client's OkHttp chain, to the URL and with the headers the client chose. The answer returns in
 * OpenAI's format (streamed as SSE if the client asked for a stream). Gate errors become
 * OpenAI-shaped error responses: a policy block is a 403 with code {@code policy_blocked}, a budget a
 * 429 with code {@code budget_exceeded}; upstream's own answers, error answers and I/O failures reach the
 * client as they were. Every other request (embeddings, models, ...) is refused or passed on unexamined
 * and audited, as {@link WrapOptions#otherEndpoints()} says (refused by default).
 */
public final class LlmGateInterceptor implements Interceptor {
    private static final MediaType JSON = MediaType.get("application/json");

    private final LlmGate gate;
    private final WrapOptions options;

    private LlmGateInterceptor(LlmGate gate, WrapOptions options) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.options = Objects.requireNonNull(options, "options");
        WrappedUpstream.checkRoutes(gate, options);
    }

    /**
     * An interceptor that records this traffic as provider {@code providerName} (e.g. {@code "openai"}),
     * so requests reach the chain as {@code "openai:<model>"}: one attempt each, no retries by the gate.
     */
    public static LlmGateInterceptor of(LlmGate gate, String providerName) {
        return new LlmGateInterceptor(gate, WrapOptions.of(providerName));
    }

    /**
     * An interceptor whose requests reach the chain as {@code options} say: models mapped to a route of
     * the gate's router get that route's retries and fallback (turn your client's own retries off).
     *
     * @throws IllegalArgumentException if {@code options} name a route the gate's router does not have
     */
    public static LlmGateInterceptor of(LlmGate gate, WrapOptions options) {
        return new LlmGateInterceptor(gate, options);
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request original = chain.request();
        String path = original.url().encodedPath();
        WrappedUpstream.Bridge bridge = null;
        if ("POST".equals(original.method()) && original.body() != null) {
            if (path.endsWith("/chat/completions")) {
                bridge = OpenAiBridge::handle;
            } else if (path.endsWith("/embeddings")) {
                bridge = OpenAiEmbeddingsBridge::handle;
            } else if (path.endsWith("/responses")) {
                bridge = ResponsesBridge::handle;
            }
        }
        if (bridge == null) {
            return WrappedUpstream.otherEndpoint(
                    gate,
                    options,
                    original.method(),
                    original.url().encodedPath(),
                    () -> chain.proceed(original),
                    refusal -> response(original, OpenAiBridge.error(refusal, true)));
        }
        java.util.Optional<dev.llmgate.api.exception.InvalidRequestException> query = WrappedUpstream.unexaminedQuery(
                original.url().queryParameterNames(), original.url()::queryParameterValues);
        if (query.isPresent()) {
            return response(original, OpenAiBridge.error(query.get(), true));
        }
        AtomicBoolean proceeding = new AtomicBoolean();
        Buffer buffer = new Buffer();
        original.body().writeTo(buffer);
        byte[] body = buffer.readByteArray();
        WrappedUpstream.Reply reply = bridge.handle(
                gate, options, body, clientKey(original.headers()), retryCount(original.headers()), newBody -> {
                    // OkHttp lets an application interceptor proceed more than once, but not twice at a time:
                    // a route's hedge would race the first attempt on this one call, so it fails instead (the
                    // route keeps the first attempt's answer)
                    if (!proceeding.compareAndSet(false, true)) {
                        throw new IOException("a hedged attempt cannot run through LlmGateInterceptor while another"
                                + " attempt of the same call is in flight; use LlmGateOpenAiHttpClient to hedge");
                    }
                    try {
                        Response upstream = chain.proceed(original.newBuilder()
                                .post(RequestBody.create(newBody, JSON))
                                .build());
                        return new UpstreamOverOkHttp(upstream, () -> proceeding.set(false));
                    } catch (IOException | RuntimeException e) {
                        proceeding.set(false);
                        throw e;
                    }
                });
        if (reply.failure().isPresent()) {
            Throwable t = reply.failure().get();
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IOException(t);
        }
        return response(original, reply);
    }

    private static Response response(Request original, WrappedUpstream.Reply reply) {
        String contentType = reply.headers().get("Content-Type");
        return new Response.Builder()
                .request(original)
                .protocol(Protocol.HTTP_1_1)
                .code(reply.status())
                .message(reply.status() == 200 ? "OK" : "")
                .headers(reply.headers())
                .body(ResponseBody.create(
                        Okio.buffer(Okio.source(reply.body())),
                        contentType == null ? JSON : MediaType.get(contentType),
                        -1))
                .build();
    }

    /** The client's own retry count for this request (Stainless SDKs send it), 0 if absent or unreadable. */
    static int retryCount(Headers headers) {
        String v = headers.get("X-Stainless-Retry-Count");
        if (v == null) {
            return 0;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String clientKey(Headers headers) {
        String auth = headers.get("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).strip();
        }
        String apiKey = headers.get("api-key");
        return apiKey == null ? "" : apiKey.strip();
    }

    @Override
    public String toString() {
        return "LlmGateInterceptor[" + options.providerName() + "]";
    }

    private static final class UpstreamOverOkHttp implements WrappedUpstream.UpstreamResponse {
        private final Response response;
        private final Runnable released;

        UpstreamOverOkHttp(Response response, Runnable released) {
            this.response = response;
            this.released = released;
        }

        @Override
        public Headers headers() {
            return response.headers();
        }

        @Override
        public BufferedSource body() {
            return response.body().source();
        }

        @Override
        public int status() {
            return response.code();
        }

        @Override
        public void close() {
            response.close();
            released.run();
        }
    }
}
