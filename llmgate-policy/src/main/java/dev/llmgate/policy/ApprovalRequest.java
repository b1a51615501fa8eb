package dev.llmgate.policy;

import dev.llmgate.api.ToolCall;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link ApprovalHandler} is asked to decide. Holds rule ids and finding counts, never the
 * sensitive values; for a tool call, the tool call itself (the application's own data, so that a
 * reviewer can see what would run).
 *
 * @param callId   the gate's call id
 * @param stage    where approval was required
 * @param ruleIds  the rules that asked for approval (and any others that fired)
 * @param findings finding type to count
 * @param toolCall the tool call awaiting approval, for {@link PolicyStage#TOOL}
 */
public record ApprovalRequest(
        String callId,
        PolicyStage stage,
        List<String> ruleIds,
        Map<String, Integer> findings,
        Optional<ToolCall> toolCall) {
    public ApprovalRequest {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(stage, "stage");
        ruleIds = List.copyOf(ruleIds);
        findings = Map.copyOf(findings);
        Objects.requireNonNull(toolCall, "toolCall: use Optional.empty()");
    }
}
