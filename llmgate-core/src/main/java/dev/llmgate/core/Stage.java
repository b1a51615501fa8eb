package dev.llmgate.core;

/**
 * The built-in stages of a gate's chain, in the order a call passes them. Each stage holds zero or
 * more interceptors, in the order they were added. The whole chain is:
 *
 * <pre>
 *   caller
 *     → application interceptors   ({@link LlmGate.Builder#addInterceptor}, once per call)
 *     → AUDIT → POLICY → BUDGET → ROUTING        (once per call)
 *     → CACHE                                    (once per attempt that routing makes)
 *     → attempt interceptors       ({@link LlmGate.Builder#addAttemptInterceptor}, once per attempt)
 *     → provider
 * </pre>
 *
 * <p>Each built-in component belongs at one stage and says which
 * ({@link dev.llmgate.api.spi.StagedInterceptor#stageName()} is the name of a constant here):
 * {@link LlmGate.Builder#addInterceptor(dev.llmgate.api.spi.Interceptor)} places it there, and a gate
 * refuses to build with it at another stage. Within ROUTING, the gate's alias resolver runs first.
 */
public enum Stage {
    /** Outermost built-in stage: sees every call's final outcome, including blocked and failed calls. */
    AUDIT,
    /** Input and output policy: blocked requests never leave, and later stages see redacted text. */
    POLICY,
    /** Budgets and rate limits per tenant/user, reserved before the call and reconciled after. */
    BUDGET,
    /** Resolves aliases to deployments and owns retries, fallback, circuit breaking and hedging. */
    ROUTING,
    /** Response cache, consulted once per attempt with the deployment that attempt addresses. */
    CACHE
}
