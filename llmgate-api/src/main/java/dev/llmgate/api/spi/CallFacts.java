package dev.llmgate.api.spi;

import dev.llmgate.api.Usage;
import java.math.BigDecimal;

/**
 * The well-known facts that built-in stages record in a call's {@link CallContext}, so that stages
 * that do not know each other (policy, routing, cache, budgets, audit, listeners) can share them.
 * Lists are appended with {@link CallContext#append} and read with {@link CallContext#list}.
 */
public final class CallFacts {
    private CallFacts() {}

    /** Every policy decision of the call, in order. */
    public static final CallContext.ListKey<PolicyRecord> POLICY = CallContext.ListKey.of("policy", PolicyRecord.class);

    /** Every attempt routing made, in order (a call without routing has none). */
    public static final CallContext.ListKey<AttemptRecord> ATTEMPTS =
            CallContext.ListKey.of("attempts", AttemptRecord.class);

    /** True when the answer came from the response cache. */
    public static final CallContext.Key<Boolean> CACHE_HIT = CallContext.Key.of("cache_hit", Boolean.class);

    /** The call's provider cost in US dollars, from the model catalog (zero for a cache hit). */
    public static final CallContext.Key<BigDecimal> COST_USD = CallContext.Key.of("cost_usd", BigDecimal.class);

    /**
     * Present only when the answer's usage is llmgate's estimate instead of its provider's report: the
     * answer ended (finished, failed after its first token, or was closed or cancelled) without the
     * provider reporting its usage, or reporting fewer output tokens than were delivered. The estimate
     * is the request's input tokens by {@code TokenEstimator} (or the input the provider did report)
     * plus one output token per four characters of text and tool-call arguments delivered (at most
     * the request's {@code maxOutputTokens}). Routing records it as the answering attempt's usage
     * ({@link AttemptRecord#usageEstimated()}) and prices it into {@link #COST_USD}, budgets charge
     * it, and audit records it with {@code usage_estimated}. Set by routing, or by budgets when no
     * router runs; never by the provider.
     */
    public static final CallContext.Key<Usage> ESTIMATED_USAGE = CallContext.Key.of("estimated_usage", Usage.class);

    /**
     * Set (to {@code true}) on a call that embeds texts ({@code LlmGate.embed}): its request's user
     * messages are the inputs, one per text in order; its answer carries no text (empty, finish
     * reason {@code STOP}, the embedding's usage); the vectors never pass through the chain. Every
     * stage sees such a call as it sees a chat call: policy scans (and may redact or block) the
     * inputs, budgets charge it, routing routes it, audit records it. Never set on a streamed call.
     * Stages that cannot handle it pass it through (the response cache does).
     */
    public static final CallContext.Key<Boolean> EMBEDDINGS = CallContext.Key.of("embeddings", Boolean.class);

    /**
     * The {@code "provider:model"} address of the deployment whose answer the call returns: set by routing for the
     * attempt whose answer it returns (a rejected answer's is replaced, a hedge's loser never counts); without
     * routing, by the provider stage when a provider answered (a stream: at its finish) or by the response cache on
     * a hit (the deployment the cached answer is stored under). Read it with
     * {@code ChatResponse.facts().deployment()}.
     */
    public static final CallContext.Key<String> DEPLOYMENT = CallContext.Key.of("deployment", String.class);

    /** The alias or address the caller asked for, before routing resolved it. */
    public static final CallContext.Key<String> REQUESTED_MODEL = CallContext.Key.of("requested_model", String.class);

    /**
     * Set (true) by the output policy when it put tokenized values back into the answer's text for the caller: that
     * text then holds what the policy kept from the provider, so an audit record never stores it as content.
     */
    public static final CallContext.Key<Boolean> TOKENS_RESTORED = CallContext.Key.of("tokens_restored", Boolean.class);
}
