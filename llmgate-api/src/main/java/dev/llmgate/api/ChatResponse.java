package dev.llmgate.api;

import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.internal.ResponseStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A complete answer, the same type whether it came from a blocking call or was collected from a
 * stream. Build one with {@link #builder()} (a {@link dev.llmgate.api.spi.ModelProvider} does), change
 * one with {@link #toBuilder()}.
 *
 * <p>Guarantees: immutable; no accessor returns {@code null}; two responses are {@link #equals equal}
 * when every value is; {@link #toString()} shows the answer's shape (id, provider, model, finish
 * reason, text length, tool names, usage, cost), never its text, tool arguments or refusal.
 *
 * <p>This is a final class rather than a record so that values can be added in later versions
 * without breaking callers: build responses with the builder (docs/api-stability.md).
 */
public final class ChatResponse implements ChatResult {
    private final String id;
    private final String provider;
    private final String model;
    private final String text;
    private final List<ToolCall> toolCalls;
    private final FinishReason finishReason;
    private final Optional<String> refusal;
    private final Usage usage;
    private final Timings timings;
    private final Optional<BigDecimal> costUsd;
    private final AnswerFacts facts;
    private final List<TokenLogprob> logprobs;

    private ChatResponse(Builder b) {
        this.id = b.id;
        this.provider = b.provider;
        this.model = b.model;
        this.text = b.text;
        this.toolCalls = List.copyOf(b.toolCalls);
        this.finishReason = b.finishReason;
        this.refusal = b.refusal;
        this.usage = b.usage;
        this.timings = b.timings;
        this.costUsd = b.costUsd;
        this.facts = b.facts;
        this.logprobs = List.copyOf(b.logprobs);
    }

    /** The provider's response id (or one the gate made up when the provider gave none); may be {@code ""}. */
    public String id() {
        return id;
    }

    /** The configured name of the provider that actually answered. */
    public String provider() {
        return provider;
    }

    /** The model that actually answered, as the provider named it. */
    public String model() {
        return model;
    }

    /** The assistant's text; {@code ""} when it only called tools. */
    public String text() {
        return text;
    }

    /** The tool calls the model asked for, in order; empty if none. */
    public List<ToolCall> toolCalls() {
        return toolCalls;
    }

    /** Why the model stopped. */
    public FinishReason finishReason() {
        return finishReason;
    }

    /** The model's refusal message, where the provider reports refusals separately. */
    public Optional<String> refusal() {
        return refusal;
    }

    /** Token counts, as the provider reported them ({@link Usage#ZERO} if it reported none). */
    public Usage usage() {
        return usage;
    }

    /** How long it took ({@link Timings#NONE} until the gate's provider stage measured it). */
    public Timings timings() {
        return timings;
    }

    /**
     * What the call cost in US dollars, from the model catalog, over all attempts (zero for a cache hit); empty when
     * no stage priced it (no routing or cache stage, or a model without prices). Priced from llmgate's estimate of
     * the usage where the provider reported none ({@link dev.llmgate.api.spi.CallFacts#ESTIMATED_USAGE}).
     */
    public Optional<BigDecimal> costUsd() {
        return costUsd;
    }

    /**
     * How the answer came about: the call id, the deployment that answered, the number of attempts, whether the
     * cache answered. Stamped by the gate at its edge; {@link AnswerFacts#NONE} on a response the gate did not
     * return (one a provider or an interceptor built).
     */
    public AnswerFacts facts() {
        return facts;
    }

    /**
     * The log-probability of each token of the text, in order, where the provider returned them (OpenAI's
     * {@code "logprobs": true} and servers that speak it; Gemini's {@code responseLogprobs}; ask for them with
     * {@code providerOptions}, see docs/providers.md and docs/routing-and-fallback.md); empty otherwise, and empty when the gate's output policy
     * changed the text (the tokens would show what it masked).
     */
    public List<TokenLogprob> logprobs() {
        return logprobs;
    }

    /** How sure the model was of this answer, from {@link #logprobs()}; empty without them. */
    public Optional<Confidence> confidence() {
        return Confidence.of(logprobs);
    }

    /** Equal when every value is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof ChatResponse r
                        && id.equals(r.id)
                        && provider.equals(r.provider)
                        && model.equals(r.model)
                        && text.equals(r.text)
                        && toolCalls.equals(r.toolCalls)
                        && finishReason == r.finishReason
                        && refusal.equals(r.refusal)
                        && usage.equals(r.usage)
                        && timings.equals(r.timings)
                        && costUsd.equals(r.costUsd)
                        && facts.equals(r.facts)
                        && logprobs.equals(r.logprobs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                id, provider, model, text, toolCalls, finishReason, refusal, usage, timings, costUsd, facts, logprobs);
    }

    /** Shows the answer's shape, never its text. */
    @Override
    public String toString() {
        return "ChatResponse[" + id + ", " + provider + ":" + model + ", " + finishReason + ", " + text.length()
                + " chars"
                + (toolCalls.isEmpty()
                        ? ""
                        : ", toolCalls="
                                + toolCalls.stream().map(ToolCall::name).toList())
                + (refusal.isPresent() ? ", refused" : "") + ", " + usage
                + costUsd.map(c -> ", $" + c.toPlainString()).orElse("") + "]";
    }

    /** A builder; {@code id}, {@code provider} and {@code model} default to {@code ""}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this response. */
    public Builder toBuilder() {
        return new Builder()
                .id(id)
                .provider(provider)
                .model(model)
                .text(text)
                .toolCalls(toolCalls)
                .finishReason(finishReason)
                .refusal(refusal)
                .usage(usage)
                .timings(timings)
                .costUsd(costUsd)
                .facts(facts)
                .logprobs(logprobs);
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

    /**
     * Builds a {@link ChatResponse}. Defaults: {@code id}, {@code provider}, {@code model} and {@code text}
     * {@code ""}, no tool calls, {@link FinishReason#STOP}, no refusal, {@link Usage#ZERO}, {@link Timings#NONE},
     * no cost, {@link AnswerFacts#NONE}, no log-probabilities. A setter rejects {@code null} at once, naming what to pass instead. Not thread-safe.
     */
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
        private Optional<BigDecimal> costUsd = Optional.empty();
        private AnswerFacts facts = AnswerFacts.NONE;
        private List<TokenLogprob> logprobs = List.of();

        private Builder() {}

        /** The provider's response id; {@code ""} if it gave none. */
        public Builder id(String value) {
            this.id = Objects.requireNonNull(value, "id: use \"\" if the provider gave none");
            return this;
        }

        /** The configured name of the provider that answered. */
        public Builder provider(String value) {
            this.provider = Objects.requireNonNull(value, "provider: use \"\" if unknown");
            return this;
        }

        /** The model that answered, as the provider named it. */
        public Builder model(String value) {
            this.model = Objects.requireNonNull(value, "model: use \"\" if unknown");
            return this;
        }

        /** The assistant's text; {@code ""} when it only called tools. */
        public Builder text(String value) {
            this.text = Objects.requireNonNull(value, "text: use \"\"");
            return this;
        }

        /** The tool calls, in order. */
        public Builder toolCalls(List<ToolCall> value) {
            Objects.requireNonNull(value, "toolCalls: use List.of()");
            for (ToolCall c : value) {
                Objects.requireNonNull(c, "toolCalls must not contain null");
            }
            this.toolCalls = value;
            return this;
        }

        /** Why the model stopped. */
        public Builder finishReason(FinishReason value) {
            this.finishReason = Objects.requireNonNull(value, "finishReason: e.g. FinishReason.STOP");
            return this;
        }

        /** The model's refusal message, where the provider reports refusals separately. */
        public Builder refusal(Optional<String> value) {
            this.refusal = Objects.requireNonNull(value, "refusal: use Optional.empty()");
            return this;
        }

        /** Token counts as the provider reported them. */
        public Builder usage(Usage value) {
            this.usage = Objects.requireNonNull(value, "usage: use Usage.ZERO");
            return this;
        }

        /** How long it took. */
        public Builder timings(Timings value) {
            this.timings = Objects.requireNonNull(value, "timings: use Timings.NONE");
            return this;
        }

        /** What the call cost in US dollars. */
        public Builder costUsd(Optional<BigDecimal> value) {
            this.costUsd = Objects.requireNonNull(value, "costUsd: use Optional.empty()");
            return this;
        }

        /** How the answer came about; the gate stamps it at its edge. */
        public Builder facts(AnswerFacts value) {
            this.facts = Objects.requireNonNull(value, "facts: use AnswerFacts.NONE");
            return this;
        }

        /** The tokens' log-probabilities, in order; {@code List.of()} for none. */
        public Builder logprobs(List<TokenLogprob> value) {
            Objects.requireNonNull(value, "logprobs: use List.of()");
            for (TokenLogprob t : value) {
                Objects.requireNonNull(t, "logprobs must not contain null");
            }
            this.logprobs = value;
            return this;
        }

        /** The response (the list of tool calls copied). */
        public ChatResponse build() {
            return new ChatResponse(this);
        }
    }
}
