package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.Shapes;
import dev.llmgate.providers.internal.WrappedExchange;
import dev.llmgate.providers.internal.WrappedUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import okhttp3.Headers;

/**
 * Routes one blocking OpenAI Responses API exchange ({@code POST .../responses}) of an existing client
 * through a gate's chain, as {@link OpenAiBridge} does for Chat Completions: policy on the input and the
 * output, cache, budgets, routing, audit. Upstream gets the client's own bytes when no stage changed the
 * request, otherwise the client's body with the chain's changes written in place
 * ({@link ResponsesServerSide.Intercepted#rewritten}); the client gets upstream's answer, with the chain's
 * changes written in place when it made any. Streamed Responses calls are refused (400) for now.
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
                        root = Json.MAPPER.readTree(text);
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
                throw new IllegalStateException("streamed Responses calls are refused before the chain");
            }
        };
        try {
            ChatResponse response = gate.wrap(request, providerName, forward);
            Optional<WrappedExchange.Answer> upstreamAnswer = exchange.answerFor(response);
            Headers.Builder headers = new Headers.Builder();
            byte[] body;
            if (upstreamAnswer.isPresent()) {
                WrappedExchange.Answer a = upstreamAnswer.get();
                headers.addAll(WrappedExchange.passedOn(a.raw().headers(), errors.secrets()));
                body = a.unchangedIn(response) ? a.raw().body() : ResponsesServerSide.patchResponse(a.root(), response);
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
