package dev.llmgate.api;

import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.internal.ResponseStream;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A complete answer, the same type whether it came from a blocking call or was collected from a
 * stream. Immutable.
 *
 * @param id           the provider's response id (or one the gate made up when the provider gave none)
 * @param provider     the configured name of the provider that actually answered
 * @param model        the model that actually answered, as the provider named it
 * @param text         the assistant's text; {@code ""} when it only called tools
 * @param toolCalls    the tool calls the model asked for, in order
 * @param finishReason why the model stopped
 * @param refusal      the model's refusal message, where the provider reports refusals separately
 * @param usage        token counts, as the provider reported them ({@link Usage#ZERO} if it reported none)
 * @param timings      how long it took
 * @param costUsd      what the call cost in US dollars, from the model catalog, over all attempts (zero for a cache
 *                     hit); empty when no stage priced it (no routing or cache stage, or a model without prices).
 *                     Priced from llmgate's estimate of the usage where the provider reported none
 *                     ({@link dev.llmgate.api.spi.CallFacts#ESTIMATED_USAGE})
 */
public record ChatResponse(String id, String provider, String model, String text, List<ToolCall> toolCalls,
                           FinishReason finishReason, Optional<String> refusal, Usage usage, Timings timings,
                           Optional<java.math.BigDecimal> costUsd)
        implements ChatResult {

    public ChatResponse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text: use \"\"");
        toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls: use List.of()"));
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(refusal, "refusal: use Optional.empty()");
        Objects.requireNonNull(usage, "usage: use Usage.ZERO");
        Objects.requireNonNull(timings, "timings: use Timings.NONE");
        Objects.requireNonNull(costUsd, "costUsd: use Optional.empty()");
    }

    /** A response without a cost. */
    public ChatResponse(String id, String provider, String model, String text, List<ToolCall> toolCalls,
                        FinishReason finishReason, Optional<String> refusal, Usage usage, Timings timings) {
        this(id, provider, model, text, toolCalls, finishReason, refusal, usage, timings, Optional.empty());
    }

    /** Shows the answer's shape, never its text. */
    @Override
    public String toString() {
        return "ChatResponse[" + id + ", " + provider + ":" + model + ", " + finishReason + ", " + text.length() + " chars"
                + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls.stream().map(ToolCall::name).toList())
                + (refusal.isPresent() ? ", refused" : "") + ", " + usage + costUsd.map(c -> ", $" + c.toPlainString()).orElse("") + "]";
    }

    /** A builder; {@code id}, {@code provider} and {@code model} default to {@code ""}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this response. */
    public Builder toBuilder() {
        return new Builder().id(id).provider(provider).model(model).text(text).toolCalls(toolCalls)
                .finishReason(finishReason).refusal(refusal).usage(usage).timings(timings).costUsd(costUsd);
    }

    /** This response as the assistant message that continues the conversation. */
    public Message message() {
        return Message.assistant(text, toolCalls);
    }

    /** True if the model asked for tool calls. */
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    /** This response with the text replaced (what a redacting interceptor does). */
    public ChatResponse withText(String newText) {
        return toBuilder().text(newText).build();
    }

    @Override
    public ChatResponse toResponse() {
        return this;
    }

    @Override
    public ChatStream toStream() {
        return new ResponseStream(this);
    }

    @Override
    public ChatResult transform(StreamTransformer transformer) {
        try (ChatStream transformed = toStream().transform(transformer)) {
            return transformed.collect();
        }
    }

    @Override
    public ChatResult whenComplete(Consumer<ChatResponse> onSuccess, Consumer<LlmException> onError) {
        onSuccess.accept(this);
        return this;
    }

    /** Builds a {@link ChatResponse}. */
    public static final class Builder {
        private String id = "";
        private String provider = "";
        private String model = "";
        private String text = "";
        private List<ToolCall> toolCalls = List.of();
        private FinishReason finishReason = FinishReason.STOP;
        private Optional<String> refusal = Optional.empty();
        private Usage usage = Usage.ZERO;
        private Timings timings = Timings.NONE;
        private Optional<java.math.BigDecimal> costUsd = Optional.empty();

        private Builder() {
        }

        public Builder id(String value) {
            this.id = value;
            return this;
        }

        public Builder provider(String value) {
            this.provider = value;
            return this;
        }

        public Builder model(String value) {
            this.model = value;
            return this;
        }

        public Builder text(String value) {
            this.text = value;
            return this;
        }

        public Builder toolCalls(List<ToolCall> value) {
            this.toolCalls = value;
            return this;
        }

        public Builder finishReason(FinishReason value) {
            this.finishReason = value;
            return this;
        }

        public Builder refusal(Optional<String> value) {
            this.refusal = value;
            return this;
        }

        public Builder usage(Usage value) {
            this.usage = value;
            return this;
        }

        public Builder timings(Timings value) {
            this.timings = value;
            return this;
        }

        public Builder costUsd(Optional<java.math.BigDecimal> value) {
            this.costUsd = value;
            return this;
        }

        public ChatResponse build() {
            return new ChatResponse(id, provider, model, text, toolCalls, finishReason, refusal, usage, timings, costUsd);
        }
    }
}
