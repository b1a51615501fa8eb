package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.ProviderException;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Headers;

/**
 * Routes one blocking OpenAI Responses API exchange ({@code POST .../responses}) of an existing client
 * through a gate's chain, as {@link OpenAiBridge} does for Chat Completions: policy on the input and the
 * output, cache, budgets, routing, audit. Upstream gets the client's own bytes when no stage changed the
 * request, otherwise the client's body with the chain's changes written in place
 * ({@link ResponsesServerSide.Intercepted#rewritten}); the client gets upstream's answer, with the chain's
 * changes written in place when it made any. A streamed call comes back as {@code response.*} events
 * written from the chain's events ({@link ResponsesSseEncoder}).
 */
public final class ResponsesBridge {
    private ResponsesBridge() {}

    /** Handles one exchange; the arguments are those of {@link OpenAiBridge#handle}. */
    public static WrappedUpstream.Reply handle(
            LlmGate gate,
            WrapOptions wrapOptions,
            byte[] requestBody,
            String clientKey,
            int clientRetryCount,
            WrappedUpstream.Upstream upstream) {
        String providerName = wrapOptions.providerName();
        ProviderErrors errors = new ProviderErrors(providerName, clientKey);
        ResponsesServerSide.Intercepted intercepted;
        try {
            intercepted = ResponsesServerSide.read(requestBody, providerName + ":");
        } catch (InvalidRequestException e) {
            return OpenAiBridge.error(e, true);
        }
        Optional<String> route = wrapOptions.routeFor(intercepted.model());
        WrappedUpstream.warnOnClientRetry(route, clientRetryCount, "openai-java: maxRetries(0)");
        boolean routed = route.isPresent();
        ChatRequest asRead = WrappedUpstream.forClient(intercepted.request(), clientKey);
        ChatRequest request = routed ? asRead.toBuilder().model(route.get()).build() : asRead;
        ChatRequest asSent = asRead.withModel(intercepted.model());
        WrappedExchange exchange = new WrappedExchange();
        AtomicReference<ResponsesStreamDecoder> delivering = new AtomicReference<>();
        ModelProvider forward = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest attempt, CallContext call) {
                byte[] body = attempt.equals(asSent) ? requestBody : intercepted.rewritten(attempt);
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
                        root = null;
                    }
                    if (root == null || !root.isObject()) {
                        throw new ProviderException(
                                "the upstream answer is not a JSON object", ErrorDetails.of(providerName), true);
                    }
                    if (root.hasNonNull("error") && !root.path("output").isArray()) {
                        throw errors.inBody(root, r.headers(), call);
                    }
                    JsonNode answer = root;
                    ChatResponse parsed =
                            Shapes.parse(errors, () -> ResponsesServerSide.parseResponse(answer, providerName));
                    exchange.answered(new WrappedExchange.Answer(
                            parsed,
                            root,
                            new WrappedExchange.Raw(r.status(), r.headers(), text.getBytes(StandardCharsets.UTF_8))));
                    return parsed;
                }
            }

            @Override
            public ChatStream stream(ChatRequest attempt, CallContext call) {
                byte[] body = attempt.equals(asSent) ? requestBody : intercepted.rewritten(attempt);
                WrappedUpstream.UpstreamResponse r = WrappedUpstream.send(upstream, body, errors, exchange);
                if (r.status() < 200 || r.status() > 299) {
                    try (r) {
                        throw WrappedUpstream.upstreamError(r, errors, exchange, call);
                    }
                }
                ResponsesStreamDecoder decoder = new ResponsesStreamDecoder(errors, r.headers(), call);
                StreamDecoder marking = new StreamDecoder() {
                    @Override
                    public void decode(String event, String data, java.util.function.Consumer<StreamEvent> out) {
                        delivering.set(decoder);
                        decoder.decode(event, data, out);
                    }
                };
                return new HttpChatStream(
                        errors,
                        new WrappedUpstream.ClientStream(r, errors, exchange),
                        new SseReader(r.body(), providerName, ResponseLimits.DEFAULTS),
                        exchange.observing(marking, r.headers(), ""));
            }
        };
        try {
            if (intercepted.stream()) {
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
                ResponsesSseEncoder encoder = new ResponsesSseEncoder(
                        intercepted.model(),
                        () -> exchange.streaming().map(WrappedExchange.StreamStart::firstFrame),
                        () -> Optional.ofNullable(delivering.get()).flatMap(ResponsesStreamDecoder::completed));
                return new WrappedUpstream.Reply(
                        200,
                        headers.build(),
                        new WrappedUpstream.EncodingStream(
                                events,
                                encoder::encode,
                                e -> encoder.error(e, errors.secrets().scrub(e.getMessage())),
                                encoder::done,
                                exchange),
                        Optional.empty());
            }
            ChatResponse response = gate.wrap(request, providerName, forward);
            Optional<WrappedExchange.Answer> upstreamAnswer = exchange.answerFor(response);
            Headers.Builder headers = new Headers.Builder();
            byte[] body;
            if (upstreamAnswer.isPresent()) {
                WrappedExchange.Answer a = upstreamAnswer.get();
                headers.addAll(WrappedExchange.passedOn(a.raw().headers(), errors.secrets()));
                byte[] patched = ResponsesServerSide.patchResponse(a.root(), response);
                body = a.unchangedIn(response)
                                && ResponsesServerSide.onlyModelled(a.root())
                                && Json.sameAs(a.root(), patched)
                        ? a.raw().body()
                        : patched;
            } else {
                body = ResponsesServerSide.writeResponse(response, Instant.now());
            }
            headers.set("Content-Type", "application/json");
            if (routed) {
                headers.set(WrappedUpstream.SHOULD_RETRY, "false");
            }
            return new WrappedUpstream.Reply(200, headers.build(), body);
        } catch (LlmException e) {
            return WrappedUpstream.failed(
                    e, exchange, routed, errors, gateError -> OpenAiBridge.error(gateError, routed));
        }
    }
}
