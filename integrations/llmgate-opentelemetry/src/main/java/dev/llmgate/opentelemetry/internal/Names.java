package dev.llmgate.opentelemetry.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The attribute keys llmgate's telemetry writes: the OpenTelemetry GenAI semantic conventions' names (development
 * status) and llmgate's own, under {@code llmgate.}.
 */
final class Names {
    private Names() {}

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    static final AttributeKey<String> CALL_ID = AttributeKey.stringKey("llmgate.call.id");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("llmgate.attempt");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("llmgate.attempts");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("llmgate.deployment");
    static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("llmgate.cache.hit");
    static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("llmgate.cost.usd");
    static final AttributeKey<Boolean> USAGE_ESTIMATED = AttributeKey.booleanKey("llmgate.usage.estimated");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("llmgate.outcome");
    static final AttributeKey<Boolean> STREAMING = AttributeKey.booleanKey("llmgate.streaming");
    static final AttributeKey<String> POLICY_STAGE = AttributeKey.stringKey("llmgate.policy.stage");
    static final AttributeKey<String> POLICY_VERDICT = AttributeKey.stringKey("llmgate.policy.verdict");
    static final AttributeKey<String> POLICY_RULE = AttributeKey.stringKey("llmgate.policy.rule");
    static final AttributeKey<String> BREAKER_FROM = AttributeKey.stringKey("llmgate.breaker.from");
    static final AttributeKey<String> BREAKER_TO = AttributeKey.stringKey("llmgate.breaker.to");
    static final AttributeKey<String> BUDGET_WINDOW = AttributeKey.stringKey("llmgate.budget.window");
    static final AttributeKey<String> CONTENT_OMITTED = AttributeKey.stringKey("llmgate.content.omitted");
}
