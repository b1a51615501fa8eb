package dev.llmgate.core.events;

import dev.llmgate.api.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One attempt of a call at one deployment, as a {@link CallListener} sees it. Carries no prompt or
 * answer text and no credential, so it can be exported as it is. The router creates these; the
 * {@link #builder(String, String)} exists so that a listener (an exporter) can be tested with events
 * of its own.
 *
 * <p>Guarantees: immutable; no accessor returns {@code null}; {@link #attempt()} is at least 1 and the
 * latency is not negative; equal when every value is equal. A final class rather than a record so
 * that values can be added in later versions without breaking callers (docs/api-stability.md).
 */
public final class AttemptEvent {
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

    private final String callId;
    private final String requestedModel;
    private final int attempt;
    private final String provider;
    private final String model;
    private final Optional<String> responseModel;
    private final String outcome;
    private final Optional<String> errorType;
    private final String reason;
    private final Duration latency;
    private final Optional<Duration> timeToFirstToken;
    private final Usage usage;
    private final Optional<BigDecimal> costUsd;
    private final boolean cacheHit;
    private final boolean streaming;
    private final boolean usageEstimated;

    private AttemptEvent(Builder b) {
        this.callId = b.callId;
        this.requestedModel = b.requestedModel != null ? b.requestedModel : b.model;
        this.attempt = b.attempt;
        this.provider = b.provider;
        this.model = b.model;
        this.responseModel = b.responseModel;
        this.outcome = b.outcome;
        this.errorType = b.errorType;
        this.reason = b.reason;
        this.latency = b.latency;
        this.timeToFirstToken = b.timeToFirstToken;
        this.usage = b.usage;
        this.costUsd = b.costUsd;
        this.cacheHit = b.cacheHit;
        this.streaming = b.streaming;
        this.usageEstimated = b.usageEstimated;
    }

    /**
     * A builder of an attempt of call {@code callId} at {@code provider}. Set at least the model, the outcome and
     * the latency; the attempt number defaults to 1, the reason to {@code "primary"}, the requested model to the
     * model, the usage to {@link Usage#ZERO}.
     */
    public static Builder builder(String callId, String provider) {
        return new Builder(callId, provider);
    }

    /** A builder that starts from this event. */
    public Builder toBuilder() {
        Builder b = new Builder(callId, provider);
        b.requestedModel = requestedModel;
        b.attempt = attempt;
        b.model = model;
        b.responseModel = responseModel;
        b.outcome = outcome;
        b.errorType = errorType;
        b.reason = reason;
        b.latency = latency;
        b.timeToFirstToken = timeToFirstToken;
        b.usage = usage;
        b.costUsd = costUsd;
        b.cacheHit = cacheHit;
        b.streaming = streaming;
        b.usageEstimated = usageEstimated;
        return b;
    }

    /** The call's id. */
    public String callId() {
        return callId;
    }

    /** The alias or address the caller asked for. */
    public String requestedModel() {
        return requestedModel;
    }

    /** 1 for the first attempt of the call, then 2, 3, ... */
    public int attempt() {
        return attempt;
    }

    /** The provider name the attempt went to. */
    public String provider() {
        return provider;
    }

    /** The model requested from it. */
    public String model() {
        return model;
    }

    /** The model that answered, as the provider named it (empty on failure). */
    public Optional<String> responseModel() {
        return responseModel;
    }

    /**
     * {@code "success"}, {@code "cache_hit"}, {@code "rejected:<reason>"}, {@code "hedge_lost"}, or the failure's
     * exception type, e.g. {@code "RateLimitedException"}.
     */
    public String outcome() {
        return outcome;
    }

    /** The failure's exception type, if the attempt failed. */
    public Optional<String> errorType() {
        return errorType;
    }

    /** Why the attempt was made: {@code "primary"}, {@code "retry"}, {@code "fallback:<cause>"}, {@code "hedge"}. */
    public String reason() {
        return reason;
    }

    /** From sending to the answer (streams: to the finish) or the failure. */
    public Duration latency() {
        return latency;
    }

    /** For streams, until the first token. */
    public Optional<Duration> timeToFirstToken() {
        return timeToFirstToken;
    }

    /** Tokens as the provider reported them, or llmgate's estimate ({@link #usageEstimated()}). */
    public Usage usage() {
        return usage;
    }

    /** The attempt's cost from the model catalog, if the model is priced. */
    public Optional<BigDecimal> costUsd() {
        return costUsd;
    }

    /** Whether the response cache answered. */
    public boolean cacheHit() {
        return cacheHit;
    }

    /** Whether the call streams. */
    public boolean streaming() {
        return streaming;
    }

    /**
     * True when {@link #usage()} (and so {@link #costUsd()}) is llmgate's estimate because the provider did not
     * report it (see {@link dev.llmgate.api.spi.CallFacts#ESTIMATED_USAGE}).
     */
    public boolean usageEstimated() {
        return usageEstimated;
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
    /** Equal when every value is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof AttemptEvent e
                        && callId.equals(e.callId)
                        && requestedModel.equals(e.requestedModel)
                        && attempt == e.attempt
                        && provider.equals(e.provider)
                        && model.equals(e.model)
                        && responseModel.equals(e.responseModel)
                        && outcome.equals(e.outcome)
                        && errorType.equals(e.errorType)
                        && reason.equals(e.reason)
                        && latency.equals(e.latency)
                        && timeToFirstToken.equals(e.timeToFirstToken)
                        && usage.equals(e.usage)
                        && costUsd.equals(e.costUsd)
                        && cacheHit == e.cacheHit
                        && streaming == e.streaming
                        && usageEstimated == e.usageEstimated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                callId,
                requestedModel,
                attempt,
                provider,
                model,
                responseModel,
                outcome,
                errorType,
                reason,
                latency,
                timeToFirstToken,
                usage,
                costUsd,
                cacheHit,
                streaming,
                usageEstimated);
    }

    @Override
    public String toString() {
        return "AttemptEvent[callId=" + callId + ", requestedModel=" + requestedModel + ", attempt=" + attempt
                + ", provider=" + provider
                + ", model=" + model + ", responseModel=" + responseModel + ", outcome=" + outcome + ", errorType="
                + errorType
                + ", reason=" + reason + ", latency=" + latency + ", timeToFirstToken=" + timeToFirstToken + ", usage="
                + usage
                + ", costUsd=" + costUsd + ", cacheHit=" + cacheHit + ", streaming=" + streaming + ", usageEstimated="
                + usageEstimated
                + "]";
    }

    /** Builds an {@link AttemptEvent}; {@link #build()} reports every missing or invalid value at once. Not thread-safe. */
    public static final class Builder {
        private final String callId;
        private final String provider;
        private String requestedModel;
        private int attempt = 1;
        private String model;
        private Optional<String> responseModel = Optional.empty();
        private String outcome;
        private Optional<String> errorType = Optional.empty();
        private String reason = "primary";
        private Duration latency;
        private Optional<Duration> timeToFirstToken = Optional.empty();
        private Usage usage = Usage.ZERO;
        private Optional<BigDecimal> costUsd = Optional.empty();
        private boolean cacheHit;
        private boolean streaming;
        private boolean usageEstimated;

        private Builder(String callId, String provider) {
            this.callId = callId;
            this.provider = provider;
        }

        /** The alias or address the caller asked for; the model unless set. */
        public Builder requestedModel(String value) {
            this.requestedModel = Objects.requireNonNull(value, "requestedModel");
            return this;
        }

        /** 1 for the first attempt of the call, then 2, 3, ...; 1 unless set. */
        public Builder attempt(int value) {
            this.attempt = value;
            return this;
        }

        /** The model requested from the provider (required). */
        public Builder model(String value) {
            this.model = Objects.requireNonNull(value, "model");
            return this;
        }

        /** The model that answered, as the provider named it; empty on failure. */
        public Builder responseModel(Optional<String> value) {
            this.responseModel = Objects.requireNonNull(value, "responseModel: use Optional.empty()");
            return this;
        }

        /** {@code "success"}, {@code "cache_hit"}, ... or the failure's exception type (required). */
        public Builder outcome(String value) {
            this.outcome =
                    Objects.requireNonNull(value, "outcome: e.g. \"success\" or the exception's simple class name");
            return this;
        }

        /** The failure's exception type, if the attempt failed. */
        public Builder errorType(Optional<String> value) {
            this.errorType = Objects.requireNonNull(value, "errorType: use Optional.empty()");
            return this;
        }

        /** Why the attempt was made; {@code "primary"} unless set. */
        public Builder reason(String value) {
            this.reason = Objects.requireNonNull(
                    value, "reason: e.g. \"primary\", \"retry\", \"fallback:<cause>\" or \"hedge\"");
            return this;
        }

        /** From sending to the answer or the failure (required, not negative). */
        public Builder latency(Duration value) {
            this.latency = Objects.requireNonNull(value, "latency: e.g. Duration.ZERO");
            return this;
        }

        /** For streams, until the first token. */
        public Builder timeToFirstToken(Optional<Duration> value) {
            this.timeToFirstToken = Objects.requireNonNull(value, "timeToFirstToken: use Optional.empty()");
            return this;
        }

        /** Tokens as the provider reported them; {@link Usage#ZERO} unless set. */
        public Builder usage(Usage value) {
            this.usage = Objects.requireNonNull(value, "usage: use Usage.ZERO");
            return this;
        }

        /** The attempt's cost in USD, if priced. */
        public Builder costUsd(Optional<BigDecimal> value) {
            this.costUsd = Objects.requireNonNull(value, "costUsd: use Optional.empty()");
            return this;
        }

        /** Whether the response cache answered; false unless set. */
        public Builder cacheHit(boolean value) {
            this.cacheHit = value;
            return this;
        }

        /** Whether the call streams; false unless set. */
        public Builder streaming(boolean value) {
            this.streaming = value;
            return this;
        }

        /** Whether the usage is llmgate's estimate; false unless set. */
        public Builder usageEstimated(boolean value) {
            this.usageEstimated = value;
            return this;
        }

        /**
         * The event.
         *
         * @throws IllegalArgumentException naming every value that is missing or invalid
         */
        public AttemptEvent build() {
            List<String> problems = new ArrayList<>();
            if (callId == null) {
                problems.add("callId must not be null: pass the call's id to AttemptEvent.builder(callId, provider)");
            }
            if (provider == null) {
                problems.add(
                        "provider must not be null: pass the provider name to AttemptEvent.builder(callId, provider)");
            }
            if (model == null) {
                problems.add("model is not set: call model(\"...\")");
            }
            if (outcome == null) {
                problems.add(
                        "outcome is not set: call outcome(\"success\") or outcome(<the exception's simple class name>)");
            }
            if (latency == null) {
                problems.add("latency is not set: call latency(Duration)");
            } else if (latency.isNegative()) {
                problems.add("latency must not be negative, was " + latency);
            }
            if (attempt < 1) {
                problems.add("attempt must be at least 1 (the first attempt is 1), was " + attempt);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid attempt event: " + String.join("; ", problems));
            }
            return new AttemptEvent(this);
        }
    }
}
