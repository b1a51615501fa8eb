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
import dev.llmgate.providers.internal.Bodies;
import dev.llmgate.providers.internal.HttpChatStream;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.Shapes;
import dev.llmgate.providers.internal.SseReader;
import dev.llmgate.providers.internal.StreamSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
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

        ClientStream(UpstreamResponse response, ProviderErrors errors) {
            this.response = response;
            this.errors = errors;
        }

        @Override
        public int status() {
            return response.status();
        }

        @Override
        public void firstTokenArrived() {}

        @Override
        public LlmException ioFailure(IOException e) {
            return new NetworkException(
                    "reading the upstream stream failed (" + e.getClass().getSimpleName() + ")",
                    ErrorDetails.of(errors.provider()),
                    errors.secrets().cause(e));
        }

        @Override
        public void close() {
            response.close();
        }
    }

    /** The answer to give the client. {@code body} is read lazily for streams; close it when done. */
    public record Reply(int status, Headers headers, InputStream body) {}

    private OpenAiBridge() {}

    /**
     * Handles one exchange.
     *
     * @param providerName the name recorded for this traffic (e.g. "openai")
     * @param clientKey    the client's own key (from its Authorization header), scrubbed from messages
     */
    public static Reply handle(
            LlmGate gate, String providerName, byte[] requestBody, String clientKey, Upstream upstream) {
        OpenAiServerSide.Intercepted intercepted;
        try {
            intercepted = OpenAiServerSide.read(requestBody, providerName + ":");
        } catch (InvalidRequestException e) {
            return error(e);
        }
        OpenAiWire.Options options = new OpenAiWire.Options(intercepted.maxTokensField(), true, true);
        ProviderErrors errors = new ProviderErrors(providerName, clientKey);
        ModelProvider forward = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                try (UpstreamResponse r = send(upstream, OpenAiWire.requestBody(request, false, options), errors)) {
                    if (r.status() < 200 || r.status() > 299) {
                        throw errors.fromStatus(r.status(), r.headers(), read(r.body(), errors, true), call);
                    }
                    String text = read(r.body(), errors, false);
                    JsonNode root;
                    try {
                        root = Json.MAPPER.readTree(text);
                    } catch (IOException e) {
                        throw new ProviderException(
                                "the upstream answer is not valid JSON", ErrorDetails.of(providerName), true);
                    }
                    if (root == null) {
                        throw new ProviderException(
                                "the upstream answered with an empty body", ErrorDetails.of(providerName), true);
                    }
                    if (root.has("error") && !root.has("choices")) {
                        throw errors.inBody(root, r.headers(), call);
                    }
                    return Shapes.parse(errors, () -> OpenAiWire.parseResponse(root, providerName));
                }
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                UpstreamResponse r = send(upstream, OpenAiWire.requestBody(request, true, options), errors);
                if (r.status() < 200 || r.status() > 299) {
                    try (r) {
                        throw errors.fromStatus(r.status(), r.headers(), read(r.body(), errors, true), call);
                    }
                }
                return new HttpChatStream(
                        errors,
                        new ClientStream(r, errors),
                        new SseReader(r.body(), providerName, ResponseLimits.DEFAULTS),
                        new OpenAiStreamDecoder(errors, r.headers(), call));
            }
        };

        ChatRequest request = intercepted.request();
        try {
            if (!intercepted.stream()) {
                ChatResponse response = gate.wrap(request, forward);
                return new Reply(
                        200,
                        Headers.of("Content-Type", "application/json"),
                        new java.io.ByteArrayInputStream(OpenAiServerSide.writeResponse(response)));
            }
            ChatStream events = gate.wrapStream(request, forward);
            return new Reply(
                    200,
                    Headers.of("Content-Type", "text/event-stream", "Cache-Control", "no-cache"),
                    new SseEncodingStream(events, intercepted.model(), intercepted.includeUsage()));
        } catch (LlmException e) {
            return error(e);
        }
    }

    private static UpstreamResponse send(Upstream upstream, byte[] body, ProviderErrors errors) {
        String providerName = errors.provider();
        try {
            return upstream.send(body);
        } catch (IOException e) {
            throw new NetworkException(
                    "the upstream call failed (" + e.getClass().getSimpleName() + ")",
                    ErrorDetails.of(providerName),
                    errors.secrets().cause(e));
        } catch (LlmException e) {
            throw e;
        } catch (RuntimeException e) {
            // A client stack's own unchecked I/O errors (e.g. openai-java's OpenAIIoException) must reach routing
            // typed.
            String kind = e.getClass().getSimpleName();
            if (kind.contains("Timeout") || (e.getCause() instanceof java.io.InterruptedIOException)) {
                throw new RequestTimeoutException(
                        "the upstream call timed out (" + kind + ")",
                        ErrorDetails.of(providerName),
                        errors.secrets().cause(e));
            }
            throw new NetworkException(
                    "the upstream call failed (" + kind + ")",
                    ErrorDetails.of(providerName),
                    errors.secrets().cause(e));
        }
    }

    /** The upstream's answer ({@link ResponseLimits#DEFAULTS}), or for an error answer its first {@link Bodies#ERROR_BODY_BYTES}. */
    private static String read(BufferedSource body, ProviderErrors errors, boolean error) {
        try {
            return error ? Bodies.errorPrefix(body) : Bodies.whole(body, errors.provider(), ResponseLimits.DEFAULTS);
        } catch (IOException e) {
            throw new NetworkException(
                    "reading the upstream answer failed (" + e.getClass().getSimpleName() + ")",
                    ErrorDetails.of(errors.provider()),
                    errors.secrets().cause(e));
        }
    }

    /** An OpenAI-shaped error answer for a gate error, with the status OpenAI would use. */
    public static Reply error(LlmException e) {
        int status;
        String type;
        String code = e.details().errorCode().orElse("");
        Headers.Builder headers = new Headers.Builder().add("Content-Type", "application/json");
        Optional<Duration> retryAfter = Optional.empty();
        if (e instanceof PolicyBlockedException) {
            status = 403;
            type = "policy_blocked";
            code = "policy_blocked";
        } else if (e instanceof BudgetExceededException) {
            status = 429;
            type = "budget_exceeded";
            code = "budget_exceeded";
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
        retryAfter.ifPresent(d -> headers.add("retry-after-ms", Long.toString(d.toMillis())));
        return new Reply(
                status,
                headers.build(),
                new java.io.ByteArrayInputStream(OpenAiServerSide.writeError(e.getMessage(), type, code)));
    }

    /** Encodes a gate stream as OpenAI SSE chunks, pulled as the client reads. */
    static final class SseEncodingStream extends InputStream {
        private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
        private final ChatStream events;
        private final String model;
        private final boolean includeUsage;
        private final String id = "chatcmpl-llmgate-" + Long.toString(IDS.incrementAndGet(), 36);
        private StreamEvent.UsageUpdate usage;
        private byte[] current = new byte[0];
        private int position;
        private boolean done;

        /** Chunks name the model the client asked for; usage comes after the finish chunk, and only if asked for. */
        SseEncodingStream(ChatStream events, String model, boolean includeUsage) {
            this.events = events;
            this.model = model;
            this.includeUsage = includeUsage;
        }

        private boolean fill() {
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
                    current = OpenAiServerSide.writeChunk(e, id, model);
                    if (e instanceof StreamEvent.Finish) {
                        java.io.ByteArrayOutputStream tail = new java.io.ByteArrayOutputStream();
                        tail.writeBytes(current);
                        if (includeUsage && usage != null) {
                            tail.writeBytes(OpenAiServerSide.writeChunk(usage, id, model));
                        }
                        tail.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
                        current = tail.toByteArray();
                        done = true;
                    }
                } catch (LlmException e) {
                    Reply r = error(e);
                    byte[] body;
                    try {
                        body = r.body().readAllBytes();
                    } catch (IOException impossible) {
                        body = new byte[0];
                    }
                    String frame = "data: " + new String(body, StandardCharsets.UTF_8) + "\n\n";
                    current = frame.getBytes(StandardCharsets.UTF_8);
                    done = true;
                }
                position = 0;
            }
            return true;
        }

        @Override
        public int read() {
            return fill() ? current[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
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
