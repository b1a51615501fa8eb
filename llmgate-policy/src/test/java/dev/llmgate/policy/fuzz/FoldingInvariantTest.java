package dev.llmgate.policy.fuzz;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

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
