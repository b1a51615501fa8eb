package dev.llmgate.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a policy decided in one call, as audit records it: never the sensitive values, only which
 * rules fired, how many findings of each type there were, and how many of them the decision
 * rewrote (redacted, masked or tokenized) in what went on.
 *
 * @param stage    where the decision was made: {@code "input"}, {@code "output"}, {@code "stream"} or {@code "tool"}
 * @param verdict  {@code ALLOW}, {@code ALLOW_LOG}, {@code CONSTRAIN}, {@code BLOCK} or {@code REQUIRE_APPROVAL} (and its outcome)
 * @param ruleIds  the rules that fired, in order
 * @param findings finding type to count, e.g. {@code {"EMAIL": 2}}
 * @param redacted finding type to the count of findings rewritten in what went on (a type the rules
 *     only logged is not in it; for a stream, what it released rewritten); empty when nothing was
 */
public record PolicyRecord(
        String stage,
        String verdict,
        List<String> ruleIds,
        Map<String, Integer> findings,
        Map<String, Integer> redacted) {
    public PolicyRecord {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(verdict, "verdict");
        ruleIds = List.copyOf(ruleIds);
        findings = Map.copyOf(findings);
        redacted = Map.copyOf(redacted);
    }

    /** A decision that rewrote nothing. */
    public PolicyRecord(String stage, String verdict, List<String> ruleIds, Map<String, Integer> findings) {
        this(stage, verdict, ruleIds, findings, Map.of());
    }
}
