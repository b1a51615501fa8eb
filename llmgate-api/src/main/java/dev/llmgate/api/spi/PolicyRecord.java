package dev.llmgate.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a policy decided in one call, as audit records it: never the sensitive values, only which
 * rules fired and how many findings of each type there were.
 *
 * @param stage    where the decision was made: {@code "input"}, {@code "output"}, {@code "stream"} or {@code "tool"}
 * @param verdict  {@code ALLOW}, {@code ALLOW_LOG}, {@code CONSTRAIN}, {@code BLOCK} or {@code REQUIRE_APPROVAL} (and its outcome)
 * @param ruleIds  the rules that fired, in order
 * @param findings finding type to count, e.g. {@code {"EMAIL": 2}}
 */
public record PolicyRecord(String stage, String verdict, List<String> ruleIds, Map<String, Integer> findings) {
    public PolicyRecord {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(verdict, "verdict");
        ruleIds = List.copyOf(ruleIds);
        findings = Map.copyOf(findings);
    }
}
