package dev.llmgate.policy.fuzz;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/** {@link FoldingInvariant} over 20,000 seeded random writings (the same every run). */
class FoldingInvariantTest {
    @Test
    void foldedValuesStayFound() {
        SplittableRandom random = new SplittableRandom(20261206);
        for (int i = 0; i < 20_000; i++) {
            FoldingInvariant.check(random::nextInt);
        }
    }
}
