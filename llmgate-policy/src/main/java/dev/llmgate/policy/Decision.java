package dev.llmgate.policy;

import dev.llmgate.api.spi.PolicyRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A policy's decision on one piece of text (or one tool call): the verdict, the rules that fired
 * and the findings behind them (types, spans and confidences, never values). Deterministic: the
 * same policy and the same input always give an equal decision.
 *
 * @param stage    where it was decided
 * @param verdict  the most severe verdict of the rules that fired, {@link Verdict#ALLOW} if none fired
 * @param ruleIds  the rules that fired, in the order the policy declares them
 * @param findings the findings at or above their type's threshold, ordered by position
 */
public record Decision(PolicyStage stage, Verdict verdict, List<String> ruleIds, List<Finding> findings) {
    public Decision {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(verdict, "verdict");
        ruleIds = List.copyOf(ruleIds);
        findings = List.copyOf(findings);
    }

    /** An {@link Verdict#ALLOW} decision with no findings. */
    public static Decision allow(PolicyStage stage) {
        return new Decision(stage, Verdict.ALLOW, List.of(), List.of());
    }

    /** Finding type to count, sorted by type. */
    public Map<String, Integer> findingCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Finding f : findings) {
            counts.merge(f.type(), 1, Integer::sum);
        }
        return counts;
    }

    /** The audit form of this decision, with {@code verdictLabel} as its verdict (e.g. an approval's outcome). */
    public PolicyRecord toRecord(PolicyStage recordedStage, String verdictLabel) {
        return new PolicyRecord(recordedStage.label(), verdictLabel, ruleIds, findingCounts());
    }

    /** The audit form of this decision. */
    public PolicyRecord toRecord() {
        return toRecord(stage, verdict.name());
    }

    /** This decision combined with {@code other}: the more severe verdict, both rule lists and both findings. */
    public Decision merge(Decision other) {
        List<String> rules = new ArrayList<>(ruleIds);
        for (String id : other.ruleIds) {
            if (!rules.contains(id)) {
                rules.add(id);
            }
        }
        List<Finding> all = new ArrayList<>(findings);
        all.addAll(other.findings);
        return new Decision(stage, verdict.max(other.verdict), rules, all);
    }

    @Override
    public String toString() {
        return "Decision[" + stage.label() + " " + verdict + " rules=" + ruleIds + " findings=" + findingCounts() + "]";
    }
}
