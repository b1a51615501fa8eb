package dev.llmgate.core.events;

import dev.llmgate.api.AnswerFacts;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.PolicyRecord;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The end of an observed call or attempt, as a {@link CallObserver} sees it.
 *
 * <p>Guarantees: immutable; no accessor returns {@code null}; exactly one of {@link #answer()} and {@link #error()}
 * is present unless the outcome is {@link Outcome#CLOSED_EARLY} (then neither). The answer carries no text unless
 * the observer {@link CallObserver#wantsAnswerText() asked for it} (a blocking answer always has its text: the
 * observer must not export it unless asked). A final class rather than a record so that values can be added in
 * later versions without breaking callers (docs/api-stability.md).
 */
public final class ObservedEnd {
    /** How a call or attempt ended. */
    public enum Outcome {
        /** An answer. */
        SUCCESS,
        /** The gate's policy refused it ({@link PolicyBlockedException}). */
        BLOCKED,
        /** A budget or rate limit refused it ({@link BudgetExceededException}). */
        BUDGET_REFUSED,
        /** Any other failure. */
        FAILED,
        /** A stream its consumer closed before its end. */
        CLOSED_EARLY;

        /** The outcome's label in telemetry: {@code "success"}, {@code "blocked"}, ... */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Outcome outcome;
    private final Optional<ChatResponse> answer;
    private final Optional<Throwable> error;
    private final AnswerFacts facts;
    private final Optional<BigDecimal> costUsd;
    private final List<PolicyRecord> policy;
    private final Duration duration;

    private ObservedEnd(
            Outcome outcome,
            Optional<ChatResponse> answer,
            Optional<Throwable> error,
            AnswerFacts facts,
            Optional<BigDecimal> costUsd,
            List<PolicyRecord> policy,
            Duration duration) {
        this.outcome = outcome;
        this.answer = answer;
        this.error = error;
        this.facts = Objects.requireNonNull(facts, "facts");
        this.costUsd = Objects.requireNonNull(costUsd, "costUsd");
        this.policy = List.copyOf(policy);
        this.duration = Objects.requireNonNull(duration, "duration");
    }

    /** An answer. */
    public static ObservedEnd succeeded(
            ChatResponse answer,
            AnswerFacts facts,
            Optional<BigDecimal> costUsd,
            List<PolicyRecord> policy,
            Duration duration) {
        return new ObservedEnd(
                Outcome.SUCCESS,
                Optional.of(Objects.requireNonNull(answer, "answer")),
                Optional.empty(),
                facts,
                costUsd,
                policy,
                duration);
    }

    /** A failure; the outcome follows from its type. */
    public static ObservedEnd failed(
            Throwable error,
            AnswerFacts facts,
            Optional<BigDecimal> costUsd,
            List<PolicyRecord> policy,
            Duration duration) {
        Outcome outcome = error instanceof PolicyBlockedException
                ? Outcome.BLOCKED
                : error instanceof BudgetExceededException ? Outcome.BUDGET_REFUSED : Outcome.FAILED;
        return new ObservedEnd(
                outcome,
                Optional.empty(),
                Optional.of(Objects.requireNonNull(error, "error")),
                facts,
                costUsd,
                policy,
                duration);
    }

    /** A stream closed by its consumer before its end. */
    public static ObservedEnd closedEarly(
            AnswerFacts facts, Optional<BigDecimal> costUsd, List<PolicyRecord> policy, Duration duration) {
        return new ObservedEnd(
                Outcome.CLOSED_EARLY, Optional.empty(), Optional.empty(), facts, costUsd, policy, duration);
    }

    /** How it ended. */
    public Outcome outcome() {
        return outcome;
    }

    /** The answer (see the class documentation about its text). */
    public Optional<ChatResponse> answer() {
        return answer;
    }

    /** The failure. */
    public Optional<Throwable> error() {
        return error;
    }

    /** The failure's type as telemetry names it (its simple class name), or {@code "closed_early"}; empty on success. */
    public Optional<String> errorType() {
        if (outcome == Outcome.CLOSED_EARLY) {
            return Optional.of("closed_early");
        }
        return error.map(e -> e.getClass().getSimpleName());
    }

    /**
     * For a call, its facts (call id, deployment, attempts, cache hit) as the gate will stamp them on the answer;
     * for an attempt, its call id and its deployment.
     */
    public AnswerFacts facts() {
        return facts;
    }

    /** For a call, its cost when a stage priced it; empty for an attempt. */
    public Optional<BigDecimal> costUsd() {
        return costUsd;
    }

    /** For a call, every policy decision it had; empty for an attempt. */
    public List<PolicyRecord> policy() {
        return policy;
    }

    /** From start to end (for a stream: to its last event or its closing). */
    public Duration duration() {
        return duration;
    }

    /** Never the answer's text. */
    @Override
    public String toString() {
        return "ObservedEnd[" + outcome + errorType().map(t -> ", " + t).orElse("") + ", " + facts + ", " + duration
                + "]";
    }
}
