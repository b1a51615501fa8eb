package dev.llmgate.policy;

/**
 * What a policy decides about a piece of text or a tool call. Verdicts are ordered by severity
 * ({@link #ALLOW} lowest, {@link #BLOCK} highest); when several rules fire, the most severe wins.
 */
public enum Verdict {
    /** Nothing to object to. */
    ALLOW(0),
    /** Allow, but flag the call in the audit record. */
    ALLOW_LOG(1),
    /** Allow after transforming the text: redact, mask, hash or tokenize the findings. */
    CONSTRAIN(2),
    /** Hand the decision to the application's approval callback (with a timeout and a default). */
    REQUIRE_APPROVAL(3),
    /** Stop the call with {@link dev.llmgate.api.exception.PolicyBlockedException}. */
    BLOCK(4);

    /** The severity, stated rather than taken from the declaration order. */
    private final int severity;

    Verdict(int severity) {
        this.severity = severity;
    }

    /** The more severe of this verdict and {@code other}. */
    public Verdict max(Verdict other) {
        return other.severity > severity ? other : this;
    }
}
