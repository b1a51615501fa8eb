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
import dev.llmgate.providers.internal.HttpChatStream;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.Shapes;
import dev.llmgate.providers.internal.SseReader;
import dev.llmgate.providers.internal.StreamDecoder;
import dev.llmgate.providers.internal.WrappedExchange;
import dev.llmgate.providers.internal.WrappedUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Headers;

/**
 * Routes one Chat Completions exchange of an existing OpenAI-format client through a gate: the
 * client's request body becomes a {@link ChatRequest}, runs the gate's whole chain, and the chain's
 * last stage forwards the (possibly rewritten) request upstream through the client's own HTTP stack.
 * The client gets upstream's own answer (its bytes and headers, unless a stage changed it), upstream's
 * error answer, or its own stack's I/O exception ({@link WrappedExchange}); errors the gate made (a
 * policy block, a budget) become OpenAI-shaped error answers, so the client's own error handling sees
 * them; a stream that fails after it started ends with an {@code error} event and without
 * {@code [DONE]} (or, for the client stack's own I/O failure, with that exception), never as a clean end.
 */
public final class OpenAiBridge {

    private OpenAiBridge() {}

    /**
     * Handles one exchange.
     *
     * @param clientKey        the client's own key (from its Authorization header), scrubbed from messages
     * @param clientRetryCount how often the client itself has retried this request (its
     *                         {@code X-Stainless-Retry-Count} header; 0 if absent)
     */
    public static WrappedUpstream.Reply handle(
            LlmGate gate,
            WrapOptions wrapOptions,
            byte[] requestBody,
            String clientKey,
            int clientRetryCount,
            WrappedUpstream.Upstream upstream) {
        String providerName = wrapOptions.providerName();
        OpenAiServerSide.Intercepted intercepted;
        try {
            intercepted = OpenAiServerSide.read(requestBody, providerName + ":");
        } catch (InvalidRequestException e) {
            return error(e, true);
        }
        Optional<String> route = wrapOptions.routeFor(intercepted.model());
        WrappedUpstream.warnOnClientRetry(route, clientRetryCount, "openai-java: maxRetries(0)");
        ChatRequest asRead = WrappedUpstream.forClient(intercepted.request(), clientKey);
        ChatRequest request =
                route.isPresent() ? asRead.toBuilder().model(route.get()).build() : asRead;
        boolean routed = route.isPresent();
        OpenAiWire.Options options = new OpenAiWire.Options(intercepted.maxTokensField(), true, true);
        ProviderErrors errors = new ProviderErrors(providerName, clientKey);
        WrappedExchange exchange = new WrappedExchange();
        // the request as the client sent it, addressed as an attempt sees it: an attempt equal to it (no stage
        // changed anything, the model is the client's) is sent as the client's own bytes, unchanged
        ChatRequest asSent = asRead.withModel(intercepted.model());
        ModelProvider forward = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest attempt, CallContext call) {
                byte[] body = intercepted.faithful() && attempt.equals(asSent)
                        ? requestBody
                        : OpenAiWire.requestBody(attempt, false, options);
                try (WrappedUpstream.UpstreamResponse r = WrappedUpstream.send(upstream, body, errors, exchange)) {
                    if (r.status() < 200 || r.status() > 299) {
                        throw WrappedUpstream.upstreamError(r, errors, exchange, call);
                    }
                    String text = WrappedUpstream.read(r.body(), errors, false, exchange);
                    JsonNode root;
                    try {
                        root = Json.EXACT.readTree(
                                text); // (a member named twice, or text after the answer, is refused)
                    } catch (IOException e) {
                        throw new ProviderException(
                                "the upstream answer is not valid JSON (or names a member twice, or has text after its value)",
                                ErrorDetails.of(providerName),
                                true);
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

            /** The decoder of one upstream stream, observed by the exchange (first frame, members of later frames). */
            private StreamDecoder observed(Headers headers, CallContext call) {
                WrappedExchange.LaterMembers later = new WrappedExchange.LaterMembers();
                return exchange.observing(
                        new OpenAiStreamDecoder(errors, headers, call, later::put), headers, "[DONE]", later);
            }

            @Override
            public ChatStream stream(ChatRequest attempt, CallContext call) {
                WrappedUpstream.UpstreamResponse r = WrappedUpstream.send(
                        upstream, OpenAiWire.requestBody(attempt, true, options), errors, exchange);
                if (r.status() < 200 || r.status() > 299) {
                    try (r) {
                        throw WrappedUpstream.upstreamError(r, errors, exchange, call);
                    }
                }
                return new HttpChatStream(
                        errors,
                        new WrappedUpstream.ClientStream(r, errors, exchange),
                        new SseReader(r.body(), providerName, ResponseLimits.DEFAULTS),
                        observed(r.headers(), call));
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
                    headers.addAll(WrappedExchange.passedOn(a.raw().headers(), errors.secrets()));
                    byte[] patched = OpenAiServerSide.patchResponse(a.root(), response);
                    // upstream's own bytes only where they hold nothing the policy did not read (a value of another
                    // kind, a member the gate does not carry): then the gate's writing of them is the same JSON
                    body = a.unchangedIn(response)
                                    && OpenAiServerSide.onlyModelled(a.root())
                                    && Json.sameAs(a.root(), patched)
                            ? a.raw().body()
                            : patched;
                } else {
                    body = OpenAiServerSide.writeResponse(response, Instant.now());
                }
                headers.set("Content-Type", "application/json");
                if (routed) {
                    headers.set(WrappedUpstream.SHOULD_RETRY, "false");
                }
                return new WrappedUpstream.Reply(200, headers.build(), body);
            }
            ChatStream events = gate.wrapStream(request, providerName, forward);
            WrappedUpstream.start(events);
            Headers.Builder headers = new Headers.Builder();
            exchange.streaming()
                    .ifPresent(s -> headers.addAll(WrappedExchange.passedOn(s.headers(), errors.secrets())));
            headers.set("Content-Type", "text/event-stream");
            headers.set("Cache-Control", "no-cache");
            if (routed) {
                headers.set(WrappedUpstream.SHOULD_RETRY, "false");
            }
            return new WrappedUpstream.Reply(
                    200,
                    headers.build(),
                    new SseEncodingStream(events, exchange, intercepted.model(), intercepted.includeUsage()),
                    Optional.empty());
        } catch (LlmException e) {
            return WrappedUpstream.failed(e, exchange, routed, errors, gateError -> error(gateError, routed));
        }
    }

    /**
     * An OpenAI-shaped error answer for an error the gate made (not upstream's), with the status OpenAI
     * would use. Refusals of the gate (policy, budget, a request it cannot read) and every answer of a
     * routed call carry {@code x-should-retry: false}, so that the client does not add a retry layer.
     */
    public static WrappedUpstream.Reply error(LlmException e, boolean routed) {
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
            headers.add(WrappedUpstream.SHOULD_RETRY, "false");
        }
        return new WrappedUpstream.Reply(
                status, headers.build(), OpenAiServerSide.writeError(e.getMessage(), type, code));
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
        /** The upstream stream the head was taken from (null: a synthesised head). */
        private WrappedExchange.StreamStart start;

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

        /** The head of the next chunk: the first carries upstream's unknown members, the others not. */
        private OpenAiServerSide.ChunkHead head() {
            if (head == null) {
                start = exchange.streaming().orElse(null);
                OpenAiServerSide.ChunkHead first = Optional.ofNullable(start)
                        .map(s -> OpenAiServerSide.ChunkHead.of(s.firstFrame(), requestedModel))
                        .orElseGet(() -> OpenAiServerSide.ChunkHead.synthesised(
                                "chatcmpl-llmgate-" + Long.toString(IDS.incrementAndGet(), 36),
                                Instant.now().getEpochSecond(),
                                requestedModel));
                head = first.withoutUnknownMembers();
                return first;
            }
            return head;
        }

        /** Upstream's members llmgate does not know that later frames of the stream read last brought, not yet passed. */
        private List<Map.Entry<String, JsonNode>> laterMembers() {
            // from the stream the head was taken from: never another attempt's (a hedge read later)
            return start == null ? List.of() : start.later().take();
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
                    current = OpenAiServerSide.writeChunk(e, head().withMembers(laterMembers()));
                    if (e instanceof StreamEvent.Finish) {
                        ByteArrayOutputStream tail = new ByteArrayOutputStream();
                        tail.writeBytes(current);
                        if (includeUsage && usage != null) {
                            tail.writeBytes(OpenAiServerSide.writeChunk(usage, head().withMembers(laterMembers())));
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
