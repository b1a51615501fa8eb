package dev.llmgate.core.budget;

import dev.llmgate.api.ChatRequest;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Estimates what a request will cost before it is sent, for the reservation of a USD budget.
 * {@code router::estimateCost} is one ({@link dev.llmgate.core.routing.Router#estimateCost}).
 * Must be thread-safe and cheap.
 */
@FunctionalInterface
public interface CostEstimator {

    /** The estimated cost in USD, or empty if unknown (then nothing is reserved and the real cost is charged after the call). */
    Optional<BigDecimal> estimate(ChatRequest request);
}
