package dev.llmgate.providers.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.cache.CacheControl;
import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.WrapOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import okhttp3.Headers;
import okio.BufferedSource;

/**
 * What every wrapped client's exchange shares, whatever its wire format: sending through the client's
 * own stack (its I/O failures kept for {@link WrappedExchange}), reading upstream's answers and error
 * answers, the reply handed back to the client's stack, and the one-retry-layer rules. Not public API.
 */
public final class WrappedUpstream {

    /**
     * Query parameters an examined request may carry, by name, with the values allowed: Azure OpenAI's
     * {@code api-version} (a date, optionally {@code -preview}, or {@code preview}/{@code latest}/{@code v1}) and
     * anthropic-java's {@code beta=true}. A value in any other parameter would reach upstream unexamined.
     */
    private static final java.util.Map<String, java.util.regex.Pattern> ALLOWED_QUERY = java.util.Map.of(
            "api-version",
            java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?|preview|latest|v1"),
            "beta",
            java.util.regex.Pattern.compile("true|false"));

    /**
     * A refusal for an examined request (chat, embeddings, Responses, messages) whose URL carries a query parameter
     * the gate does not examine (see {@link #ALLOWED_QUERY}), or empty. The parameter is named only if its name is a
     * plain word; values are never shown.
     *
     * @param names  the query's parameter names
     * @param values a parameter's values
     */
    public static Optional<dev.llmgate.api.exception.InvalidRequestException> unexaminedQuery(
            java.util.Collection<String> names, Function<String, java.util.List<String>> values) {
        for (String name : names) {
            java.util.regex.Pattern allowed = ALLOWED_QUERY.get(name);
            boolean ok = allowed != null;
            for (String v : values.apply(name)) {
                ok = ok && v != null && allowed.matcher(v).matches();
            }
            if (!ok) {
                String shown = name.matches("[A-Za-z_-]{1,40}") ? "'" + name + "'" : "a query parameter";
                return Optional.of(new dev.llmgate.api.exception.InvalidRequestException(
                        shown + " (or its value) is not examined by the gate: the policy reads the request's body, so"
                                + " a value in the URL would reach upstream unexamined; send it in the body or leave it"
                                + " out (allowed: api-version=<date>, beta=true)",
                        ErrorDetails.NONE));
            }
        }
        return Optional.empty();
    }
    /** The SDKs' retry switch (openai-java and anthropic-java honour it). */
    public static final String SHOULD_RETRY = "x-should-retry";

    private static final System.Logger LOG = System.getLogger(WrappedUpstream.class.getName());
    private static final AtomicBoolean WARNED_CLIENT_RETRY = new AtomicBoolean();

    private WrappedUpstream() {}

    /** One wire format's handling of an exchange (e.g. {@code OpenAiBridge::handle}). */
    @FunctionalInterface
    public interface Bridge {
        Reply handle(
                LlmGate gate,
                WrapOptions options,
                byte[] requestBody,
                String clientKey,
                int clientRetryCount,
                Upstream upstream);
    }

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
    public static final class ClientStream implements StreamSource {
        private final UpstreamResponse response;
        private final ProviderErrors errors;
        private final WrappedExchange exchange;

        public ClientStream(UpstreamResponse response, ProviderErrors errors, WrappedExchange exchange) {
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
            exchange.streamFailed();
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
        public Reply(int status, Headers headers, byte[] body) {
            this(status, headers, new ByteArrayInputStream(body), Optional.empty());
        }

        public static Reply failure(Throwable original) {
            return new Reply(0, Headers.of(), InputStream.nullInputStream(), Optional.of(original));
        }
    }

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
     * Warns once per process when a client retried (its {@code X-Stainless-Retry-Count}) a call that a
     * route of the gate already retries.
     */
    public static void warnOnClientRetry(Optional<String> route, int clientRetryCount, String sdkSetting) {
        if (route.isPresent() && clientRetryCount > 0 && WARNED_CLIENT_RETRY.compareAndSet(false, true)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "a wrapped client retried a call that the gate's route '" + route.get()
                            + "' already retries: two retry layers. Turn the client's own retries off (" + sdkSetting
                            + ") when its models are mapped to routes. (Logged once.)");
        }
    }

    /**
     * What the client gets for a failed call: upstream's own failure or error answer where there was
     * one — unless that answer shows (a fragment of) the client's key: then the gate's scrubbed error.
     */
    public static Reply failed(
            LlmException e,
            WrappedExchange exchange,
            boolean routed,
            ProviderErrors errors,
            Function<LlmException, Reply> gateError) {
        Optional<Throwable> original = exchange.originalOf(e);
        if (original.isPresent()) {
            return Reply.failure(original.get());
        }
        Optional<WrappedExchange.Raw> raw = exchange.rawErrorOf(e);
        if (raw.isPresent() && !WrappedExchange.leaks(raw.get(), errors.secrets())) {
            Headers.Builder h = new Headers.Builder()
                    .addAll(WrappedExchange.passedOn(raw.get().headers(), errors.secrets()));
            h.set("Content-Type", "application/json");
            if (routed) {
                h.set(SHOULD_RETRY, "false");
            }
            return new Reply(raw.get().status(), h.build(), raw.get().body());
        }
        return gateError.apply(e);
    }

    public static LlmException upstreamError(
            UpstreamResponse r, ProviderErrors errors, WrappedExchange exchange, CallContext call) {
        String body = read(r.body(), errors, true, exchange);
        return exchange.rawError(
                errors.fromStatus(r.status(), r.headers(), body, call),
                new WrappedExchange.Raw(r.status(), r.headers(), body.getBytes(StandardCharsets.UTF_8)));
    }

    public static UpstreamResponse send(
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
    public static String read(BufferedSource body, ProviderErrors errors, boolean error, WrappedExchange exchange) {
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
     * Pulls a stream's first event before the client gets its reply: a routed stream starts its attempts
     * when first pulled, and a failure before the first event must be the reply's status (upstream's own
     * error answer or the client stack's exception), not an error event after a 200. Closes the stream and
     * rethrows if that fails.
     */
    public static void start(ChatStream events) {
        try {
            if (!events.hasNext()) {
                return; // ended at once: the encoder reports an incomplete stream
            }
        } catch (RuntimeException | Error e) {
            events.close();
            throw e;
        }
    }

    /**
     * {@code metadata} with the client's key's fingerprint ({@code "key-"} and the first 16 hex digits of
     * its SHA-256) as {@code api_key_id} (so that per-key budgets apply to wrapped calls) and as the cache
     * namespace (so that one key's cached answer is never served to a request made with another key).
     * Unchanged when the client sent no key.
     */
    public static Metadata clientMetadata(Metadata metadata, String clientKey) {
        if (clientKey.isEmpty()) {
            return metadata;
        }
        byte[] digest;
        try {
            digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(clientKey.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        String fingerprint = "key-" + java.util.HexFormat.of().formatHex(digest, 0, 8);
        return CacheControl.namespace(fingerprint)
                .applyTo(metadata)
                .withAttribute(BudgetLimit.DEFAULT_KEY_ATTRIBUTE, fingerprint);
    }

    /** {@code request} with {@link #clientMetadata} applied. */
    public static ChatRequest forClient(ChatRequest request, String clientKey) {
        return clientKey.isEmpty()
                ? request
                : request.toBuilder()
                        .metadata(clientMetadata(request.metadata(), clientKey))
                        .build();
    }

    /** An upstream call through the client's own stack, for a request the gate passes on unexamined. */
    @FunctionalInterface
    public interface Pass<R> {
        R send() throws IOException;
    }

    /**
     * A request the gate does not understand, handled as {@code options.otherEndpoints()} says: refused
     * ({@code refuse} gets the refusal, typically turned into the client's 403), or passed on by {@code pass}
     * inside one call through the gate's chain (audited, budgeted, never cached) and its answer returned
     * as upstream gave it. The client stack's own failure is thrown as it was.
     *
     * @param path the request's path without its query (a query may hold credentials)
     */
    public static <R> R otherEndpoint(
            LlmGate gate,
            WrapOptions options,
            String method,
            String path,
            Pass<R> pass,
            Function<LlmException, R> refuse)
            throws IOException {
        String what = method + " " + path;
        if (options.otherEndpoints() == WrapOptions.OtherEndpoints.REFUSE) {
            return refuse.apply(new PermissionDeniedException(
                    "llmgate: " + what + " is not an endpoint the gate examines, so the wrapped '"
                            + options.providerName() + "' client refuses it (WrapOptions.OtherEndpoints.REFUSE, the"
                            + " default). Send it with a client that is not wrapped, or set"
                            + " WrapOptions.builder(...).otherEndpoints(PASS_AND_AUDIT) to send it unexamined and audited",
                    ErrorDetails.of(options.providerName())));
        }
        String model =
                "unexamined-" + method + "-" + UNSAFE_IN_MODEL.matcher(path).replaceAll(".");
        ChatRequest marker = ChatRequest.builder(options.providerName() + ":" + model)
                .user(what)
                .metadata(CacheControl.bypass().applyTo(Metadata.EMPTY))
                .build();
        AtomicReference<R> answer = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            gate.wrap(marker, options.providerName(), (request, call) -> {
                try {
                    answer.set(pass.send());
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                    throw new NetworkException(
                            "the unexamined request failed (" + e.getClass().getSimpleName() + ")",
                            ErrorDetails.of(options.providerName()));
                }
                return ChatResponse.builder().text("").build();
            });
        } catch (LlmException e) {
            R passed = answer.get();
            if (passed instanceof AutoCloseable open) {
                // upstream answered, but a stage after it refused the call: release the answer's connection
                try {
                    open.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            Throwable original = failure.get();
            if (original instanceof IOException io) {
                throw io;
            }
            if (original instanceof RuntimeException re) {
                throw re;
            }
            return refuse.apply(e);
        }
        return answer.get();
    }

    private static final java.util.regex.Pattern UNSAFE_IN_MODEL = java.util.regex.Pattern.compile("[^A-Za-z0-9_-]+");

    /**
     * A gate stream encoded in a client's wire format, pulled as the client reads: {@code encode} turns
     * each event into frames until {@code done}. The client stack's own I/O failure is thrown as that
     * {@link IOException}; any other failure after the stream began becomes {@code error}'s frames.
     */
    public static final class EncodingStream extends InputStream {
        private final ChatStream events;
        private final Function<StreamEvent, byte[]> encode;
        private final Function<LlmException, byte[]> error;
        private final java.util.function.BooleanSupplier done;
        private final WrappedExchange exchange;
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        public EncodingStream(
                ChatStream events,
                Function<StreamEvent, byte[]> encode,
                Function<LlmException, byte[]> error,
                java.util.function.BooleanSupplier done,
                WrappedExchange exchange) {
            this.events = events;
            this.encode = encode;
            this.error = error;
            this.done = done;
            this.exchange = exchange;
        }

        private boolean fill() throws IOException {
            while (position >= current.length) {
                if (ended || done.getAsBoolean()) {
                    return false;
                }
                try {
                    if (!events.hasNext()) {
                        ended = true;
                        return false;
                    }
                    current = encode.apply(events.next());
                } catch (LlmException e) {
                    ended = true;
                    current = new byte[0];
                    position = 0;
                    Optional<Throwable> original = exchange.originalOf(e);
                    if (original.isPresent() && original.get() instanceof IOException io) {
                        throw io;
                    }
                    current = error.apply(e);
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
}
