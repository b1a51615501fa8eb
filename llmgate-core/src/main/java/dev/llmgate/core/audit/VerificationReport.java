package dev.llmgate.core.audit;

import dev.llmgate.core.audit.internal.LogCheck;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link AuditVerifier} found in one log: a summary fit for compliance evidence, and the first
 * problem, located precisely. Only the verifier creates these; read them.
 *
 * <p>Guarantees: immutable (lists are unmodifiable copies); no accessor returns {@code null}; equal when
 * every value is equal. Holds no entry content: ids, counts, timestamps, hashes, key ids, file
 * locations and the verifier's own words. A final class rather than a record so that findings can be
 * added in later versions without breaking callers (docs/api-stability.md).
 */
public final class VerificationReport {
    private final String logId;
    private final List<String> sources;
    private final long entries;
    private final long callRecords;
    private final Optional<Instant> firstTimestamp;
    private final Optional<Instant> lastTimestamp;
    private final long checkpoints;
    private final long lastCheckpointSeq;
    private final String lastCheckpointHash;
    private final boolean finalCheckpoint;
    private final List<String> keys;
    private final int externalMatched;
    private final Optional<Failure> failure;
    private final Optional<String> tornTail;
    private final List<String> warnings;

    VerificationReport(LogCheck.Summary s) {
        this.logId = Objects.requireNonNull(s.logId(), "logId");
        this.sources = List.copyOf(s.sources());
        this.entries = s.entries();
        this.callRecords = s.callRecords();
        this.firstTimestamp = Objects.requireNonNull(s.firstTimestamp(), "firstTimestamp");
        this.lastTimestamp = Objects.requireNonNull(s.lastTimestamp(), "lastTimestamp");
        this.checkpoints = s.checkpoints();
        this.lastCheckpointSeq = s.lastCheckpointSeq();
        this.lastCheckpointHash = Objects.requireNonNull(s.lastCheckpointHash(), "lastCheckpointHash");
        this.finalCheckpoint = s.finalCheckpoint();
        this.keys = List.copyOf(s.keys());
        this.externalMatched = s.externalMatched();
        this.failure = Objects.requireNonNull(s.failure(), "failure");
        this.tornTail = Objects.requireNonNull(s.tornTail(), "tornTail");
        this.warnings = List.copyOf(s.warnings());
    }

    /** The log's id from its genesis ({@code ""} if there was none). */
    public String logId() {
        return logId;
    }

    /** The files (or other sources) read, in order. */
    public List<String> sources() {
        return sources;
    }

    /** Entries verified (the intact prefix, when verification stopped early). */
    public long entries() {
        return entries;
    }

    /** Call records among them. */
    public long callRecords() {
        return callRecords;
    }

    /** The earliest entry timestamp. */
    public Optional<Instant> firstTimestamp() {
        return firstTimestamp;
    }

    /** The latest entry timestamp. */
    public Optional<Instant> lastTimestamp() {
        return lastTimestamp;
    }

    /** Signed checkpoints verified. */
    public long checkpoints() {
        return checkpoints;
    }

    /** The sequence number of the last verified checkpoint, or -1. */
    public long lastCheckpointSeq() {
        return lastCheckpointSeq;
    }

    /**
     * The entry hash of that checkpoint (64 hex digits), or {@code ""}: keep it with the seq and give both to
     * {@link AuditVerifier.Builder#expectCheckpoint} next time, so that a later log that no longer holds this
     * checkpoint (cut, or rewritten) fails.
     */
    public String lastCheckpointHash() {
        return lastCheckpointHash;
    }

    /** Whether the log ends with the checkpoint written by a clean close. */
    public boolean finalCheckpoint() {
        return finalCheckpoint;
    }

    /** Signing keys, each as {@code "<keyId> from seq <n>"}. */
    public List<String> keys() {
        return keys;
    }

    /** Entries of the external checkpoint copy matched against the log. */
    public int externalMatched() {
        return externalMatched;
    }

    /** The first failure, if any: verification stops there. */
    public Optional<Failure> failure() {
        return failure;
    }

    /** A torn (incomplete or unparseable) last line, reported and not accepted. */
    public Optional<String> tornTail() {
        return tornTail;
    }

    /** Facts an auditor should see that do not break verification. */
    public List<String> warnings() {
        return warnings;
    }

    /** Equal when every value is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof VerificationReport r
                        && logId.equals(r.logId)
                        && sources.equals(r.sources)
                        && entries == r.entries
                        && callRecords == r.callRecords
                        && firstTimestamp.equals(r.firstTimestamp)
                        && lastTimestamp.equals(r.lastTimestamp)
                        && checkpoints == r.checkpoints
                        && lastCheckpointSeq == r.lastCheckpointSeq
                        && lastCheckpointHash.equals(r.lastCheckpointHash)
                        && finalCheckpoint == r.finalCheckpoint
                        && keys.equals(r.keys)
                        && externalMatched == r.externalMatched
                        && failure.equals(r.failure)
                        && tornTail.equals(r.tornTail)
                        && warnings.equals(r.warnings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                logId,
                sources,
                entries,
                callRecords,
                firstTimestamp,
                lastTimestamp,
                checkpoints,
                lastCheckpointSeq,
                lastCheckpointHash,
                finalCheckpoint,
                keys,
                externalMatched,
                failure,
                tornTail,
                warnings);
    }

    /** Every value, on one line (see {@link #summary()} for the human-readable form). */
    @Override
    public String toString() {
        return "VerificationReport[logId=" + logId + ", sources=" + sources + ", entries=" + entries + ", callRecords="
                + callRecords
                + ", firstTimestamp=" + firstTimestamp + ", lastTimestamp=" + lastTimestamp + ", checkpoints="
                + checkpoints
                + ", lastCheckpointSeq=" + lastCheckpointSeq + ", lastCheckpointHash=" + lastCheckpointHash
                + ", finalCheckpoint="
                + finalCheckpoint + ", keys=" + keys + ", externalMatched=" + externalMatched + ", failure=" + failure
                + ", tornTail="
                + tornTail + ", warnings=" + warnings + "]";
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
        sb.append("  log id:            ")
                .append(logId.isEmpty() ? "(unknown)" : logId)
                .append('\n');
        sb.append("  sources:           ")
                .append(sources.size())
                .append(sources.size() == 1 ? " source" : " sources")
                .append('\n');
        for (String s : sources) {
            sb.append("                     ").append(s).append('\n');
        }
        sb.append("  entries verified:  ")
                .append(entries)
                .append(" (")
                .append(callRecords)
                .append(" call records)\n");
        sb.append("  time range:        ")
                .append(firstTimestamp.map(Instant::toString).orElse("-"))
                .append(" .. ")
                .append(lastTimestamp.map(Instant::toString).orElse("-"))
                .append('\n');
        sb.append("  checkpoints:       ")
                .append(checkpoints)
                .append(" signed, last at seq ")
                .append(lastCheckpointSeq)
                .append(finalCheckpoint ? ", final checkpoint present" : ", no final checkpoint")
                .append('\n');
        if (!lastCheckpointHash.isEmpty()) {
            sb.append("  last checkpoint:   ")
                    .append(lastCheckpointSeq)
                    .append(':')
                    .append(lastCheckpointHash)
                    .append('\n');
        }
        sb.append("  keys:              ")
                .append(keys.isEmpty() ? "-" : String.join(", ", keys))
                .append('\n');
        sb.append("  external copy:     ").append(externalMatched).append(" entries matched\n");
        for (String w : warnings) {
            sb.append("  warning:           ").append(w).append('\n');
        }
        tornTail.ifPresent(t -> sb.append("  torn tail:         ").append(t).append('\n'));
        failure.ifPresent(f -> sb.append("  FAILURE:           seq ")
                .append(f.seq())
                .append(" at ")
                .append(f.location())
                .append(": ")
                .append(f.reason())
                .append('\n'));
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
