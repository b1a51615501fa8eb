package dev.llmgate.api;

import dev.llmgate.api.exception.LlmException;

import java.util.Objects;
import java.util.Optional;

/**
 * One event of a streamed answer. A well-formed stream is any number of {@link TextDelta},
 * {@link ToolCallDelta} and {@link UsageUpdate} events followed by exactly one terminal event:
 * {@link Finish} on success or {@link Error} on failure. Nothing follows a terminal event.
 */
public sealed interface StreamEvent permits StreamEvent.TextDelta, StreamEvent.ToolCallDelta, StreamEvent.UsageUpdate,
        StreamEvent.Finish, StreamEvent.Error {

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
    record ToolCallDelta(int index, Optional<String> id, Optional<String> name, String argumentsDelta) implements StreamEvent {
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
            return "ToolCallDelta[" + index + id.map(i -> ", " + i).orElse("") + name.map(n -> ", " + n).orElse("") + ", "
                    + argumentsDelta.length() + " chars]";
        }
    }

    /** Token usage so far (providers send it at the start, the end, or both); the last one counts. */
    record UsageUpdate(Usage usage) implements StreamEvent {
        public UsageUpdate {
            Objects.requireNonNull(usage, "usage");
        }
    }

    /**
     * The answer is complete.
     *
     * @param reason     why the model stopped
     * @param responseId the provider's response id
     * @param provider   the configured name of the provider that answered
     * @param model      the model that answered
     * @param refusal    the model's refusal text, where the provider streams refusals separately
     * @param timings    set by the gate when the stream passes its provider stage ({@link Timings#NONE} before)
     * @param costUsd    set by the gate at its edge when a stage priced the call (see {@link ChatResponse#costUsd()})
     */
    record Finish(FinishReason reason, String responseId, String provider, String model, Optional<String> refusal,
                  Timings timings, Optional<java.math.BigDecimal> costUsd) implements StreamEvent {
        public Finish {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(responseId, "responseId");
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(refusal, "refusal: use Optional.empty()");
            Objects.requireNonNull(timings, "timings: use Timings.NONE");
            Objects.requireNonNull(costUsd, "costUsd: use Optional.empty()");
        }

        /** A finish without a cost. */
        public Finish(FinishReason reason, String responseId, String provider, String model, Optional<String> refusal, Timings timings) {
            this(reason, responseId, provider, model, refusal, timings, Optional.empty());
        }

        /** This finish with a cost. */
        public Finish withCostUsd(java.math.BigDecimal cost) {
            return new Finish(reason, responseId, provider, model, refusal, timings, Optional.of(cost));
        }

        /** A finish without timings, as a provider adapter emits it. */
        public Finish(FinishReason reason, String responseId, String provider, String model, Optional<String> refusal) {
            this(reason, responseId, provider, model, refusal, Timings.NONE);
        }

        @Override
        public boolean isTerminal() {
            return true;
        }

        /** Never the refusal's text. */
        @Override
        public String toString() {
            return "Finish[" + reason + ", " + responseId + ", " + provider + ":" + model + (refusal.isPresent() ? ", refused" : "")
                    + ", " + timings + "]";
        }
    }

    /**
     * The stream failed. Pull consumers ({@link ChatStream#next()}) get the exception thrown instead;
     * push consumers ({@code LlmGate.stream(request, listener)}) see this event last.
     */
    @SuppressWarnings("JavaLangClash")   // always written StreamEvent.Error
    record Error(LlmException error) implements StreamEvent {
        public Error {
            Objects.requireNonNull(error, "error");
        }

        @Override
        public boolean isTerminal() {
            return true;
        }
    }
}
