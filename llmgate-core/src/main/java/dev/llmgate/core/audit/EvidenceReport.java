package dev.llmgate.core.audit;

import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.EvidenceTally;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a verified audit log shows, for an auditor to file: the period, the log id and the public-key fingerprints,
 * the signed checkpoints and any warnings, calls by outcome, policy decisions by rule and verdict, redactions by
 * identifier type, blocked and approved tool calls, budget refusals, and the verification result, with a section
 * that maps each figure to the control it is evidence for (HIPAA §164.312(b), PCI DSS requirement 10, SOC 2 CC7.2).
 * It is evidence that the controls operated as recorded, never a certification.
 *
 * <p>Guarantees: the figures come from the same pass that verified the log, entry by entry, so a record that did not
 * verify is never counted; a log that failed verification produces a report that says so first and holds no figures
 * (and a log whose last line is torn is reported with that warning first, and figures for the intact prefix only).
 * Nothing in a report identifies a person: it counts outcomes, rule ids, verdicts and identifier types, never values.
 * Produced by {@link AuditVerifier#evidence(java.util.List)}; immutable.
 */
public final class EvidenceReport {
    /** The controls each figure is evidence for: control, requirement, what the figures show. */
    private static final List<String[]> MAPPING = List.of(
            new String[] {
                "HIPAA §164.312(b) Audit controls",
                "Mechanisms that record and examine activity in systems that contain or use ePHI.",
                "Every model call has a signed, hash-chained record (call records, period, checkpoints, verification"
                        + " result); PHI handling is recorded per call (policy decisions, redactions by identifier"
                        + " type)."
            },
            new String[] {
                "PCI DSS v4.0 Requirement 10.2",
                "Audit logs capture the events that matter, with enough detail to reconstruct them.",
                "Calls by outcome, blocked calls, policy decisions by rule and verdict, tool calls blocked or approved,"
                        + " budget refusals."
            },
            new String[] {
                "PCI DSS v4.0 Requirement 10.3",
                "Audit logs are protected from destruction and unauthorized modification.",
                "The verification result over the hash chain, the Ed25519 signatures and the signed checkpoints"
                        + " (Merkle roots), against the trusted key fingerprints."
            },
            new String[] {
                "SOC 2 CC7.2",
                "The entity monitors system components and their operation for anomalies.",
                "Policy decisions by stage and verdict, blocked prompt injections and tool calls, failures by type,"
                        + " budget refusals."
            });

    private final VerificationReport verification;
    private final List<String> trustedKeyFingerprints;
    private final EvidenceTally tally;

    EvidenceReport(VerificationReport verification, List<String> trustedKeyFingerprints, EvidenceTally tally) {
        this.verification = Objects.requireNonNull(verification, "verification");
        this.trustedKeyFingerprints = List.copyOf(trustedKeyFingerprints);
        this.tally = verification.failure().isPresent() ? new EvidenceTally() : tally;
    }

    /** The verification the figures come from. */
    public VerificationReport verification() {
        return verification;
    }

    /** {@code VALID}, {@code INVALID} or {@code TORN_TAIL}, as {@link VerificationReport#result()}. */
    public String result() {
        return verification.result();
    }

    /** SHA-256 of each trusted raw Ed25519 public key, 64 hex digits. */
    public List<String> trustedKeyFingerprints() {
        return trustedKeyFingerprints;
    }

    /** Call records by {@code outcome} (success, blocked, failed, cancelled); empty for a log that failed. */
    public Map<String, Long> callsByOutcome() {
        return Map.copyOf(tally.callsByOutcome);
    }

    /** Policy decisions by rule id, then by verdict (ALLOW_LOG, CONSTRAIN, BLOCK, REQUIRE_APPROVAL:...). */
    public Map<String, Map<String, Long>> decisionsByRule() {
        return copy(tally.decisionsByRule);
    }

    /** Policy decisions by stage (input, output, stream, tool), then by verdict. */
    public Map<String, Map<String, Long>> decisionsByStage() {
        return copy(tally.decisionsByStage);
    }

    /**
     * Identifiers rewritten (redacted, masked or tokenized) in what went on, by identifier type: the decisions'
     * {@code redacted} counts, and for a CONSTRAIN decision without them, its findings (see
     * {@link #redactionsEstimated()}).
     */
    public Map<String, Long> redactionsByType() {
        return Map.copyOf(tally.redactionsByType);
    }

    /**
     * CONSTRAIN decisions that carry no {@code redacted} counts (written by a custom interceptor with the four-value
     * {@code PolicyRecord}), whose findings were counted as redactions: an upper bound for them.
     */
    public long redactionsEstimated() {
        return tally.redactionsEstimated;
    }

    /** Failed calls by exception type. */
    public Map<String, Long> failuresByType() {
        return Map.copyOf(tally.failuresByType);
    }

    /** Tool calls the policy blocked (or whose approval was denied, timed out to block, or had no handler). */
    public long toolCallsBlocked() {
        return tally.toolCallsBlocked;
    }

    /** Tool calls that needed approval and were approved. */
    public long toolCallsApproved() {
        return tally.toolCallsApproved;
    }

    /** Calls refused by a budget or rate limit. */
    public long budgetRefusals() {
        return tally.budgetRefusals;
    }

    private static Map<String, Map<String, Long>> copy(Map<String, Map<String, Long>> m) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, Map.copyOf(v)));
        return Map.copyOf(out);
    }

    /** The report as JSON (canonical: members sorted, no white space). */
    public String toJson() {
        Map<String, Object> root = new TreeMap<>();
        root.put("report", "llmgate-audit-evidence/1");
        root.put(
                "statement", "Evidence that the audit controls operated as recorded in this log; not a certification.");
        Map<String, Object> v = new TreeMap<>();
        v.put("result", result());
        v.put("log_id", verification.logId());
        v.put("sources", new ArrayList<Object>(verification.sources()));
        verification.failure().ifPresent(f -> {
            Map<String, Object> fm = new TreeMap<>();
            fm.put("seq", f.seq());
            fm.put("location", f.location());
            fm.put("reason", f.reason());
            v.put("failure", fm);
        });
        verification.tornTail().ifPresent(t -> v.put("torn_tail", t));
        root.put("verification", v);
        if (verification.failure().isPresent()) {
            root.put("note", "The log failed verification: it may have been altered, so no figures are reported.");
            return CanonicalJson.write(root);
        }
        v.put("entries", verification.entries());
        v.put("call_records", verification.callRecords());
        v.put("checkpoints", verification.checkpoints());
        v.put("final_checkpoint", verification.finalCheckpoint());
        v.put("last_checkpoint", verification.lastCheckpointSeq() + ":" + verification.lastCheckpointHash());
        v.put("key_ids", new ArrayList<Object>(verification.keys()));
        v.put("trusted_key_sha256", new ArrayList<Object>(trustedKeyFingerprints));
        v.put("warnings", new ArrayList<Object>(verification.warnings()));
        Map<String, Object> period = new TreeMap<>();
        period.put("from", verification.firstTimestamp().map(Instant::toString).orElse(""));
        period.put("to", verification.lastTimestamp().map(Instant::toString).orElse(""));
        root.put("period", period);
        Map<String, Object> figures = new TreeMap<>();
        figures.put("calls_by_outcome", new TreeMap<String, Object>(tally.callsByOutcome));
        figures.put("calls_by_mode", new TreeMap<String, Object>(tally.callsByMode));
        figures.put("cache_hits", tally.cacheHits);
        figures.put("decisions_by_rule", nested(tally.decisionsByRule));
        figures.put("decisions_by_stage", nested(tally.decisionsByStage));
        figures.put("redactions_by_type", new TreeMap<String, Object>(tally.redactionsByType));
        figures.put("redaction_decisions_estimated", tally.redactionsEstimated);
        figures.put("failures_by_type", new TreeMap<String, Object>(tally.failuresByType));
        figures.put("tool_calls_blocked", tally.toolCallsBlocked);
        figures.put("tool_calls_approved", tally.toolCallsApproved);
        figures.put("approvals_denied", tally.approvalsDenied);
        figures.put("budget_refusals", tally.budgetRefusals);
        figures.put("records_with_content", tally.contentCaptured);
        root.put("figures", figures);
        List<Object> mapping = new ArrayList<>();
        for (String[] m : MAPPING) {
            Map<String, Object> e = new TreeMap<>();
            e.put("control", m[0]);
            e.put("requirement", m[1]);
            e.put("evidence", m[2]);
            mapping.add(e);
        }
        root.put("mapping", mapping);
        return CanonicalJson.write(root);
    }

    private static Map<String, Object> nested(Map<String, Map<String, Long>> m) {
        Map<String, Object> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, new TreeMap<String, Object>(v)));
        return out;
    }

    /** The report as a Markdown page an auditor can read and file. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        if (verification.failure().isPresent()) {
            VerificationReport.Failure f = verification.failure().get();
            sb.append("# Audit evidence report: VERIFICATION FAILED\n\n");
            sb.append("**The audit log failed verification.** It may have been altered or damaged, so this report")
                    .append(" states no figures.\n\n");
            // values read from a log that failed are quoted inert: one line, no Markdown of their own
            sb.append("- log id: ").append(inert(verification.logId())).append('\n');
            sb.append("- first bad entry: seq ")
                    .append(f.seq())
                    .append(" at ")
                    .append(inert(f.location()))
                    .append('\n');
            sb.append("- reason: ").append(inert(f.reason())).append('\n');
            return sb.toString();
        }
        sb.append("# Audit evidence report\n\n");
        if (verification.tornTail().isPresent()) {
            sb.append("**Warning: the last line of the log is torn** (a write interrupted by a crash); the figures")
                    .append(" cover the intact prefix, which verified: ")
                    .append(verification.tornTail().get())
                    .append("\n\n");
        }
        sb.append("Evidence that the audit controls operated as recorded in this log; not a certification.\n\n");
        sb.append("## Verification\n\n");
        sb.append("| | |\n|---|---|\n");
        row(sb, "result", "**" + result() + "**");
        row(sb, "log id", inert(verification.logId()));
        row(
                sb,
                "period",
                verification.firstTimestamp().map(Instant::toString).orElse("-") + " to "
                        + verification.lastTimestamp().map(Instant::toString).orElse("-"));
        row(sb, "entries", verification.entries() + " (" + verification.callRecords() + " call records)");
        row(
                sb,
                "signed checkpoints",
                verification.checkpoints()
                        + (verification.finalCheckpoint()
                                ? ", ending with a final checkpoint"
                                : ", no final checkpoint"));
        row(
                sb,
                "last checkpoint",
                "`" + verification.lastCheckpointSeq() + ":" + verification.lastCheckpointHash() + "`");
        row(sb, "signing key ids", String.join(", ", verification.keys()));
        row(sb, "trusted key SHA-256", "`" + String.join("`, `", trustedKeyFingerprints) + "`");
        for (String w : verification.warnings()) {
            row(sb, "warning", w.replaceAll("[\\r\\n]", " "));
        }
        sb.append("\n## Calls\n\n");
        table(sb, "outcome", tally.callsByOutcome);
        sb.append("\nCache hits: ")
                .append(tally.cacheHits)
                .append(". Budget and rate-limit refusals: ")
                .append(tally.budgetRefusals)
                .append(".\n");
        if (!tally.failuresByType.isEmpty()) {
            sb.append('\n');
            table(sb, "failure type", tally.failuresByType);
        }
        sb.append("\n## Policy decisions by rule\n\n");
        nestedTable(sb, "rule", tally.decisionsByRule);
        sb.append("\n## Policy decisions by stage\n\n");
        nestedTable(sb, "stage", tally.decisionsByStage);
        sb.append("\n## Redactions by identifier type\n\n");
        table(sb, "identifier type", tally.redactionsByType);
        if (tally.redactionsEstimated > 0) {
            sb.append("\n")
                    .append(tally.redactionsEstimated)
                    .append(
                            " redacting decision(s) carry no counts of what they rewrote (a custom policy stage): their")
                    .append(" findings are counted, an upper bound.\n");
        }
        sb.append("\n## Tool calls\n\n");
        sb.append("Blocked: ")
                .append(tally.toolCallsBlocked)
                .append(". Approved after review: ")
                .append(tally.toolCallsApproved)
                .append(". Approvals denied (any stage): ")
                .append(tally.approvalsDenied)
                .append(".\n");
        sb.append("\n## What these figures are evidence for\n\n");
        sb.append("| control | requirement | evidence in this report |\n|---|---|---|\n");
        for (String[] m : MAPPING) {
            sb.append("| ")
                    .append(m[0])
                    .append(" | ")
                    .append(m[1])
                    .append(" | ")
                    .append(m[2])
                    .append(" |\n");
        }
        sb.append("\nThis report states what the verified log records. It is not a certification of compliance with")
                .append(" any of these frameworks.\n");
        return sb.toString();
    }

    /** A value for a Markdown page that cannot break out of its line or add formatting: code-quoted, one line. */
    private static String inert(String v) {
        return "`" + v.replaceAll("[\\r\\n\\u2028\\u2029|]", " ").replace("`", "'") + "`";
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
    }

    private static void table(StringBuilder sb, String key, Map<String, Long> m) {
        if (m.isEmpty()) {
            sb.append("(none)\n");
            return;
        }
        sb.append("| ").append(key).append(" | count |\n|---|---|\n");
        m.forEach((k, v) ->
                sb.append("| ").append(inert(k)).append(" | ").append(v).append(" |\n"));
    }

    private static void nestedTable(StringBuilder sb, String key, Map<String, Map<String, Long>> m) {
        if (m.isEmpty()) {
            sb.append("(none)\n");
            return;
        }
        sb.append("| ").append(key).append(" | verdicts |\n|---|---|\n");
        m.forEach((k, v) -> {
            Map<String, Long> sorted = new LinkedHashMap<>(new TreeMap<>(v));
            StringBuilder cell = new StringBuilder();
            sorted.forEach((verdict, n) -> cell.append(cell.length() == 0 ? "" : ", ")
                    .append(verdict)
                    .append(": ")
                    .append(n));
            sb.append("| ")
                    .append(inert(k))
                    .append(" | ")
                    .append(cell.toString().replaceAll("[\\r\\n|`]", " "))
                    .append(" |\n");
        });
    }

    @Override
    public String toString() {
        return "EvidenceReport[" + result() + ", log " + verification.logId() + ", " + verification.callRecords()
                + " call records]";
    }
}
