package dev.llmgate.api;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a streamed answer. A well-formed stream is any number of {@link TextDelta},
 * {@link ToolCallDelta}, {@link LogprobsDelta} and {@link UsageUpdate} events followed by exactly one terminal event:
 * {@link Finish} on success or {@link Error} on failure. Nothing follows a terminal event.
 */
public sealed interface StreamEvent
        permits StreamEvent.TextDelta,
                StreamEvent.ToolCallDelta,
                StreamEvent.UsageUpdate,
                StreamEvent.LogprobsDelta,
                StreamEvent.Finish,
                StreamEvent.Error {

    /** True for {@link Finish} and {@link Error}. */
    default boolean isTerminal() {
        return false;
    }

    /** A piece of the answer's text. */
    record TextDelta(String text) implements StreamEvent {
        public TextDelta {
            Objects.requireNonNull(text, "text");
        }

        /** The length only, never the text. */
        @Override
        public String toString() {
            return "TextDelta[" + text.length() + " chars]";
        }
    }

    /**
     * A piece of a tool call. The deltas of one call share its {@code index}; the first of them
     * carries the call's id and name, later ones append to the JSON arguments.
     */
    record ToolCallDelta(int index, Optional<String> id, Optional<String> name, String argumentsDelta)
            implements StreamEvent {
        public ToolCallDelta {
            if (index < 0) {
                throw new IllegalArgumentException("tool call index must not be negative: " + index);
            }
            Objects.requireNonNull(id, "id: use Optional.empty()");
            Objects.requireNonNull(name, "name: use Optional.empty()");
            Objects.requireNonNull(argumentsDelta, "argumentsDelta: use \"\"");
        }

        /** Never the arguments themselves. */
        @Override
        public String toString() {
            return "ToolCallDelta[" + index + id.map(i -> ", " + i).orElse("")
                    + name.map(n -> ", " + n).orElse("") + ", " + argumentsDelta.length() + " chars]";
        }
    }

    /**
     * The log-probabilities of the tokens of the text deltas before it (in order), where the provider streams them
     * (see {@link ChatResponse#logprobs()}). The gate's output policy drops these events when it scans the answer's
     * text: the tokens are that text, before any masking.
     */
    record LogprobsDelta(java.util.List<TokenLogprob> tokens) implements StreamEvent {
        public LogprobsDelta {
            tokens = java.util.List.copyOf(tokens);
        }

        /** The number of tokens only, never their text. */
        @Override
        public String toString() {
            return "LogprobsDelta[" + tokens.size() + " tokens]";
        }
    }

    /** Token usage so far (providers send it at the start, the end, or both); the last one counts. */
    record UsageUpdate(Usage usage) implements StreamEvent {
        public UsageUpdate {
            Objects.requireNonNull(usage, "usage");
        }
    }

    /**
     * The answer is complete. Create one with {@link #of(FinishReason, String, String, String)} or
     * {@link #builder(FinishReason)}; change one with {@link #toBuilder()} or a {@code with...} method.
     *
     * <p>Guarantees: immutable; no accessor returns {@code null}; equal when every value is equal;
     * {@link #toString()} never shows the refusal's text. A final class rather than a record so that
     * values can be added in later versions without breaking callers (docs/api-stability.md).
     */
    final class Finish implements StreamEvent {
        private final FinishReason reason;
        private final String responseId;
        private final String provider;
        private final String model;
        private final Optional<String> refusal;
        private final Timings timings;
        private final Optional<BigDecimal> costUsd;
        private final AnswerFacts facts;

        private Finish(Builder b) {
            this.reason = b.reason;
            this.responseId = b.responseId;
            this.provider = b.provider;
            this.model = b.model;
            this.refusal = b.refusal;
            this.timings = b.timings;
            this.costUsd = b.costUsd;
            this.facts = b.facts;
        }

        /**
         * A finish as a provider adapter emits it: no refusal, {@link Timings#NONE}, no cost.
         *
         * @param reason     why the model stopped
         * @param responseId the provider's response id, {@code ""} if it gave none
         * @param provider   the configured name of the provider that answered
         * @param model      the model that answered
         */
        public static Finish of(FinishReason reason, String responseId, String provider, String model) {
            return builder(reason)
                    .responseId(responseId)
                    .provider(provider)
                    .model(model)
                    .build();
        }

        /** A builder of a finish for {@code reason}; the response id, provider and model start as {@code ""}. */
        public static Builder builder(FinishReason reason) {
            return new Builder(reason);
        }

        /** A builder that starts from this finish. */
        public Builder toBuilder() {
            return new Builder(reason)
                    .responseId(responseId)
                    .provider(provider)
                    .model(model)
                    .refusal(refusal)
                    .timings(timings)
                    .costUsd(costUsd)
                    .facts(facts);
        }

        /** Why the model stopped. */
        public FinishReason reason() {
            return reason;
        }

        /** The provider's response id; {@code ""} if it gave none. */
        public String responseId() {
            return responseId;
        }

        /** The configured name of the provider that answered. */
        public String provider() {
            return provider;
        }

        /** The model that answered. */
        public String model() {
            return model;
        }

        /** The model's refusal text, where the provider streams refusals separately. */
        public Optional<String> refusal() {
            return refusal;
        }

        /** Set by the gate when the stream passes its provider stage ({@link Timings#NONE} before). */
        public Timings timings() {
            return timings;
        }

        /** Set by the gate at its edge when a stage priced the call (see {@link ChatResponse#costUsd()}). */
        public Optional<BigDecimal> costUsd() {
            return costUsd;
        }

        /** Set by the gate at its edge (see {@link ChatResponse#facts()}); {@link AnswerFacts#NONE} before. */
        public AnswerFacts facts() {
            return facts;
        }

        /** This finish with a cost. */
        public Finish withCostUsd(BigDecimal cost) {
            return toBuilder()
                    .costUsd(Optional.of(Objects.requireNonNull(cost, "cost")))
                    .build();
        }

        /** This finish with timings. */
        public Finish withTimings(Timings value) {
            return toBuilder().timings(value).build();
        }

        @Override
        public boolean isTerminal() {
            return true;
        }

        /** Equal when every value is equal. */
        @Override
        public boolean equals(Object o) {
            return o == this
                    || o instanceof Finish f
                            && reason == f.reason
                            && responseId.equals(f.responseId)
                            && provider.equals(f.provider)
                            && model.equals(f.model)
                            && refusal.equals(f.refusal)
                            && timings.equals(f.timings)
                            && costUsd.equals(f.costUsd)
                            && facts.equals(f.facts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(reason, responseId, provider, model, refusal, timings, costUsd, facts);
        }

        /** Never the refusal's text. */
        @Override
        public String toString() {
            return "Finish[" + reason + ", " + responseId + ", " + provider + ":" + model
                    + (refusal.isPresent() ? ", refused" : "") + ", " + timings + "]";
        }

        /**
         * Builds a {@link Finish}. Defaults: response id, provider and model {@code ""}, no refusal,
         * {@link Timings#NONE}, no cost, {@link AnswerFacts#NONE}. A setter rejects {@code null} at once, naming what to pass instead.
         */
        public static final class Builder {
            private final FinishReason reason;
            private String responseId = "";
            private String provider = "";
            private String model = "";
            private Optional<String> refusal = Optional.empty();
            private Timings timings = Timings.NONE;
            private Optional<BigDecimal> costUsd = Optional.empty();
            private AnswerFacts facts = AnswerFacts.NONE;

            private Builder(FinishReason reason) {
                this.reason = Objects.requireNonNull(reason, "reason: e.g. FinishReason.STOP");
            }

            /** The provider's response id; {@code ""} if it gave none. */
            public Builder responseId(String value) {
                this.responseId = Objects.requireNonNull(value, "responseId: use \"\" if the provider gave none");
                return this;
            }

            /** The configured name of the provider that answered. */
            public Builder provider(String value) {
                this.provider = Objects.requireNonNull(value, "provider: use \"\" if unknown");
                return this;
            }

            /** The model that answered. */
            public Builder model(String value) {
                this.model = Objects.requireNonNull(value, "model: use \"\" if unknown");
                return this;
            }

            /** The model's refusal text, where the provider streams refusals separately. */
            public Builder refusal(Optional<String> value) {
                this.refusal = Objects.requireNonNull(value, "refusal: use Optional.empty()");
                return this;
            }

            /** How long the answer took. */
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

            /** The finish. */
            public Finish build() {
                return new Finish(this);
            }
        }
    }

    /**
     * The stream failed. Pull consumers ({@link ChatStream#next()}) get the exception thrown instead;
     * push consumers ({@code LlmGate.stream(request, listener)}) see this event last.
     */
    @SuppressWarnings("JavaLangClash") // always written StreamEvent.Error
    record Error(LlmException error) implements StreamEvent {
        public Error {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public boolean isTerminal() {
            return true;
        }

        /**
         * The exception's type, and the provider and HTTP status if known; never its message, which may
         * quote what an upstream said (and so the prompt).
         */
        @Override
        public String toString() {
            ErrorDetails d = error.details();
            return "Error[" + error.getClass().getSimpleName()
                    + d.provider().map(p -> ", " + p).orElse("")
                    + (d.httpStatus().isPresent() ? ", HTTP " + d.httpStatus().getAsInt() : "") + "]";
        }
    }
}
