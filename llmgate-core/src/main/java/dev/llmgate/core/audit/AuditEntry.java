package dev.llmgate.core.audit;

import java.util.Objects;

/**
 * One line of an audit log as a sink receives it: already chained, hashed and (where required)
 * signed. Immutable.
 *
 * @param logId the id of the log this entry belongs to (named by its genesis)
 * @param seq   the entry's sequence number, from 0 (the genesis) without gaps
 * @param type  {@code "genesis"}, {@code "call"}, {@code "checkpoint"} or {@code "key_rotation"}
 * @param hash  the entry hash (64 hex digits) that the next entry's {@code prev} names
 * @param line  the entry's canonical JSON, without a line terminator
 */
public record AuditEntry(String logId, long seq, String type, String hash, String line) {
    public AuditEntry {
        Objects.requireNonNull(logId, "logId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(line, "line");
    }

    /** True for the entries an external checkpoint copy keeps: genesis, checkpoints and key rotations. */
    public boolean isControl() {
        return !"call".equals(type);
    }
}
