package dev.llmgate.core.budget;

/** Whose calls a {@link BudgetLimit} counts together. */
public enum BudgetScope {
    /** Every call of the gate (or of every gate sharing the state store). */
    GLOBAL,
    /** Calls of one tenant ({@code Metadata.tenant}); calls without a tenant share the subject {@code "(none)"}. */
    TENANT,
    /** Calls of one end user ({@code Metadata.user}); calls without a user share {@code "(none)"}. */
    USER,
    /** Calls of one API key of your own service, named by a metadata attribute (default {@code "api_key_id"}); without it, {@code "(none)"}. */
    KEY
}
