package dev.llmgate.core.budget;

/** What a {@link BudgetLimit} counts. */
public enum BudgetMetric {
    /** Calls (a call counts once, however many attempts routing makes). */
    REQUESTS,
    /** Input plus output tokens of every attempt. */
    TOKENS,
    /** US dollars, from the model catalog (the sum of every attempt's cost). */
    USD,
    /**
     * Calls in flight at once ({@link BudgetLimit#inFlight}): taken when a call is admitted, given back when it ends
     * (an answer, a failure, a stream's end or close).
     */
    IN_FLIGHT
}
