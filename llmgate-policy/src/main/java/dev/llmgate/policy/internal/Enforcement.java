package dev.llmgate.policy.internal;

import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.policy.Decision;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.redact.TokenRestore;
import dev.llmgate.policy.redact.TokenVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shared steps of the input, output, stream and tool-call stages. Not API. */
public final class Enforcement {
    private Enforcement() {}

    /**
     * Checks each tool call and returns the calls as the caller gets them (placeholders restored
     * only if the policy restores tokens into tool-call arguments, and then outside URLs unless it
     * restores into URLs too); throws if one is blocked. The tool policy sees the arguments exactly
     * as the caller will get them. Records one "tool" decision when there were tool calls.
     */
    public static List<ToolCall> checkToolCalls(
            Policy policy, Engine engine, CallContext call, List<ToolCall> calls, TokenVault vault) {
        if (calls.isEmpty()) {
            return calls;
        }
        boolean restore = policy.restoreTokens().contains(TokenRestore.TOOL_CALL_ARGUMENTS);
        boolean urls = policy.restoreTokens().contains(TokenRestore.URLS);
        List<ToolCall> out = new ArrayList<>(calls.size());
        for (ToolCall tc : calls) {
            String args = restore
                    ? PlaceholderRestore.restoreAnswer(vault, tc.argumentsJson(), true, urls)
                    : tc.argumentsJson();
            ToolCall restored = args.equals(tc.argumentsJson()) ? tc : new ToolCall(tc.id(), tc.name(), args);
            if (policy.toolPolicy().isActive()) {
                Decision d = engine.evaluateToolCall(restored, args);
                Verdict v = decide(engine, call, d, Optional.of(restored), PolicyStage.TOOL);
                if (v == Verdict.BLOCK) {
                    throw blocked(policy, PolicyStage.TOOL, d);
                }
            }
            out.add(restored);
        }
        return out;
    }

    /** Resolves approval if needed, records the decision (which rewrote nothing), returns the verdict that applies. */
    public static Verdict decide(
            Engine engine, CallContext call, Decision decision, Optional<ToolCall> toolCall, PolicyStage recordAs) {
        return decide(engine, call, decision, toolCall, recordAs, Map.of());
    }

    /**
     * Like {@link #decide(Engine, CallContext, Decision, Optional, PolicyStage)}, recording {@code rewritten} (finding
     * type to the count of findings rewritten in what went on) as the decision's {@code redacted} counts, whatever the
     * verdict: a decision that needed approval rewrites too. A blocked request or answer went nowhere, so its counts
     * are dropped; a stream's are what it released rewritten before it was blocked.
     */
    public static Verdict decide(
            Engine engine,
            CallContext call,
            Decision decision,
            Optional<ToolCall> toolCall,
            PolicyStage recordAs,
            Map<String, Integer> rewritten) {
        Verdict verdict = decision.verdict();
        String label = verdict.name();
        if (verdict == Verdict.REQUIRE_APPROVAL) {
            Engine.ApprovalOutcome outcome = engine.approve(call.callId(), decision, toolCall);
            verdict = outcome.verdict();
            label = outcome.label();
        }
        PolicyRecord recorded = decision.toRecord(recordAs, label);
        if (!rewritten.isEmpty() && (verdict != Verdict.BLOCK || recordAs == PolicyStage.STREAM)) {
            recorded = new PolicyRecord(
                    recorded.stage(), recorded.verdict(), recorded.ruleIds(), recorded.findings(), rewritten);
        }
        call.append(CallFacts.POLICY, recorded);
        return verdict;
    }

    /** Finding type to count of the findings to rewrite in {@code lists}, for the decision's record. */
    @SafeVarargs
    public static Map<String, Integer> countByType(List<Finding>... lists) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (List<Finding> list : lists) {
            for (Finding f : list) {
                counts.merge(f.type(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Adds the findings of {@code list} to {@code counts} by type. */
    static void addByType(Map<String, Integer> counts, List<Finding> list) {
        for (Finding f : list) {
            counts.merge(f.type(), 1, Integer::sum);
        }
    }

    /** The exception for a blocked decision: names the policy, the stage and the rules, never the values. */
    public static PolicyBlockedException blocked(Policy policy, PolicyStage stage, Decision decision) {
        return new PolicyBlockedException(
                "blocked by policy '" + policy.name() + "' at " + stage.label() + " (rules " + decision.ruleIds()
                        + ", findings " + decision.findingCounts() + ")",
                decision.ruleIds());
    }
}
