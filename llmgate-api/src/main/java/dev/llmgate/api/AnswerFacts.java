package dev.llmgate.api;

import java.util.Objects;
import java.util.Optional;

/**
 * How an answer came about, as the gate saw it: which call it belongs to, which deployment answered, how many
 * attempts it took and whether the response cache answered. The gate stamps it on every
 * {@link ChatResponse} and on a stream's {@link StreamEvent.Finish} at its edge, so a caller can read it
 * without an interceptor ({@code response.facts().cacheHit()}). What the call cost is
 * {@link ChatResponse#costUsd()}.
 *
 * <p>A response built by a provider, a test or an interceptor below the gate's edge carries {@link #NONE}.
 *
 * <p>Guarantees: immutable; no accessor returns {@code null}; {@link #attempts()} is not negative; equal when
 * every value is equal; carries no prompt or answer text. A final class rather than a record so that values
 * can be added in later versions without breaking callers (docs/api-stability.md).
 */
public final class AnswerFacts {
    /** The facts of a response the gate did not stamp: no call id, no deployment, no attempts, no cache hit. */
    public static final AnswerFacts NONE = new AnswerFacts(new Builder());

    private final String callId;
    private final Optional<String> deployment;
    private final int attempts;
    private final boolean cacheHit;
    private final boolean usageEstimated;

    private AnswerFacts(Builder b) {
        this.callId = b.callId;
        this.deployment = b.deployment;
        this.attempts = b.attempts;
        this.cacheHit = b.cacheHit;
        this.usageEstimated = b.usageEstimated;
    }

    /** A builder; every value starts as in {@link #NONE}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these facts. */
    public Builder toBuilder() {
        return new Builder()
                .callId(callId)
                .deployment(deployment)
                .attempts(attempts)
                .cacheHit(cacheHit)
                .usageEstimated(usageEstimated);
    }

    /** The gate's id of the call (the id audit records and telemetry carry); {@code ""} when not stamped. */
    public String callId() {
        return callId;
    }

    /**
     * The deployment that answered, as its {@code "provider:model"} address (the configured provider name and the
     * model the request named, before the provider renamed it: see {@link ChatResponse#model()}); for a cache hit,
     * the deployment whose cached answer was served. Empty when no deployment answered (an interceptor answered
     * by itself) or the response was not stamped.
     */
    public Optional<String> deployment() {
        return deployment;
    }

    /**
     * How many attempts the call made: every try routing made (the answering one, failed ones, retries, fallbacks,
     * hedges and answers a {@code ResponseCheck} rejected), or 1 for a call without routing that reached a
     * provider or the cache; 0 when nothing was tried (an interceptor answered by itself).
     */
    public int attempts() {
        return attempts;
    }

    /** True when the response cache answered (no provider was paid for this answer). */
    public boolean cacheHit() {
        return cacheHit;
    }

    /**
     * True when the answer's token counts are llmgate's estimate, because the provider reported none
     * ({@code CallFacts.ESTIMATED_USAGE}).
     */
    public boolean usageEstimated() {
        return usageEstimated;
    }

    /** Equal when every value is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof AnswerFacts f
                        && callId.equals(f.callId)
                        && deployment.equals(f.deployment)
                        && attempts == f.attempts
                        && cacheHit == f.cacheHit
                        && usageEstimated == f.usageEstimated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(callId, deployment, attempts, cacheHit, usageEstimated);
    }

    @Override
    public String toString() {
        return "AnswerFacts[" + (callId.isEmpty() ? "unstamped" : callId)
                + deployment.map(d -> ", " + d).orElse("") + ", attempts=" + attempts
                + (cacheHit ? ", cache hit" : "") + (usageEstimated ? ", usage estimated" : "") + "]";
    }

    /** Builds {@link AnswerFacts}. A setter rejects {@code null} and a negative count at once. Not thread-safe. */
    public static final class Builder {
        private String callId = "";
        private Optional<String> deployment = Optional.empty();
        private int attempts;
        private boolean cacheHit;
        private boolean usageEstimated;

        private Builder() {}

        /** The gate's id of the call. */
        public Builder callId(String value) {
            this.callId = Objects.requireNonNull(value, "callId: use \"\" if unknown");
            return this;
        }

        /** The {@code "provider:model"} address of the deployment that answered. */
        public Builder deployment(Optional<String> value) {
            this.deployment = Objects.requireNonNull(value, "deployment: use Optional.empty()");
            return this;
        }

        /** How many attempts the call made; not negative. */
        public Builder attempts(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("attempts must not be negative, got " + value);
            }
            this.attempts = value;
            return this;
        }

        /** Whether the response cache answered. */
        public Builder cacheHit(boolean value) {
            this.cacheHit = value;
            return this;
        }

        /** Whether the token counts are llmgate's estimate. */
        public Builder usageEstimated(boolean value) {
            this.usageEstimated = value;
            return this;
        }

        /** The facts. */
        public AnswerFacts build() {
            return new AnswerFacts(this);
        }
    }
}
