package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.internal.Bodies;
import dev.llmgate.providers.internal.HttpChatStream;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.Shapes;
import dev.llmgate.providers.internal.SseReader;
import dev.llmgate.providers.internal.StreamSource;
import dev.llmgate.providers.internal.WrappedExchange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Headers;
import okio.BufferedSource;

/**
 * Routes one Chat Completions exchange of an existing OpenAI-format client through a gate: the
 * client's request body becomes a {@link ChatRequest}, runs the gate's whole chain, and the chain's
 * last stage forwards the (possibly rewritten) request upstream through the client's own HTTP stack.
 * The answer goes back to the client in OpenAI's format, streamed if it asked for a stream. Errors
 * from the chain (a policy block, a budget, an upstream failure) become OpenAI-shaped error answers,
 * so the client's own error handling sees them; a stream that fails after it started ends with an
 * {@code error} event and without {@code [DONE]}, never as a clean end.
 */
public final class OpenAiBridge {

    /** Sends a request body to the real server through the client's own stack. */
    @FunctionalInterface
    public interface Upstream {
        UpstreamResponse send(byte[] body) throws IOException;
    }

    /** What the real server answered; {@link #close()} releases its connection. */
    public interface UpstreamResponse extends AutoCloseable {
        int status();

        Headers headers();

        BufferedSource body();

        @Override
        void close();
    }

    /**
     * An upstream answer read through a client's own stack, as a stream source: no first-token limit of
     * ours applies (the client's stack has its own timeouts), and I/O failures are network errors whose
     * cause is scrubbed with the client's key.
     */
    private static final class ClientStream implements StreamSource {
        private final UpstreamResponse response;
        private final ProviderErrors errors;
        private final WrappedExchange exchange;

        ClientStream(UpstreamResponse response, ProviderErrors errors, WrappedExchange exchange) {
            this.response = response;
            this.errors = errors;
            this.exchange = exchange;
        }

        @Override
        public int status() {
            return response.status();
        }

        @Override
        public void firstTokenArrived() {}

        @Override
        public LlmException ioFailure(IOException e) {
            return exchange.original(
                    new NetworkException(
                            "reading the upstream stream failed ("
                                    + e.getClass().getSimpleName() + ")",
                            ErrorDetails.of(errors.provider()),
                            errors.secrets().cause(e)),
                    e);
        }

        @Override
        public void close() {
            response.close();
        }
    }

    /**
     * The answer to give the client: a response ({@code body} read lazily for streams; close it when
     * done), or, when {@code failure} is present, the client stack's own failure to rethrow as it is
     * (status, headers and body are then meaningless).
     */
    public record Reply(int status, Headers headers, InputStream body, Optional<Throwable> failure) {
        Reply(int status, Headers headers, byte[] body) {
            this(status, headers, new ByteArrayInputStream(body), Optional.empty());
        }

        static Reply failure(Throwable original) {
            return new Reply(0, Headers.of(), InputStream.nullInputStream(), Optional.of(original));
        }
    }

    private static final System.Logger LOG = System.getLogger(OpenAiBridge.class.getName());
    private static final AtomicBoolean WARNED_CLIENT_RETRY = new AtomicBoolean();

    private OpenAiBridge() {}

    /**
     * Checks that every route {@code options} names is a route of {@code gate}'s router.
     *
     * @throws IllegalArgumentException naming the routes the gate does not have, and the ones it has
     */
    public static void checkRoutes(LlmGate gate, WrapOptions options) {
        Set<String> missing = new TreeSet<>(options.routeAliases());
        missing.removeAll(gate.routeNames());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the wrap options for '" + options.providerName() + "' name route(s) "
                    + missing + " that the gate's Router does not have (its routes: "
                    + new TreeSet<>(gate.routeNames()) + "): add them with Router.builder().route(...) and"
                    + " LlmGate.builder().addInterceptor(router), or fix the names");
        }
    }

    /**
     * Handles one exchange.
     *
     * @param clientKey        the client's own key (from its Authorization header), scrubbed from messages
     * @param clientRetryCount how often the client itself has retried this request (its
     *                         {@code X-Stainless-Retry-Count} header; 0 if absent)
     */
    public static Reply handle(
            LlmGate gate,
            WrapOptions wrapOptions,
            byte[] requestBody,
            String clientKey,
            int clientRetryCount,
            Upstream upstream) {
        String providerName = wrapOptions.providerName();
        OpenAiServerSide.Intercepted intercepted;
        try {
            intercepted = OpenAiServerSide.read(requestBody, providerName + ":");
        } catch (InvalidRequestException e) {
            return error(e, true);
        }
        Optional<String> route = wrapOptions.routeFor(intercepted.model());
        if (route.isPresent() && clientRetryCount > 0 && WARNED_CLIENT_RETRY.compareAndSet(false, true)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "a wrapped client retried a call that the gate's route '" + route.get()
                            + "' already retries: two retry layers. Turn the client's own retries off (openai-java:"
                            + " maxRetries(0)) when its models are mapped to routes. (Logged once.)");
        }
        ChatRequest request = route.isPresent()
                ? intercepted.request().toBuilder().model(route.get()).build()
                : intercepted.request();
        boolean routed = route.isPresent();
        OpenAiWire.Options options = new OpenAiWire.Options(intercepted.maxTokensField(), true, true);
        ProviderErrors errors = new ProviderErrors(providerName, clientKey);
        WrappedExchange exchange = new WrappedExchange();
        ModelProvider forward = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest attempt, CallContext call) {
                try (UpstreamResponse r =
                        send(upstream, OpenAiWire.requestBody(attempt, false, options), errors, exchange)) {
                    if (r.status() < 200 || r.status() > 299) {
                        throw upstreamError(r, errors, exchange, call);
                    }
                    String text = read(r.body(), errors, false, exchange);
                    JsonNode root;
                    try {
                        root = Json.MAPPER.readTree(text);
                    } catch (IOException e) {
                        throw new ProviderException(
                                "the upstream answer is not valid JSON", ErrorDetails.of(providerName), true);
                    }
                    if (root == null) {
                        throw new ProviderException(
                                "the upstream answer is not valid JSON", ErrorDetails.of(providerName), true);
                    }
                    if (root.has("error") && !root.has("choices")) {
                        throw errors.inBody(root, r.headers(), call);
                    }
                    ChatResponse parsed = Shapes.parse(errors, () -> OpenAiWire.parseResponse(root, providerName));
                    exchange.answered(new WrappedExchange.Answer(
                            parsed,
                            root,
                            new WrappedExchange.Raw(r.status(), r.headers(), text.getBytes(StandardCharsets.UTF_8))));
                    return parsed;
                }
            }

            @Override
            public ChatStream stream(ChatRequest attempt, CallContext call) {
                UpstreamResponse r = send(upstream, OpenAiWire.requestBody(attempt, true, options), errors, exchange);
                if (r.status() < 200 || r.status() > 299) {
                    try (r) {
                        throw upstreamError(r, errors, exchange, call);
                    }
                }
                return new HttpChatStream(
                        errors,
                        new ClientStream(r, errors, exchange),
                        new SseReader(r.body(), providerName, ResponseLimits.DEFAULTS),
                        exchange.observing(new OpenAiStreamDecoder(errors, r.headers(), call), r.headers(), "[DONE]"));
            }
        };

        try {
            if (!intercepted.stream()) {
                ChatResponse response = gate.wrap(request, providerName, forward);
                Optional<WrappedExchange.Answer> upstreamAnswer = exchange.answerFor(response);
                Headers.Builder headers = new Headers.Builder();
                byte[] body;
                if (upstreamAnswer.isPresent()) {
                    WrappedExchange.Answer a = upstreamAnswer.get();
                    headers.addAll(WrappedExchange.passedOn(a.raw().headers()));
                    body = unchanged(a.parsed(), response)
                            ? a.raw().body()
                            : OpenAiServerSide.patchResponse(a.root(), response);
                } else {
                    body = OpenAiServerSide.writeResponse(response, Instant.now());
                }
                headers.set("Content-Type", "application/json");
                if (routed) {
                    headers.set(SHOULD_RETRY, "false");
                }
                return new Reply(200, headers.build(), body);
            }
            ChatStream events = gate.wrapStream(request, providerName, forward);
            Headers.Builder headers = new Headers.Builder();
            exchange.streaming().ifPresent(s -> headers.addAll(WrappedExchange.passedOn(s.headers())));
            headers.set("Content-Type", "text/event-stream");
            headers.set("Cache-Control", "no-cache");
            if (routed) {
                headers.set(SHOULD_RETRY, "false");
            }
            return new Reply(
                    200,
                    headers.build(),
                    new SseEncodingStream(events, exchange, intercepted.model(), intercepted.includeUsage()),
                    Optional.empty());
        } catch (LlmException e) {
            return failed(e, exchange, routed, errors);
        }
    }

    /** The SDK's retry switch (openai-java and anthropic-java honour it). */
    static final String SHOULD_RETRY = "x-should-retry";

    /**
     * What the client gets for a failed call: upstream's own failure or error answer where there was
     * one — unless that answer shows (a fragment of) the client's key: then the gate's scrubbed error.
     */
    private static Reply failed(LlmException e, WrappedExchange exchange, boolean routed, ProviderErrors errors) {
        Optional<Throwable> original = exchange.originalOf(e);
        if (original.isPresent()) {
            return Reply.failure(original.get());
        }
        Optional<WrappedExchange.Raw> raw = exchange.rawErrorOf(e);
        if (raw.isPresent() && !WrappedExchange.leaks(raw.get(), errors.secrets())) {
            Headers.Builder h = new Headers.Builder()
                    .addAll(WrappedExchange.passedOn(raw.get().headers()));
            h.set("Content-Type", "application/json");
            if (routed) {
                h.set(SHOULD_RETRY, "false");
            }
            return new Reply(raw.get().status(), h.build(), raw.get().body());
        }
        return error(e, routed);
    }

    private static boolean unchanged(ChatResponse upstream, ChatResponse answer) {
        return upstream.text().equals(answer.text())
                && upstream.toolCalls().equals(answer.toolCalls())
                && upstream.refusal().equals(answer.refusal())
                && upstream.finishReason() == answer.finishReason();
    }

    private static LlmException upstreamError(
            UpstreamResponse r, ProviderErrors errors, WrappedExchange exchange, CallContext call) {
        String body = read(r.body(), errors, true, exchange);
        return exchange.rawError(
                errors.fromStatus(r.status(), r.headers(), body, call),
                new WrappedExchange.Raw(r.status(), r.headers(), body.getBytes(StandardCharsets.UTF_8)));
    }

    private static UpstreamResponse send(
            Upstream upstream, byte[] body, ProviderErrors errors, WrappedExchange exchange) {
        String providerName = errors.provider();
        try {
            return upstream.send(body);
        } catch (IOException e) {
            throw exchange.original(
                    new NetworkException(
                            "the upstream call failed (" + e.getClass().getSimpleName() + ")",
                            ErrorDetails.of(providerName),
                            errors.secrets().cause(e)),
                    e);
        } catch (LlmException e) {
            throw e;
        } catch (RuntimeException e) {
            // A client stack's own unchecked I/O errors (e.g. openai-java's OpenAIIoException): typed for routing,
            // and given back to the client as they were if the call fails with them.
            String kind = e.getClass().getSimpleName();
            if (kind.contains("Timeout") || (e.getCause() instanceof java.io.InterruptedIOException)) {
                throw exchange.original(
                        new RequestTimeoutException(
                                "the upstream call timed out (" + kind + ")",
                                ErrorDetails.of(providerName),
                                errors.secrets().cause(e)),
                        e);
            }
            throw exchange.original(
                    new NetworkException(
                            "the upstream call failed (" + kind + ")",
                            ErrorDetails.of(providerName),
                            errors.secrets().cause(e)),
                    e);
        }
    }

    /** The upstream's answer ({@link ResponseLimits#DEFAULTS}), or for an error answer its first {@link Bodies#ERROR_BODY_BYTES}. */
    private static String read(BufferedSource body, ProviderErrors errors, boolean error, WrappedExchange exchange) {
        try {
            return error ? Bodies.errorPrefix(body) : Bodies.whole(body, errors.provider(), ResponseLimits.DEFAULTS);
        } catch (IOException e) {
            throw exchange.original(
                    new NetworkException(
                            "reading the upstream answer failed ("
                                    + e.getClass().getSimpleName() + ")",
                            ErrorDetails.of(errors.provider()),
                            errors.secrets().cause(e)),
                    e);
        }
    }

    /**
     * An OpenAI-shaped error answer for an error the gate made (not upstream's), with the status OpenAI
     * would use. Refusals of the gate (policy, budget, a request it cannot read) and every answer of a
     * routed call carry {@code x-should-retry: false}, so that the client does not add a retry layer.
     */
    public static Reply error(LlmException e, boolean routed) {
        int status;
        String type;
        String code = e.details().errorCode().orElse("");
        Headers.Builder headers = new Headers.Builder().add("Content-Type", "application/json");
        Optional<Duration> retryAfter = Optional.empty();
        boolean refusal = false;
        if (e instanceof PolicyBlockedException) {
            status = 403;
            type = "policy_blocked";
            code = "policy_blocked";
            refusal = true;
        } else if (e instanceof BudgetExceededException b) {
            status = 429;
            type = "budget_exceeded";
            code = "budget_exceeded";
            refusal = true;
            Duration left = Duration.between(Instant.now(), b.resetsAt());
            if (!left.isNegative()) {
                retryAfter = Optional.of(left);
            }
        } else if (e instanceof RateLimitedException r) {
            status = 429;
            type = "rate_limit_error";
            retryAfter = r.retryAfter();
        } else if (e instanceof OverloadedException o) {
            status = 503;
            type = "overloaded_error";
            retryAfter = o.retryAfter();
        } else if (e instanceof AuthenticationException) {
            status = 401;
            type = "authentication_error";
        } else if (e instanceof PermissionDeniedException) {
            status = 403;
            type = "permission_error";
        } else if (e instanceof ContextLengthExceededException) {
            status = 400;
            type = "invalid_request_error";
            code = "context_length_exceeded";
        } else if (e instanceof ContentFilteredException) {
            status = 400;
            type = "invalid_request_error";
            code = "content_filter";
        } else if (e instanceof InvalidRequestException) {
            status = e.details().httpStatus().orElse(400);
            type = "invalid_request_error";
            refusal = true;
        } else if (e instanceof RequestTimeoutException) {
            status = 504;
            type = "timeout";
        } else {
            status = e.details().httpStatus().isPresent()
                            && e.details().httpStatus().getAsInt() >= 500
                    ? e.details().httpStatus().getAsInt()
                    : 502;
            type = "server_error";
        }
        retryAfter.ifPresent(d -> {
            headers.add("retry-after-ms", Long.toString(d.toMillis()));
            headers.add("retry-after", Long.toString((d.toMillis() + 999) / 1000));
        });
        if (routed || refusal) {
            headers.add(SHOULD_RETRY, "false");
        }
        return new Reply(status, headers.build(), OpenAiServerSide.writeError(e.getMessage(), type, code));
    }

    /**
     * Encodes a gate stream as OpenAI SSE chunks, pulled as the client reads. Chunks carry the id,
     * {@code created}, model, {@code system_fingerprint} and {@code service_tier} of the upstream stream
     * the events came from; only a stream the upstream did not produce (a cached replay, a fallback to
     * another provider) gets synthesised ones. A failure that was the client stack's own I/O failure is
     * thrown as that {@link IOException} from {@code read}; any other failure after the stream began is
     * an {@code error} event, and the stream ends without {@code [DONE]}.
     */
    static final class SseEncodingStream extends InputStream {
        private static final AtomicLong IDS = new AtomicLong();
        private final ChatStream events;
        private final WrappedExchange exchange;
        private final String requestedModel;
        private final boolean includeUsage;
        private OpenAiServerSide.ChunkHead head;
        private StreamEvent.UsageUpdate usage;
        private byte[] current = new byte[0];
        private int position;
        private boolean done;

        /** Usage comes after the finish chunk, and only if asked for. */
        SseEncodingStream(ChatStream events, WrappedExchange exchange, String requestedModel, boolean includeUsage) {
            this.events = events;
            this.exchange = exchange;
            this.requestedModel = requestedModel;
            this.includeUsage = includeUsage;
        }

        private OpenAiServerSide.ChunkHead head() {
            if (head == null) {
                head = exchange.streaming()
                        .map(s -> OpenAiServerSide.ChunkHead.of(s.firstFrame(), requestedModel))
                        .orElseGet(() -> OpenAiServerSide.ChunkHead.synthesised(
                                "chatcmpl-llmgate-" + Long.toString(IDS.incrementAndGet(), 36),
                                Instant.now().getEpochSecond(),
                                requestedModel));
            }
            return head;
        }

        private boolean fill() throws IOException {
            while (position >= current.length) {
                if (done) {
                    return false;
                }
                try {
                    if (!events.hasNext()) {
                        done = true;
                        return false;
                    }
                    StreamEvent e = events.next();
                    if (e instanceof StreamEvent.UsageUpdate u) {
                        usage = u;
                        continue;
                    }
                    current = OpenAiServerSide.writeChunk(e, head());
                    if (e instanceof StreamEvent.Finish) {
                        ByteArrayOutputStream tail = new ByteArrayOutputStream();
                        tail.writeBytes(current);
                        if (includeUsage && usage != null) {
                            tail.writeBytes(OpenAiServerSide.writeChunk(usage, head()));
                        }
                        tail.writeBytes(DONE);
                        current = tail.toByteArray();
                        done = true;
                    }
                } catch (LlmException e) {
                    done = true;
                    current = new byte[0];
                    position = 0;
                    Optional<Throwable> original = exchange.originalOf(e);
                    if (original.isPresent() && original.get() instanceof IOException io) {
                        throw io;
                    }
                    byte[] body;
                    try {
                        body = error(e, false).body().readAllBytes();
                    } catch (IOException impossible) {
                        body = new byte[0];
                    }
                    ByteArrayOutputStream frame = new ByteArrayOutputStream(body.length + 8);
                    frame.writeBytes(DATA);
                    frame.writeBytes(body);
                    frame.writeBytes(BLANK_LINE);
                    current = frame.toByteArray();
                }
                position = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? current[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public void close() {
            events.close();
        }
    }

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLANK_LINE = "\n\n".getBytes(StandardCharsets.US_ASCII);
}
