package dev.llmgate.springai;

import dev.llmgate.api.Metadata;
import dev.llmgate.core.LlmGate;
import dev.llmgate.springai.internal.SpringAiMapping;
import dev.llmgate.springai.internal.SpringAiStreams;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import reactor.core.publisher.Flux;

/**
 * A Spring AI {@link ChatModel} (blocking and streamed) backed by a gate: every call runs the gate's chain (policy,
 * cache, budgets, routing with fallback, audit). The prompt's model option, when set, is the gate's model (a route,
 * an alias or {@code provider:model}); otherwise {@link Builder#model}. Tool callbacks in the options are offered to
 * the model as tools; the answer's tool calls come back in the {@code AssistantMessage}, for Spring AI's
 * {@code ToolCallingAdvisor} (or your code) to execute. A stream emits one chunk per text delta that passed the output
 * policy, then a last chunk with the tool calls, finish reason ({@code STOP}, {@code LENGTH}, {@code TOOL_CALLS},
 * {@code CONTENT_FILTER}), usage, id and model; cancelling the subscription closes the stream upstream. The gate's
 * failures ({@code dev.llmgate.api.exception.LlmException}: a policy block, a budget refusal, a rate limit) are
 * thrown or signalled as they are. Thread-safe.
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

    private String modelOf(Prompt prompt) {
        ChatOptions o = prompt.getOptions();
        return o != null && o.getModel() != null && !o.getModel().isBlank() ? o.getModel() : model;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        return SpringAiMapping.toSpring(gate.chat(SpringAiMapping.toGate(prompt, modelOf(prompt), metadata.get())));
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return Flux.defer(() -> {
            dev.llmgate.api.ChatRequest request = SpringAiMapping.toGate(prompt, modelOf(prompt), metadata.get());
            return SpringAiStreams.toFlux(() -> gate.stream(request));
        });
    }

    @Override
    public ChatOptions getOptions() {
        // tool-calling options, so that a ChatClient's tools reach the prompt (and the gate) as tool callbacks
        return ToolCallingChatOptions.builder().model(model).build();
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

        /** The gate's model when a prompt names none: a route, an alias or {@code provider:model}. Required. */
        public Builder model(String value) {
            this.model = Objects.requireNonNull(value, "model");
            return this;
        }

        /** The metadata (tenant, end user, tags) of every call, e.g. from the current request scope. */
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
