package dev.llmgate.langchain4j;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.llmgate.api.Metadata;
import dev.llmgate.core.LlmGate;
import dev.llmgate.langchain4j.internal.Lc4jErrors;
import dev.llmgate.langchain4j.internal.Lc4jMapping;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A LangChain4j {@link ChatModel} backed by a gate: every call runs the gate's whole chain (policy, cache, budgets,
 * routing with fallback, audit), so {@code AiServices}, tools, chat memory and structured output work unchanged on
 * top of it. The model name LangChain4j sends is the gate's model: a route, an alias or {@code provider:model}
 * ({@link Builder#model}, overridable per request).
 *
 * <p>Mapping: system, user (text and images), AI (text and tool calls) and tool-result messages; temperature, top-p,
 * max output tokens, stop sequences, tools, tool choice and the response format (JSON, JSON schema) both ways; top-k,
 * frequency and presence penalties as provider options. Refused with LangChain4j's
 * {@code UnsupportedFeatureException}: audio, video and PDF content and custom messages. Not carried: an AI message's
 * thinking, a tool result's {@code isError} flag. Failures become LangChain4j's exceptions
 * ({@code RateLimitException} for rate limits and budget refusals, {@code InvalidRequestException} for a policy block,
 * {@code TimeoutException}, {@code AuthenticationException}, {@code ContentFilteredException},
 * {@code InternalServerException}) with the gate's exception as the cause. Thread-safe.
 */
public final class GateChatModel implements ChatModel {
    private final LlmGate gate;
    private final String model;
    private final Supplier<Metadata> metadata;

    private GateChatModel(Builder b) {
        this.gate = b.gate;
        this.model = b.model;
        this.metadata = b.metadata;
    }

    /** A builder for a model on {@code gate}. */
    public static Builder builder(LlmGate gate) {
        return new Builder(gate);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        dev.llmgate.api.ChatRequest gateRequest = Lc4jMapping.toGate(request, model, metadata.get());
        try {
            return Lc4jMapping.toLc4j(gate.chat(gateRequest));
        } catch (RuntimeException e) {
            throw Lc4jErrors.toLc4j(e);
        }
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return ChatRequestParameters.builder().modelName(model).build();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    @Override
    public String toString() {
        return "GateChatModel[" + model + "]";
    }

    /** Builds a {@link GateChatModel}. */
    public static final class Builder {
        private final LlmGate gate;
        private String model;
        private Supplier<Metadata> metadata = () -> Metadata.EMPTY;

        private Builder(LlmGate gate) {
            this.gate = Objects.requireNonNull(gate, "gate");
        }

        /** The gate's model for requests that name none: a route, an alias or {@code provider:model}. Required. */
        public Builder model(String value) {
            this.model = Objects.requireNonNull(value, "model");
            return this;
        }

        /** The metadata (tenant, end user, tags) of every call, e.g. {@code () -> Metadata.of(...)} per request scope. */
        public Builder metadata(Supplier<Metadata> value) {
            this.metadata = Objects.requireNonNull(value, "metadata");
            return this;
        }

        /** @throws dev.llmgate.api.exception.ConfigurationException without a model */
        public GateChatModel build() {
            if (model == null || model.isBlank()) {
                throw new dev.llmgate.api.exception.ConfigurationException(
                        "GateChatModel needs the gate's model: builder(gate).model(\"assistant\") names a route, an alias"
                                + " or provider:model");
            }
            return new GateChatModel(this);
        }
    }
}
