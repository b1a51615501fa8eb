package dev.llmgate.springai;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.springai.internal.SpringAiMapping;
import dev.llmgate.springai.internal.SpringAiStreams;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;

/**
 * A Spring AI advisor that runs a gate's chain around whatever model the {@code ChatClient} calls: the input policy
 * (the prompt goes on with the policy's changes, e.g. redactions), budgets, the cache, routing, the output policy on
 * the answer (blocking and streamed; the tool calls the model asks for are checked by the tool policy) and the audit
 * record, with the rest of the advisor chain and the model as the call at the end. A cache hit answers without
 * calling the chain. Its default order ({@link #DEFAULT_ORDER}) puts it last before the model, inside memory and
 * tool-calling advisors: every round trip to the model passes the gate, so a tool-calling loop has each tool call
 * checked and each tool result scanned as input, and memory keeps the masked answer. An advisor ordered after it
 * runs inside the gate, unscanned; change the order with {@link Builder#order} only knowing that. A policy that
 * changes a prompt's tool definitions or options (not only its messages) makes the call fail: they cannot be
 * rewritten in a Spring AI prompt.
 *
 * <p>The call is recorded as provider {@link Builder#providerName} (default {@code "spring-ai"}) and the prompt's
 * model (or {@code "default"}); with {@link Builder#route} a route of the gate applies its retries, fallback and
 * breakers. What the gate
 * cannot see (message metadata, non-image media) is refused or kept as documented for {@link GateChatModel}; the
 * chat options (tools, temperature, ...) pass down unchanged. Failures are the gate's {@code LlmException}s.
 */
public final class GateAdvisor implements CallAdvisor, StreamAdvisor {
    /** {@code Ordered.LOWEST_PRECEDENCE - 100}: after Spring AI's memory and tool-calling advisors, before the model. */
    public static final int DEFAULT_ORDER = org.springframework.core.Ordered.LOWEST_PRECEDENCE - 100;

    private final LlmGate gate;
    private final String providerName;
    private final int order;
    private final Supplier<Metadata> metadata;
    private final Optional<String> route;

    private GateAdvisor(Builder b) {
        this.gate = b.gate;
        this.providerName = b.providerName;
        this.order = b.order;
        this.metadata = b.metadata;
        this.route = b.route;
    }

    /** A builder for an advisor on {@code gate}. */
    public static Builder builder(LlmGate gate) {
        return new Builder(gate);
    }

    @Override
    public String getName() {
        return "llmgate";
    }

    @Override
    public int getOrder() {
        return order;
    }

    /** The gate's model: the route, or {@code providerName:<the prompt's model>} (a model name may hold ':'). */
    private String modelOf(Prompt prompt) {
        if (route.isPresent()) {
            return route.get();
        }
        ChatOptions o = prompt.getOptions();
        String m = o != null && o.getModel() != null && !o.getModel().isBlank() ? o.getModel() : "default";
        return providerName + ":" + m;
    }

    /**
     * The request as the rest of the chain gets it: the messages as the input policy left them, the options as they
     * were. Fails closed when the policy changed anything else (a tool definition, a stop sequence, a provider
     * option): a Spring AI prompt's tool callbacks and options cannot be rewritten, and forwarding the originals would
     * send what the policy removed.
     */
    private static ChatClientRequest withMessages(
            ChatClientRequest request, ChatRequest original, ChatRequest changed) {
        if (!changed.tools().equals(original.tools())
                || !changed.stop().equals(original.stop())
                || !changed.providerOptions().equals(original.providerOptions())
                || !changed.responseFormat().equals(original.responseFormat())) {
            throw new InvalidRequestException(
                    "the gate's policy changed this prompt's tool definitions or options (e.g. it redacted a value in a"
                            + " tool description); the advisor cannot rewrite a Spring AI prompt's tool callbacks or"
                            + " options, so the call is refused: remove the value from the tool definition or option",
                    ErrorDetails.NONE);
        }
        Prompt prompt = new Prompt(
                SpringAiMapping.messagesToSpring(changed.messages()),
                request.prompt().getOptions());
        return request.mutate().prompt(prompt).build();
    }

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        ChatRequest gateRequest = SpringAiMapping.toGate(request.prompt(), modelOf(request.prompt()), metadata.get());
        AtomicReference<ChatClientResponse> downstream = new AtomicReference<>();
        ModelProvider call = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest changed, CallContext context) {
                ChatClientResponse r;
                try {
                    r = chain.nextCall(withMessages(request, gateRequest, changed));
                } catch (RuntimeException e) {
                    throw SpringAiStreams.failure(e, providerName);
                }
                downstream.set(r);
                return SpringAiMapping.toGate(r.chatResponse(), providerName, changed.model());
            }
        };
        ChatResponse answer = gate.wrap(gateRequest, providerName, call);
        ChatClientResponse original = downstream.get();
        Map<String, Object> context = original == null ? request.context() : original.context();
        return ChatClientResponse.builder()
                .chatResponse(SpringAiMapping.toSpring(answer))
                .context(context)
                .build();
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        return Flux.defer(() -> {
            ChatRequest gateRequest =
                    SpringAiMapping.toGate(request.prompt(), modelOf(request.prompt()), metadata.get());
            ModelProvider call = new ModelProvider() {
                @Override
                public ChatResponse chat(ChatRequest changed, CallContext context) {
                    return stream(changed, context).collect();
                }

                @Override
                public ChatStream stream(ChatRequest changed, CallContext context) {
                    Flux<org.springframework.ai.chat.model.ChatResponse> chunks = chain.nextStream(
                                    withMessages(request, gateRequest, changed))
                            .map(ChatClientResponse::chatResponse);
                    return SpringAiStreams.fromFlux(chunks, providerName, changed.model());
                }
            };
            return SpringAiStreams.toFlux(() -> gate.wrapStream(gateRequest, providerName, call))
                    .map(chunk -> ChatClientResponse.builder()
                            .chatResponse(chunk)
                            .context(request.context())
                            .build());
        });
    }

    @Override
    public String toString() {
        return "GateAdvisor[" + providerName + "]";
    }

    /** Builds a {@link GateAdvisor}. */
    public static final class Builder {
        private final LlmGate gate;
        private String providerName = "spring-ai";
        private int order = DEFAULT_ORDER;
        private Supplier<Metadata> metadata = () -> Metadata.EMPTY;
        private Optional<String> route = Optional.empty();

        private Builder(LlmGate gate) {
            this.gate = Objects.requireNonNull(gate, "gate");
        }

        /** The provider name calls are recorded under (letters, digits, '.', '_', '-'); default {@code spring-ai}. */
        public Builder providerName(String value) {
            this.providerName = Objects.requireNonNull(value, "providerName");
            return this;
        }

        /** The advisor's order among the ChatClient's advisors (lower runs first). */
        public Builder order(int value) {
            this.order = value;
            return this;
        }

        /** The metadata (tenant, end user, tags) of every call. */
        public Builder metadata(Supplier<Metadata> value) {
            this.metadata = Objects.requireNonNull(value, "metadata");
            return this;
        }

        /**
         * Calls go through this route of the gate's router: its deployments that name {@link #providerName} are the
         * advised model, the others the gate's own providers (a fallback from the Spring AI model), with the route's
         * retries and breakers. Default: no route, one attempt recorded as {@code providerName:<the prompt's model>}.
         */
        public Builder route(String alias) {
            this.route = Optional.of(Objects.requireNonNull(alias, "route"));
            return this;
        }

        /** @throws dev.llmgate.api.exception.ConfigurationException if the provider name is not a valid name */
        public GateAdvisor build() {
            if (!providerName.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new dev.llmgate.api.exception.ConfigurationException("GateAdvisor providerName '" + providerName
                        + "' is not allowed: use letters, digits, '.', '_' or '-' (no ':')");
            }
            return new GateAdvisor(this);
        }
    }
}
