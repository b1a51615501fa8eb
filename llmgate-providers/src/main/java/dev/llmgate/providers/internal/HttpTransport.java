package dev.llmgate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.TraceContext;
import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.Timeouts;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Runs one provider's HTTP calls on an OkHttp client and turns every failure into a typed
 * {@link LlmException}: I/O errors into network or timeout errors, error statuses into the mapped
 * vendor error, with every upstream string scrubbed by the provider's {@link Secrets}. Bodies are
 * bounded ({@link ResponseLimits}), so a runaway response cannot exhaust memory.
 *
 * <p>{@link #close()} cancels the calls in flight, disarms their time limits, closes the connections of
 * the provider's own pool (when it has one: it was built without a client of the user's) and stops the
 * time-limit thread if no other provider's call needs it. Calls after close fail.
 */
public final class HttpTransport implements AutoCloseable {
    private final String provider;
    /** Without OkHttp's call timeout: the call's time limit is kept by {@link DeadlineTimer}, which wakes no thread per call. */
    private final OkHttpClient client;

    private final boolean ownsPool;
    private final Timeouts timeouts;
    private final ResponseLimits limits;
    private final ProviderErrors errors;
    /** Calls in flight, each with what disarms its time limits. */
    private final Map<Call, Runnable> live = new ConcurrentHashMap<>();

    private volatile boolean closed;

    /** A transport on {@code base} (the caller's client: its pool is left alone on close) with the default limits. */
    public HttpTransport(String provider, OkHttpClient base, Timeouts timeouts, String apiKey) {
        this(provider, base, false, timeouts, ResponseLimits.DEFAULTS, apiKey);
    }

    /**
     * @param ownPool whether to give this transport its own connection pool (closed by {@link #close()})
     *                instead of {@code base}'s; for providers built without a client of the user's
     */
    public HttpTransport(
            String provider,
            OkHttpClient base,
            boolean ownPool,
            Timeouts timeouts,
            ResponseLimits limits,
            String apiKey) {
        this.provider = provider;
        this.timeouts = timeouts;
        this.limits = limits;
        this.ownsPool = ownPool;
        this.errors = new ProviderErrors(provider, apiKey);
        OkHttpClient.Builder b = base.newBuilder()
                .connectTimeout(timeouts.connect().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeouts.read().toMillis(), TimeUnit.MILLISECONDS)
                .callTimeout(0, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false);
        if (ownPool) {
            b.connectionPool(new ConnectionPool(SharedHttpClient.MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES));
        }
        this.client = b.build();
    }

    public String provider() {
        return provider;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    /** This provider's error translation. */
    public ProviderErrors errors() {
        return errors;
    }

    /** This provider's response limits. */
    public ResponseLimits limits() {
        return limits;
    }

    /** A reader of the Server-Sent Events of {@code open}, bounded by this provider's limits. */
    public SseReader sse(OpenStream open) {
        return new SseReader(open.source(), provider, limits);
    }

    /** {@link #sse(OpenStream)} dispatching a last event without its blank line if {@code completeAtEnd} accepts it. */
    public SseReader sse(OpenStream open, Predicate<String> completeAtEnd) {
        return new SseReader(open.source(), provider, limits, completeAtEnd);
    }

    /** A reader of the NDJSON lines of {@code open}, bounded by this provider's limits. */
    public NdjsonReader ndjson(OpenStream open) {
        return new NdjsonReader(open.source(), provider, limits);
    }

    /** {@code request} with the headers of the trace context current on this thread ({@link TraceContext}), if any. */
    private static Request traced(Request request) {
        Optional<TraceContext> trace = TraceContext.current();
        if (trace.isEmpty()) {
            return request;
        }
        Request.Builder b =
                request.newBuilder().header("traceparent", trace.get().traceparent());
        trace.get().tracestate().ifPresent(s -> b.header("tracestate", s));
        return b.build();
    }

    /** Sends {@code request} and returns the parsed JSON of a 2xx answer. */
    public JsonNode execute(Request request, CallContext call) {
        checkOpen();
        Call c = client.newCall(traced(request));
        call.onCancel(c::cancel);
        DeadlineTimer.Deadline limit = DeadlineTimer.shared().arm(timeouts.call(), c::cancel);
        track(c, limit::disarm);
        try (Response response = c.execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                throw errorOf(response, call);
            }
            String text = Bodies.whole(body.source(), provider, limits);
            if (text.isBlank()) {
                throw new ProviderException(
                        "the provider answered HTTP " + response.code() + " with an empty body",
                        ErrorDetails.of(provider, response.code(), "", ""),
                        true);
            }
            try {
                return Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new ProviderException(
                        "the provider's answer is not valid JSON",
                        ErrorDetails.of(provider, response.code(), "", ""),
                        true);
            }
        } catch (IOException e) {
            if (limit.fired()) {
                throw new RequestTimeoutException(
                        "the call exceeded its time limit of " + timeouts.call(), ErrorDetails.of(provider), e);
            }
            throw ioFailure(e, c);
        } finally {
            live.remove(c);
            limit.disarm();
        }
    }

    /**
     * Opens a streaming call; returns the 2xx response with its body unread. The caller closes it.
     * The stream's watchdog (first token, total time) is disarmed when the stream is closed.
     */
    public OpenStream open(Request request, CallContext call) {
        checkOpen();
        Call c = client.newCall(traced(request));
        call.onCancel(c::cancel);
        StreamWatchdog watchdog = StreamWatchdog.watch(c, timeouts.timeToFirstToken(), timeouts.call());
        track(c, watchdog::disarm);
        try {
            Response response = c.execute();
            if (!response.isSuccessful()) {
                try (response) {
                    live.remove(c);
                    watchdog.disarm();
                    throw errorOf(response, call);
                }
            }
            return new OpenStream(c, response, watchdog);
        } catch (IOException e) {
            live.remove(c);
            watchdog.disarm();
            throw ioFailure(e, c, watchdog.fired());
        } catch (RuntimeException e) {
            live.remove(c);
            watchdog.disarm();
            throw e;
        }
    }

    /** The typed error of a non-2xx response (reads the start of its body, {@link Bodies#ERROR_BODY_BYTES}). */
    public LlmException errorOf(Response response, CallContext call) throws IOException {
        String text = Bodies.errorPrefix(response.body().source());
        return errors.fromStatus(
                response.code(),
                response.headers(),
                text,
                call,
                RequestEcho.of(response.request().body()));
    }

    /** The typed error of an error reported inside a 2xx body or stream. */
    public LlmException errorInBody(JsonNode node, okhttp3.Headers headers, CallContext call) {
        return errors.inBody(node, headers, call);
    }

    /**
     * One frame of a JSON stream (an SSE event's data, an NDJSON line) as a JSON object.
     *
     * @param sender how messages name the frame, e.g. {@code "Gemini sent a stream event"}
     * @throws ProviderException (retryable) if the frame is not a JSON object
     * @throws LlmException      the typed error if the frame reports one ({@code {"error": ...}})
     */
    public JsonNode streamObject(String data, String sender, okhttp3.Headers headers, CallContext call) {
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            throw new ProviderException(sender + " that is not valid JSON", ErrorDetails.of(provider), true);
        }
        if (frame == null || !frame.isObject()) {
            throw new ProviderException(sender + " that is not a JSON object", ErrorDetails.of(provider), true);
        }
        if (frame.has("error")) {
            throw errorInBody(frame, headers, call);
        }
        return frame;
    }

    /** The typed error for an I/O failure of a blocking {@code call}. */
    public LlmException ioFailure(IOException e, Call call) {
        return ioFailure(e, call, StreamWatchdog.Limit.NONE);
    }

    /**
     * The typed error for an I/O failure of {@code call}, given which stream limit (if any) cancelled it.
     * The I/O exception's message can quote the upstream (e.g. OkHttp's "Unexpected status line: ..."):
     * it and the cause are scrubbed.
     */
    public LlmException ioFailure(IOException e, Call call, StreamWatchdog.Limit fired) {
        ErrorDetails details = ErrorDetails.of(provider);
        Secrets secrets = errors.secrets();
        Throwable cause = secrets.cause(e);
        if (fired == StreamWatchdog.Limit.FIRST_TOKEN) {
            return new RequestTimeoutException("no first token within " + timeouts.timeToFirstToken(), details, cause);
        }
        if (fired == StreamWatchdog.Limit.TOTAL) {
            return new RequestTimeoutException(
                    "the stream did not finish within its time limit of " + timeouts.call(), details, cause);
        }
        if (e instanceof SocketTimeoutException) {
            return new RequestTimeoutException(
                    "the provider did not answer in time (" + secrets.scrub(String.valueOf(e.getMessage())) + ")",
                    details,
                    cause);
        }
        if (e instanceof InterruptedIOException && "timeout".equals(e.getMessage())) {
            return new RequestTimeoutException(
                    "the call exceeded its time limit of " + timeouts.call(), details, cause);
        }
        if (closed) {
            return new NetworkException("the provider was closed while the call was in flight", details, cause);
        }
        if (call.isCanceled()) {
            return new NetworkException("the call was cancelled", details, cause);
        }
        return new NetworkException(
                "the connection to the provider failed (" + e.getClass().getSimpleName() + ": "
                        + secrets.scrub(String.valueOf(e.getMessage())) + ")",
                details,
                cause);
    }

    private void checkOpen() {
        if (closed) {
            throw new ProviderException(
                    "provider '" + provider + "' is closed: build a new one", ErrorDetails.of(provider), false);
        }
    }

    /** Registers a call in flight; if close() ran meanwhile, cancels it (close() or this sees the other). */
    private void track(Call c, Runnable disarm) {
        live.put(c, disarm);
        if (closed) {
            live.remove(c);
            disarm.run();
            c.cancel();
        }
    }

    /**
     * Cancels the calls in flight (their callers get a {@link NetworkException}), disarms their time
     * limits, closes the connections of this transport's own pool (if it has one) and stops the shared
     * time-limit thread if no other provider's call is armed. Later calls fail. Idempotent.
     */
    @Override
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // a concurrent map: removing while iterating is safe
    public void close() {
        closed = true;
        for (Map.Entry<Call, Runnable> e : live.entrySet()) {
            e.getKey().cancel();
            e.getValue().run();
            live.remove(e.getKey());
        }
        if (ownsPool) {
            client.connectionPool().evictAll();
        }
        DeadlineTimer.shared().stopIfIdle();
    }

    /** A streaming response in progress. */
    public final class OpenStream implements StreamSource {
        private final Call call;
        private final Response response;
        private final StreamWatchdog watchdog;

        OpenStream(Call call, Response response, StreamWatchdog watchdog) {
            this.call = call;
            this.response = response;
            this.watchdog = watchdog;
        }

        public Call call() {
            return call;
        }

        public Response response() {
            return response;
        }

        public StreamWatchdog watchdog() {
            return watchdog;
        }

        public BufferedSource source() {
            return response.body().source();
        }

        @Override
        public int status() {
            return response.code();
        }

        @Override
        public void firstTokenArrived() {
            watchdog.firstTokenArrived();
        }

        @Override
        public LlmException ioFailure(IOException e) {
            return HttpTransport.this.ioFailure(e, call, watchdog.fired());
        }

        @Override
        public void close() {
            live.remove(call);
            watchdog.disarm();
            call.cancel();
            response.close();
        }
    }
}
