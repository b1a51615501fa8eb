package dev.llmgate.providers.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.anthropic.AnthropicProvider;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import okhttp3.Headers;

/**
 * Routes one Messages exchange of an existing Anthropic-format client (the anthropic-java SDK) through a
 * gate, with the same rules as {@code OpenAiBridge}: the client's body becomes a {@link ChatRequest}
 * (addressed to {@code "<provider>:<model>"} or to the route {@link WrapOptions} map the model to), the
 * chain's last stage forwards each attempt through the client's own HTTP stack, and the client gets
 * upstream's own answer, error answer or I/O failure back wherever the gate did not change or refuse it.
 */
public final class AnthropicBridge {
    private AnthropicBridge() {}

    /**
     * Handles one exchange.
     *
     * @param clientKey        the client's own key (its {@code x-api-key} or bearer token), scrubbed from messages
     * @param clientRetryCount how often the client itself has retried this request ({@code X-Stainless-Retry-Count})
     */
    public static WrappedUpstream.Reply handle(
            LlmGate gate,
            WrapOptions wrapOptions,
            byte[] requestBody,
            String clientKey,
            int clientRetryCount,
            WrappedUpstream.Upstream upstream) {
        String providerName = wrapOptions.providerName();
        ProviderErrors errors = new ProviderErrors(providerName, clientKey);
        AnthropicServerSide.Intercepted intercepted;
        try {
            intercepted = AnthropicServerSide.read(requestBody, providerName + ":");
        } catch (InvalidRequestException e) {
            return error(e, true, errors);
        }
        Optional<String> route = wrapOptions.routeFor(intercepted.model());
        WrappedUpstream.warnOnClientRetry(route, clientRetryCount, "anthropic-java: maxRetries(0)");
        boolean routed = route.isPresent();
        ChatRequest request = routed
                ? WrappedUpstream.forClient(intercepted.request(), clientKey).toBuilder()
                        .model(route.get())
                        .build()
                : WrappedUpstream.forClient(intercepted.request(), clientKey);
        AnthropicWire.Options options = new AnthropicWire.Options(AnthropicProvider.DEFAULT_MAX_TOKENS, false);
        WrappedExchange exchange = new WrappedExchange();
        AtomicReference<AnthropicStreamDecoder> delivering = new AtomicReference<>();
        ModelProvider forward = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest attempt, CallContext call) {
                Optional<String> answerTool = AnthropicWire.answerTool(attempt, options);
                try (WrappedUpstream.UpstreamResponse r = WrappedUpstream.send(
                        upstream, AnthropicWire.requestBody(attempt, false, options, providerName), errors, exchange)) {
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
                    if (Json.text(root, "type").equals("error")) {
                        throw errors.inBody(root, r.headers(), call);
                    }
                    JsonNode message = root;
                    ChatResponse parsed =
                            Shapes.parse(errors, () -> AnthropicWire.parseResponse(message, providerName, answerTool));
                    exchange.answered(new WrappedExchange.Answer(
                            parsed,
                            root,
                            new WrappedExchange.Raw(r.status(), r.headers(), text.getBytes(StandardCharsets.UTF_8))));
                    return parsed;
                }
            }

            @Override
            public ChatStream stream(ChatRequest attempt, CallContext call) {
                Optional<String> answerTool = AnthropicWire.answerTool(attempt, options);
                WrappedUpstream.UpstreamResponse r = WrappedUpstream.send(
                        upstream, AnthropicWire.requestBody(attempt, true, options, providerName), errors, exchange);
                if (r.status() < 200 || r.status() > 299) {
                    try (r) {
                        throw WrappedUpstream.upstreamError(r, errors, exchange, call);
                    }
                }
                AnthropicStreamDecoder decoder = new AnthropicStreamDecoder(errors, r.headers(), call, answerTool);
                StreamDecoder marking = new StreamDecoder() {
                    @Override
                    public void decode(String event, String data, Consumer<StreamEvent> out) {
                        delivering.set(decoder);
                        decoder.decode(event, data, out);
                    }

                    @Override
                    public boolean finishAtEnd(Consumer<StreamEvent> out) {
                        return decoder.finishAtEnd(out);
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
            if (!intercepted.stream()) {
                ChatResponse response = gate.wrap(request, providerName, forward);
                Optional<WrappedExchange.Answer> upstreamAnswer = exchange.answerFor(response);
                Headers.Builder headers = new Headers.Builder();
                byte[] body;
                if (upstreamAnswer.isPresent()) {
                    WrappedExchange.Answer a = upstreamAnswer.get();
                    headers.addAll(WrappedExchange.passedOn(a.raw().headers(), errors.secrets()));
                    byte[] written = AnthropicServerSide.writeMessage(response, Optional.of(modelledOnly(a.root())));
                    // upstream's own bytes only where they hold nothing the policy did not read
                    body = a.unchangedIn(response) && onlyModelled(a.root()) && Json.sameAs(a.root(), written)
                            ? a.raw().body()
                            : written;
                } else {
                    body = AnthropicServerSide.writeMessage(response, Optional.empty());
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
            AnthropicSseEncoder encoder = new AnthropicSseEncoder(
                    intercepted.model(),
                    () -> Optional.ofNullable(delivering.get()).flatMap(AnthropicStreamDecoder::messageStart),
                    () -> Optional.ofNullable(delivering.get()).flatMap(AnthropicStreamDecoder::stop));
            return new WrappedUpstream.Reply(
                    200,
                    headers.build(),
                    new WrappedUpstream.EncodingStream(
                            events, encoder::encode, e -> encoder.error(e, errors.secrets()), encoder::done, exchange),
                    Optional.empty());
        } catch (LlmException e) {
            return WrappedUpstream.failed(e, exchange, routed, errors, gateError -> error(gateError, routed, errors));
        }
    }

    private static final Set<String> TEXT_BLOCK = Set.of("type", "text", "citations");
    private static final Set<String> TOOL_USE_BLOCK = Set.of("type", "id", "name", "input");

    /**
     * Whether upstream's message holds only content the gate read: text blocks (no citations) and tool_use
     * blocks. Only such a message may reach the client as upstream's own bytes.
     */
    static boolean onlyModelled(JsonNode message) {
        for (JsonNode block : message.path("content")) {
            String type = Json.text(block, "type");
            JsonNode citations = block.path("citations");
            boolean plainText = type.equals("text")
                    && known(block, TEXT_BLOCK)
                    && (citations.isMissingNode() || citations.isNull() || citations.isEmpty());
            if (!plainText && !(type.equals("tool_use") && known(block, TOOL_USE_BLOCK))) {
                return false;
            }
        }
        return true;
    }

    /** Upstream's message with only the content the gate read: text blocks without citations, tool_use blocks. */
    static JsonNode modelledOnly(JsonNode message) {
        if (onlyModelled(message) || !message.isObject()) {
            return message;
        }
        ObjectNode copy = ((ObjectNode) message).deepCopy();
        ArrayNode kept = copy.putArray("content");
        for (JsonNode block : message.path("content")) {
            String type = Json.text(block, "type");
            if (type.equals("text")) {
                kept.addObject().put("type", "text").put("text", Json.text(block, "text"));
            } else if (type.equals("tool_use")) {
                ObjectNode call = kept.addObject();
                call.put("type", "tool_use");
                call.set("id", block.get("id"));
                call.set("name", block.get("name"));
                call.set("input", block.get("input"));
            }
        }
        return copy;
    }

    private static boolean known(JsonNode node, Set<String> members) {
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getValue().isNull() && !members.contains(f.getKey())) {
                return false;
            }
        }
        return true;
    }

    /** The gate's refusal of a request (e.g. an endpoint it does not examine), Anthropic-shaped, not retried. */
    public static WrappedUpstream.Reply refusal(LlmException e) {
        return error(e, true, new ProviderErrors(e.details().provider().orElse("anthropic"), ""));
    }

    /**
     * Anthropic's error answer for an error the gate made. Refusals of the gate (policy, budget, a
     * request it cannot read) and every answer of a routed call carry {@code x-should-retry: false}.
     */
    public static WrappedUpstream.Reply error(LlmException e, boolean routed, ProviderErrors errors) {
        AnthropicServerSide.ErrorReply reply = AnthropicServerSide.error(e, errors.secrets(), Instant.now());
        Headers headers = reply.headers();
        boolean refusal = e instanceof PolicyBlockedException
                || e instanceof BudgetExceededException
                || e instanceof InvalidRequestException;
        if (routed || refusal) {
            headers = headers.newBuilder()
                    .set(WrappedUpstream.SHOULD_RETRY, "false")
                    .build();
        }
        return new WrappedUpstream.Reply(reply.status(), headers, reply.body());
    }
}
