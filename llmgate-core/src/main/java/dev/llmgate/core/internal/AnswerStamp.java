package dev.llmgate.core.internal;

import dev.llmgate.api.AnswerFacts;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * What the gate's edge stamps on an answer: the call's cost ({@link CallFacts#COST_USD}, when a stage priced it)
 * and its {@link AnswerFacts}, read from the call's context once the answer is complete (routing, the cache and the
 * provider stage have recorded theirs by then, for a stream by the time its finish event passes them).
 */
public final class AnswerStamp {
    private AnswerStamp() {}

    /** The facts of the call as its context holds them now. */
    public static AnswerFacts facts(CallContext call) {
        boolean cacheHit = call.get(CallFacts.CACHE_HIT).orElse(false);
        int attempts = call.list(CallFacts.ATTEMPTS).size();
        if (attempts == 0
                && (cacheHit || call.get(ProviderStage.PROVIDER_CALLED).orElse(false))) {
            attempts = 1; // no routing: one provider call or one cache lookup
        }
        return AnswerFacts.builder()
                .callId(call.callId())
                .deployment(call.get(CallFacts.DEPLOYMENT))
                .attempts(attempts)
                .cacheHit(cacheHit)
                .usageEstimated(call.get(CallFacts.ESTIMATED_USAGE).isPresent())
                .build();
    }

    /** The answer with the call's facts, and its cost unless it carries one. */
    public static ChatResponse stamp(ChatResponse response, CallContext call) {
        ChatResponse.Builder b = response.toBuilder().facts(facts(call));
        if (response.costUsd().isEmpty()) {
            b.costUsd(call.get(CallFacts.COST_USD));
        }
        return b.build();
    }

    /** The finish with the call's facts, and its cost unless it carries one. */
    public static StreamEvent.Finish stamp(StreamEvent.Finish finish, CallContext call) {
        StreamEvent.Finish.Builder b = finish.toBuilder().facts(facts(call));
        if (finish.costUsd().isEmpty()) {
            Optional<BigDecimal> cost = call.get(CallFacts.COST_USD);
            b.costUsd(cost);
        }
        return b.build();
    }
}
