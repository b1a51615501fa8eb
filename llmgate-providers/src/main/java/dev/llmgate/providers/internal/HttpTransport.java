package dev.llmgate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.Timeouts;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one provider's HTTP calls on a shared OkHttp client and turns every failure into a typed
 * {@link LlmException}: I/O errors into network or timeout errors, error statuses into the mapped
 * vendor error. Bodies are bounded, so a runaway response cannot exhaust memory.
 */
public final class HttpTransport {
    /** The largest body read for a blocking answer or an error. */
    public static final long MAX_BODY_BYTES = 32L * 1024 * 1024;

    private final String provider;
    /** Without OkHttp's call timeout: the call's time limit is kept by {@link DeadlineTimer}, which wakes no thread per call. */
    private final OkHttpClient client;
    private final Timeouts timeouts;
    private final String apiKey;
    private final ProviderErrors errors;

    public HttpTransport(String provider, OkHttpClient base, Timeouts timeouts, String apiKey) {
        this.provider = provider;
        this.timeouts = timeouts;
        this.apiKey = apiKey;
        this.errors = new ProviderErrors(provider, apiKey);
        this.client = base.newBuilder()
                .connectTimeout(timeouts.connect().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeouts.read().toMillis(), TimeUnit.MILLISECONDS)
                .callTimeout(0, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .build();
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

    /** Sends {@code request} and returns the parsed JSON of a 2xx answer. */
    public JsonNode execute(Request request, CallContext call) {
        Call c = client.newCall(request);
        call.onCancel(c::cancel);
        DeadlineTimer.Deadline limit = DeadlineTimer.shared().arm(timeouts.call(), c::cancel);
        try (Response response = c.execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                throw errorOf(response, call);
            }
            String text = readBounded(body.source());
            if (text.isBlank()) {
                throw new ProviderException("the provider answered HTTP " + response.code() + " with an empty body",
                        ErrorDetails.of(provider, response.code(), "", ""), true);
            }
            try {
                return Json.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new ProviderException("the provider's answer is not valid JSON",
                        ErrorDetails.of(provider, response.code(), "", ""), true);
            }
        } catch (IOException e) {
            if (limit.fired()) {
                throw new RequestTimeoutException("the call exceeded its time limit of " + timeouts.call(), ErrorDetails.of(provider), e);
            }
            throw ioFailure(e, c);
        } finally {
            limit.disarm();
        }
    }

    /**
     * Opens a streaming call; returns the 2xx response with its body unread. The caller closes it.
     * The stream's watchdog (first token, total time) is disarmed when the stream is closed.
     */
    public OpenStream open(Request request, CallContext call) {
        Call c = client.newCall(request);
        call.onCancel(c::cancel);
        StreamWatchdog watchdog = StreamWatchdog.watch(c, timeouts.timeToFirstToken(), timeouts.call());
        try {
            Response response = c.execute();
            if (!response.isSuccessful()) {
                try (response) {
                    watchdog.disarm();
                    throw errorOf(response, call);
                }
            }
            return new OpenStream(c, response, watchdog);
        } catch (IOException e) {
            watchdog.disarm();
            throw ioFailure(e, c, watchdog.fired());
        }
    }

    /** The typed error of a non-2xx response (reads its body, bounded). */
    public LlmException errorOf(Response response, CallContext call) throws IOException {
        String text = readBounded(response.body().source());
        return errors.fromStatus(response.code(), response.headers(), text, call);
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

    /** The typed error for an I/O failure of {@code call}, given which stream limit (if any) cancelled it. */
    public LlmException ioFailure(IOException e, Call call, StreamWatchdog.Limit fired) {
        ErrorDetails details = ErrorDetails.of(provider);
        if (fired == StreamWatchdog.Limit.FIRST_TOKEN) {
            return new RequestTimeoutException("no first token within " + timeouts.timeToFirstToken(), details, e);
        }
        if (fired == StreamWatchdog.Limit.TOTAL) {
            return new RequestTimeoutException("the stream did not finish within its time limit of " + timeouts.call(), details, e);
        }
        if (e instanceof SocketTimeoutException) {
            return new RequestTimeoutException("the provider did not answer in time (" + e.getMessage() + ")", details, e);
        }
        if (e instanceof InterruptedIOException && "timeout".equals(e.getMessage())) {
            return new RequestTimeoutException("the call exceeded its time limit of " + timeouts.call(), details, e);
        }
        if (call.isCanceled()) {
            return new NetworkException("the call was cancelled", details, e);
        }
        return new NetworkException("the connection to the provider failed (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + ")", details, e);
    }

    private String readBounded(BufferedSource source) throws IOException {
        if (source.request(MAX_BODY_BYTES + 1)) {
            throw new ProviderException("the provider's answer is larger than " + MAX_BODY_BYTES + " bytes",
                    ErrorDetails.of(provider), false);
        }
        return source.readUtf8();
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
            watchdog.disarm();
            call.cancel();
            response.close();
        }
    }
}
