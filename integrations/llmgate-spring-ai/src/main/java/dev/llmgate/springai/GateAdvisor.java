package dev.llmgate.springai;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Metadata;
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
 * the answer (blocking and streamed) and the audit record, with the rest of the advisor chain and the model as the
 * call at the end. A cache hit answers without calling the chain. Runs with {@link #getOrder()} (default
 * {@code Ordered.HIGHEST_PRECEDENCE + 100}: before memory and tool-calling advisors, so that what they add is not
 * scanned twice but what the caller sent is); set it with {@link Builder#order}.
 *
 * <p>The call is recorded as provider {@link Builder#providerName} (default {@code "spring-ai"}) and the prompt's
 * model (or {@code "default"}); with {@link Builder#route} a route of the gate applies its retries, fallback and
 * breakers. What the gate
 * cannot see (message metadata, non-image media) is refused or kept as documented for {@link GateChatModel}; the
 * chat options (tools, temperature, ...) pass down unchanged. Failures are the gate's {@code LlmException}s.
 */
public final class GateAdvisor implements CallAdvisor, StreamAdvisor {
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

    private static ChatClientRequest withMessages(ChatClientRequest request, ChatRequest changed) {
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
                    r = chain.nextCall(withMessages(request, changed));
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
                    Flux<org.springframework.ai.chat.model.ChatResponse> chunks =
                            chain.nextStream(withMessages(request, changed)).map(ChatClientResponse::chatResponse);
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
        private int order = org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 100;
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
