package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Rule;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.Detector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The findings a CONSTRAIN rule wants rewritten are collected once each, in the order the rules
 * and positions first select them, equal findings once (as the set the engine used before did),
 * then resolved: compared with that reference on random findings, duplicates and overlaps included.
 */
class EngineRedactionSetTest {

    /** Reports a fixed list of findings, whatever the text. */
    private record Fixed(List<Finding> findings) implements Detector {
        @Override
        public String id() {
            return "fixed";
        }

        @Override
        public Set<String> types() {
            return Set.of("A", "B", "C");
        }

        @Override
        public void detect(CharSequence text, Consumer<Finding> sink) {
            findings.forEach(sink);
        }
    }

    @Test
    void findingsToRedactAreThoseTheRulesSelectOnceEachInSelectionOrder() {
        Random random = new Random(41);
        for (int k = 0; k < 3_000; k++) {
            List<Finding> findings = new ArrayList<>();
            for (int i = 0, count = random.nextInt(40); i < count; i++) {
                int start = random.nextInt(30);
                Finding f = new Finding(
                        String.valueOf((char) ('A' + random.nextInt(3))),
                        start,
                        start + random.nextInt(6),
                        0.5 + random.nextInt(3) / 4.0,
                        "fixed");
                findings.add(f);
                if (random.nextInt(4) == 0) {
                    findings.add(
                            new Finding(f.type(), f.start(), f.end(), f.confidence(), f.detector())); // an equal one
                }
            }
            Policy policy = Policy.builder()
                    .detector(new Fixed(findings))
                    .rule(Rule.of("r1", Verdict.CONSTRAIN, random.nextBoolean() ? "B" : "C"))
                    .rule(Rule.builder("r2")
                            .types("A", "C")
                            .verdict(Verdict.CONSTRAIN)
                            .minCount(1 + random.nextInt(3))
                            .build())
                    .rule(Rule.of("r3", Verdict.ALLOW_LOG, "A"))
                    .build();
            Engine.Evaluation ev = dev.llmgate.policy.PolicyEngines.of(policy).evaluate("text", PolicyStage.INPUT, 0);
            assertThat(ev.toRedact())
                    .as("%s", findings)
                    .isEqualTo(reference(policy, ev.decision().findings()));
        }
    }

    /** The set the engine collected into before: a LinkedHashSet, rule by rule, position by position. */
    private static List<Finding> reference(Policy policy, List<Finding> found) {
        Set<Finding> redact = new LinkedHashSet<>();
        for (Rule r : policy.rules()) {
            if (r.verdict() != Verdict.CONSTRAIN) {
                continue;
            }
            long count = found.stream().filter(f -> r.selects(f.type())).count();
            if (count >= r.minCount()) {
                found.stream().filter(f -> r.selects(f.type())).forEach(redact::add);
            }
        }
        return dev.llmgate.policy.detect.internal.Recognizer.forRedaction(new ArrayList<>(redact));
    }
}
