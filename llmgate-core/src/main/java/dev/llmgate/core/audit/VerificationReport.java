package dev.llmgate.core.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link AuditVerifier} found in one log: a summary fit for compliance evidence, and the first
 * problem, located precisely. Immutable.
 *
 * @param logId             the log's id from its genesis ({@code ""} if there was none)
 * @param sources           the files (or other sources) read, in order
 * @param entries           entries verified (the intact prefix, when verification stopped early)
 * @param callRecords       call records among them
 * @param firstTimestamp    the earliest entry timestamp
 * @param lastTimestamp     the latest entry timestamp
 * @param checkpoints       signed checkpoints verified
 * @param lastCheckpointSeq the sequence number of the last verified checkpoint, or -1
 * @param lastCheckpointHash the entry hash of that checkpoint (64 hex digits), or {@code ""}: keep it with the seq and
 *                          give both to {@link AuditVerifier.Builder#expectCheckpoint} next time, so that a later log
 *                          that no longer holds this checkpoint (cut, or rewritten) fails
 * @param finalCheckpoint   whether the log ends with the checkpoint written by a clean close
 * @param keys              signing keys, each as {@code "<keyId> from seq <n>"}
 * @param externalMatched   entries of the external checkpoint copy matched against the log
 * @param failure           the first failure, if any: verification stops there
 * @param tornTail          a torn (incomplete or unparseable) last line, reported and not accepted
 * @param warnings          facts an auditor should see that do not break verification
 */
public record VerificationReport(String logId, List<String> sources, long entries, long callRecords,
                                 Optional<Instant> firstTimestamp, Optional<Instant> lastTimestamp, long checkpoints,
                                 long lastCheckpointSeq, String lastCheckpointHash, boolean finalCheckpoint, List<String> keys, int externalMatched,
                                 Optional<Failure> failure, Optional<String> tornTail, List<String> warnings) {

    public VerificationReport {
        Objects.requireNonNull(logId, "logId");
        Objects.requireNonNull(lastCheckpointHash, "lastCheckpointHash");
        sources = List.copyOf(sources);
        keys = List.copyOf(keys);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(firstTimestamp, "firstTimestamp");
        Objects.requireNonNull(lastTimestamp, "lastTimestamp");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(tornTail, "tornTail");
    }

    /** True when every entry verified and nothing was torn. */
    public boolean valid() {
        return failure.isEmpty() && tornTail.isEmpty();
    }

    /** {@code VALID}, {@code INVALID} or {@code TORN_TAIL} (the intact prefix verified, the last line is torn). */
    public String result() {
        return failure.isPresent() ? "INVALID" : tornTail.isPresent() ? "TORN_TAIL" : "VALID";
    }

    /** A multi-line, human-readable summary for compliance evidence. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("llmgate audit verification\n");
        sb.append("  log id:            ").append(logId.isEmpty() ? "(unknown)" : logId).append('\n');
        sb.append("  sources:           ").append(sources.size()).append(sources.size() == 1 ? " source" : " sources").append('\n');
        for (String s : sources) {
            sb.append("                     ").append(s).append('\n');
        }
        sb.append("  entries verified:  ").append(entries).append(" (").append(callRecords).append(" call records)\n");
        sb.append("  time range:        ").append(firstTimestamp.map(Instant::toString).orElse("-")).append(" .. ")
                .append(lastTimestamp.map(Instant::toString).orElse("-")).append('\n');
        sb.append("  checkpoints:       ").append(checkpoints).append(" signed, last at seq ").append(lastCheckpointSeq)
                .append(finalCheckpoint ? ", final checkpoint present" : ", no final checkpoint").append('\n');
        if (!lastCheckpointHash.isEmpty()) {
            sb.append("  last checkpoint:   ").append(lastCheckpointSeq).append(':').append(lastCheckpointHash).append('\n');
        }
        sb.append("  keys:              ").append(keys.isEmpty() ? "-" : String.join(", ", keys)).append('\n');
        sb.append("  external copy:     ").append(externalMatched).append(" entries matched\n");
        for (String w : warnings) {
            sb.append("  warning:           ").append(w).append('\n');
        }
        tornTail.ifPresent(t -> sb.append("  torn tail:         ").append(t).append('\n'));
        failure.ifPresent(f -> sb.append("  FAILURE:           seq ").append(f.seq()).append(" at ").append(f.location()).append(": ")
                .append(f.reason()).append('\n'));
        sb.append("  result:            ").append(result()).append('\n');
        return sb.toString();
    }

    /**
     * The first problem found.
     *
     * @param seq      the sequence number the verifier expected at that point (the first bad entry)
     * @param location {@code file:line} (1-based), or the source's own notion of a position
     * @param reason   what is wrong, in words
     */
    public record Failure(long seq, String location, String reason) {
        public Failure {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
