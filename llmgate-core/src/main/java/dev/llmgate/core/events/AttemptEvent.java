package dev.llmgate.core.events;

import dev.llmgate.api.Usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One attempt of a call at one deployment, as a {@link CallListener} sees it. Carries no prompt or
 * answer text and no credential, so it can be exported as it is.
 *
 * @param callId           the call's id
 * @param requestedModel   the alias or address the caller asked for
 * @param attempt          1 for the first attempt of the call, then 2, 3, ...
 * @param provider         the provider name the attempt went to
 * @param model            the model requested from it
 * @param responseModel    the model that answered, as the provider named it (empty on failure)
 * @param outcome          {@code "success"}, {@code "cache_hit"}, {@code "rejected:<reason>"}, {@code "hedge_lost"},
 *                         or the failure's exception type, e.g. {@code "RateLimitedException"}
 * @param errorType        the failure's exception type, if the attempt failed
 * @param reason           why the attempt was made: {@code "primary"}, {@code "retry"}, {@code "fallback:<cause>"}, {@code "hedge"}
 * @param latency          from sending to the answer (streams: to the finish) or the failure
 * @param timeToFirstToken for streams, until the first token
 * @param usage            tokens as the provider reported them, or llmgate's estimate ({@code usageEstimated})
 * @param costUsd          the attempt's cost from the model catalog, if the model is priced
 * @param cacheHit         whether the response cache answered
 * @param streaming        whether the call streams
 * @param usageEstimated   true when {@code usage} (and so {@code costUsd}) is llmgate's estimate because the provider did
 *                         not report it (see {@link dev.llmgate.api.spi.CallFacts#ESTIMATED_USAGE})
 */
public record AttemptEvent(String callId, String requestedModel, int attempt, String provider, String model,
                           Optional<String> responseModel, String outcome, Optional<String> errorType, String reason,
                           Duration latency, Optional<Duration> timeToFirstToken, Usage usage, Optional<BigDecimal> costUsd,
                           boolean cacheHit, boolean streaming, boolean usageEstimated) {

    /** OpenTelemetry GenAI attribute: the provider (llmgate's configured provider name). */
    public static final String GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
    /** OpenTelemetry GenAI attribute: the operation, always {@code "chat"}. */
    public static final String GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
    /** OpenTelemetry GenAI attribute: the model requested. */
    public static final String GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
    /** OpenTelemetry GenAI attribute: the model that answered. */
    public static final String GEN_AI_RESPONSE_MODEL = "gen_ai.response.model";
    /** OpenTelemetry GenAI attribute: input tokens (cache reads and writes included). */
    public static final String GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
    /** OpenTelemetry GenAI attribute: output tokens (reasoning included). */
    public static final String GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    /** OpenTelemetry GenAI attribute: input tokens read from the provider's cache. */
    public static final String GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
    /** OpenTelemetry GenAI attribute: input tokens written to the provider's cache. */
    public static final String GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = "gen_ai.usage.cache_creation.input_tokens";
    /** OpenTelemetry general attribute: the failure's type. */
    public static final String ERROR_TYPE = "error.type";
    /** llmgate attribute: the call id. */
    public static final String LLMGATE_CALL_ID = "llmgate.call.id";
    /** llmgate attribute: the attempt number. */
    public static final String LLMGATE_ATTEMPT = "llmgate.attempt";
    /** llmgate attribute: why the attempt was made. */
    public static final String LLMGATE_ATTEMPT_REASON = "llmgate.attempt.reason";
    /** llmgate attribute: the attempt's outcome. */
    public static final String LLMGATE_ATTEMPT_OUTCOME = "llmgate.attempt.outcome";
    /** llmgate attribute: the alias or address the caller asked for. */
    public static final String LLMGATE_REQUESTED_MODEL = "llmgate.requested_model";
    /** llmgate attribute: the cost in USD, as a decimal string. */
    public static final String LLMGATE_COST_USD = "llmgate.cost.usd";
    /** llmgate attribute: whether the response cache answered. */
    public static final String LLMGATE_CACHE_HIT = "llmgate.cache.hit";
    /** llmgate attribute: {@code true} when the token counts are llmgate's estimate (absent otherwise). */
    public static final String LLMGATE_USAGE_ESTIMATED = "llmgate.usage.estimated";
    /** llmgate attribute: latency in seconds (the unit of {@code gen_ai.client.operation.duration}). */
    public static final String LLMGATE_DURATION_S = "llmgate.duration_s";
    /** llmgate attribute: time to first token in seconds. */
    public static final String LLMGATE_TIME_TO_FIRST_TOKEN_S = "llmgate.time_to_first_token_s";

    public AttemptEvent {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(requestedModel, "requestedModel");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(responseModel, "responseModel");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(costUsd, "costUsd");
    }

    /** True if the attempt produced an answer that was used or could have been (success or cache hit). */
    public boolean succeeded() {
        return outcome.equals("success") || outcome.equals("cache_hit");
    }

    /**
     * This event as span/metric attributes named after the OpenTelemetry GenAI semantic conventions
     * ({@code gen_ai.*}, {@code error.type}) plus {@code llmgate.*} for what the conventions do not
     * cover. Values are String, Long, Double or Boolean; absent values are left out.
     */
    public Map<String, Object> attributes() {
        Map<String, Object> a = new LinkedHashMap<>(24);
        a.put(GEN_AI_OPERATION_NAME, "chat");
        a.put(GEN_AI_PROVIDER_NAME, provider);
        a.put(GEN_AI_REQUEST_MODEL, model);
        responseModel.ifPresent(m -> a.put(GEN_AI_RESPONSE_MODEL, m));
        a.put(GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens());
        a.put(GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens());
        if (usage.cachedInputTokens() > 0) {
            a.put(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cachedInputTokens());
        }
        if (usage.cacheWriteTokens() > 0) {
            a.put(GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheWriteTokens());
        }
        errorType.ifPresent(e -> a.put(ERROR_TYPE, e));
        a.put(LLMGATE_CALL_ID, callId);
        a.put(LLMGATE_REQUESTED_MODEL, requestedModel);
        a.put(LLMGATE_ATTEMPT, (long) attempt);
        a.put(LLMGATE_ATTEMPT_REASON, reason);
        a.put(LLMGATE_ATTEMPT_OUTCOME, outcome);
        a.put(LLMGATE_DURATION_S, latency.toNanos() / 1e9);
        timeToFirstToken.ifPresent(t -> a.put(LLMGATE_TIME_TO_FIRST_TOKEN_S, t.toNanos() / 1e9));
        costUsd.ifPresent(c -> a.put(LLMGATE_COST_USD, c.toPlainString()));
        a.put(LLMGATE_CACHE_HIT, cacheHit);
        if (usageEstimated) {
            a.put(LLMGATE_USAGE_ESTIMATED, true);
        }
        return a;
    }
}
