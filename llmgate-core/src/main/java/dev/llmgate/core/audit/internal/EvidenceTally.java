package dev.llmgate.core.audit.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Counts what the call records of a verified log show: calls by outcome, policy decisions by rule, stage and verdict,
 * redactions by identifier type, tool calls blocked and approved, budget refusals. Reads only the members the
 * record format defines; never a value that could identify a person. Not thread-safe; one per log.
 */
public final class EvidenceTally implements Consumer<LogEntry> {
    public final Map<String, Long> callsByOutcome = new TreeMap<>();
    public final Map<String, Long> callsByMode = new TreeMap<>();
    public final Map<String, Map<String, Long>> decisionsByRule = new TreeMap<>();
    public final Map<String, Map<String, Long>> decisionsByStage = new TreeMap<>();
    public final Map<String, Long> redactionsByType = new TreeMap<>();
    public final Map<String, Long> failuresByType = new TreeMap<>();
    public long toolCallsBlocked;
    public long toolCallsApproved;
    public long approvalsDenied;
    public long budgetRefusals;
    public long cacheHits;
    public long contentCaptured;
    /** CONSTRAIN decisions without {@code redacted} counts, whose findings were counted as redactions instead. */
    public long redactionsEstimated;

    @Override
    public void accept(LogEntry record) {
        callsByOutcome.merge(nonEmpty(record.str("outcome")), 1L, Long::sum);
        callsByMode.merge(nonEmpty(record.str("mode")), 1L, Long::sum);
        if (Boolean.TRUE.equals(record.get("cache_hit"))) {
            cacheHits++;
        }
        if (record.get("request_content") != null) {
            contentCaptured++;
        }
        if (record.get("error") instanceof Map<?, ?> error && error.get("type") instanceof String type) {
            failuresByType.merge(type, 1L, Long::sum);
            if (type.equals("BudgetExceededException")) {
                budgetRefusals++;
            }
        }
        if (!(record.get("policy") instanceof List<?> decisions)) {
            return;
        }
        for (Object d : decisions) {
            if (!(d instanceof Map<?, ?> decision)) {
                continue;
            }
            String stage = decision.get("stage") instanceof String s ? s : "?";
            String verdict = decision.get("verdict") instanceof String v ? v : "?";
            decisionsByStage.computeIfAbsent(stage, k -> new TreeMap<>()).merge(verdict, 1L, Long::sum);
            if (decision.get("rules") instanceof List<?> rules) {
                for (Object rule : rules) {
                    if (rule instanceof String id) {
                        decisionsByRule
                                .computeIfAbsent(id, k -> new TreeMap<>())
                                .merge(verdict, 1L, Long::sum);
                    }
                }
            }
            Object counted = decision.get("redacted");
            if (counted == null && verdict.equals("CONSTRAIN")) {
                // a record without counts (a custom interceptor's four-value PolicyRecord): its findings, flagged
                counted = decision.get("findings");
                if (counted instanceof Map<?, ?> m && !m.isEmpty()) {
                    redactionsEstimated++;
                }
            }
            if (counted instanceof Map<?, ?> findings) {
                findings.forEach((type, count) -> {
                    if (type instanceof String t && count instanceof Long n) {
                        redactionsByType.merge(t, n, Long::sum);
                    }
                });
            }
            boolean approval = verdict.startsWith("REQUIRE_APPROVAL:");
            boolean blocked = verdict.equals("BLOCK") || (approval && verdict.endsWith("BLOCK"));
            if (approval && blocked) {
                approvalsDenied++;
            }
            if (stage.equals("tool")) {
                if (blocked) {
                    toolCallsBlocked++;
                } else if (verdict.equals("REQUIRE_APPROVAL:ALLOW")) { // a reviewer's ALLOW, not a timeout's fallback
                    toolCallsApproved++;
                }
            }
        }
    }

    private static String nonEmpty(String s) {
        return s.isEmpty() ? "(none)" : s;
    }
}
