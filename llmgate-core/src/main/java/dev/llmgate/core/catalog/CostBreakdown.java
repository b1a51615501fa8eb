package dev.llmgate.core.catalog;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The cost of one {@link dev.llmgate.api.Usage} in USD, split by kind of token, as computed by
 * {@link ModelInfo#costBreakdown(dev.llmgate.api.Usage)}.
 *
 * <p>Guarantees: immutable; every part is exact, non-negative and normalized (no trailing zeros), and
 * {@link #total()} is their exact sum.
 *
 * @param uncachedInput prompt tokens neither read from nor written to the cache, at the input price
 * @param cachedInput   prompt tokens read from the cache, at the cached-input price
 * @param cacheWrite    prompt tokens written to the cache, at the cache-write price
 * @param output        generated tokens, reasoning included, at the output price
 */
public record CostBreakdown(
        BigDecimal uncachedInput, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output) {

    /** No cost. */
    public static final CostBreakdown ZERO =
            new CostBreakdown(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

    public CostBreakdown {
        uncachedInput = check("uncachedInput", uncachedInput);
        cachedInput = check("cachedInput", cachedInput);
        cacheWrite = check("cacheWrite", cacheWrite);
        output = check("output", output);
    }

    /** All input parts: uncached, cached and cache write. */
    public BigDecimal input() {
        return ModelInfo.normalize(uncachedInput.add(cachedInput).add(cacheWrite));
    }

    /** The whole cost in USD. */
    public BigDecimal total() {
        return ModelInfo.normalize(input().add(output));
    }

    /** The sum of two breakdowns, part by part, e.g. to total a conversation. */
    public CostBreakdown plus(CostBreakdown other) {
        Objects.requireNonNull(other, "other");
        return new CostBreakdown(
                uncachedInput.add(other.uncachedInput),
                cachedInput.add(other.cachedInput),
                cacheWrite.add(other.cacheWrite),
                output.add(other.output));
    }

    private static BigDecimal check(String what, BigDecimal value) {
        Objects.requireNonNull(value, what + ": use BigDecimal.ZERO");
        if (value.signum() < 0) {
            throw new IllegalArgumentException(what + " must not be negative, was " + value.toPlainString());
        }
        return ModelInfo.normalize(value);
    }
}
