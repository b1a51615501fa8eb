package dev.llmgate.policy.redact;

/**
 * How a finding is rewritten when a rule decides {@link dev.llmgate.policy.Verdict#CONSTRAIN}.
 */
public enum RedactionMode {
    /** Replaced by its type: {@code [EMAIL]}. */
    MASK,
    /**
     * Replaced by its type and its last four letters or digits, as PCI DSS allows for a card number:
     * {@code [CREDIT_CARD ****1111]}. Values shorter than eight characters are masked entirely.
     */
    LAST_FOUR,
    /**
     * Replaced by a keyed hash (HMAC-SHA-256, first 12 hex digits): {@code [EMAIL:3f2a9c1d0b7e]}. The
     * same value maps to the same token under the same key, so the model can still tell values
     * apart; without the key the value cannot be recovered or confirmed.
     */
    HASH,
    /**
     * Replaced by a placeholder ({@code [EMAIL_1]}) before the provider sees it, and restored in
     * the answer (blocking or streamed) and in tool-call arguments for the caller. The mapping lives
     * only in memory, for one call.
     */
    TOKENIZE
}
