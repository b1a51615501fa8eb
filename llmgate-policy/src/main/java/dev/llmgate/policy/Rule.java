package dev.llmgate.policy;

import dev.llmgate.policy.internal.Glob;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A text rule: when at least {@code minCount} findings of the selected types (at or above their
 * thresholds) appear at one of the rule's stages, the rule fires with its verdict.
 *
 * @param id       a stable id, recorded in audit records and in {@link dev.llmgate.api.exception.PolicyBlockedException#ruleIds()}
 * @param types    finding types or globs ({@code "SECRET_*"}, {@code "*"})
 * @param stages   {@link PolicyStage#INPUT} and/or {@link PolicyStage#OUTPUT} (output covers streamed answers)
 * @param verdict  what the rule decides when it fires
 * @param minCount how many matching findings it takes, at least 1
 */
public record Rule(String id, List<String> types, Set<PolicyStage> stages, Verdict verdict, int minCount) {
    public Rule {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException(
                    "a rule needs a non-blank id (it is what audit records and errors name)");
        }
        types = List.copyOf(types);
        if (types.isEmpty()) {
            throw new IllegalArgumentException(
                    "rule " + id + " selects no finding types: give at least one type or glob");
        }
        stages = Set.copyOf(stages);
        if (stages.isEmpty() || stages.contains(PolicyStage.TOOL) || stages.contains(PolicyStage.STREAM)) {
            throw new IllegalArgumentException("rule " + id
                    + " must apply to INPUT and/or OUTPUT (OUTPUT covers streams; tool calls use ToolPolicy)");
        }
        Objects.requireNonNull(verdict, "verdict");
        if (minCount < 1) {
            throw new IllegalArgumentException("rule " + id + ": minCount must be at least 1, was " + minCount);
        }
    }

    /** A rule on input and output that fires on any one finding of {@code types}. */
    public static Rule of(String id, Verdict verdict, String... types) {
        return new Rule(id, List.of(types), EnumSet.of(PolicyStage.INPUT, PolicyStage.OUTPUT), verdict, 1);
    }

    /** A builder, for stages and counts. */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** True if findings of {@code type} count for this rule. */
    public boolean selects(String type) {
        for (String glob : types) {
            if (Glob.matches(glob, type)) {
                return true;
            }
        }
        return false;
    }

    /** True if this rule applies at {@code stage} (OUTPUT rules apply to streams too). */
    public boolean appliesTo(PolicyStage stage) {
        return stages.contains(stage == PolicyStage.STREAM ? PolicyStage.OUTPUT : stage);
    }

    /** Builds a {@link Rule}; defaults: both stages, verdict BLOCK, count 1. */
    public static final class Builder {
        private final String id;
        private final List<String> types = new ArrayList<>();
        private Set<PolicyStage> stages = EnumSet.of(PolicyStage.INPUT, PolicyStage.OUTPUT);
        private Verdict verdict = Verdict.BLOCK;
        private int minCount = 1;

        private Builder(String id) {
            this.id = id;
        }

        public Builder types(String... values) {
            types.addAll(List.of(values));
            return this;
        }

        public Builder types(List<String> values) {
            types.addAll(values);
            return this;
        }

        public Builder stages(PolicyStage... values) {
            stages = EnumSet.noneOf(PolicyStage.class);
            stages.addAll(List.of(values));
            return this;
        }

        public Builder verdict(Verdict value) {
            this.verdict = Objects.requireNonNull(value, "verdict");
            return this;
        }

        public Builder minCount(int value) {
            this.minCount = value;
            return this;
        }

        public Rule build() {
            return new Rule(id, types, stages, verdict, minCount);
        }
    }
}
