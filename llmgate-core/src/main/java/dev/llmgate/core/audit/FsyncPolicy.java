package dev.llmgate.core.audit;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link JsonLinesFileSink} forces written entries to the storage device. Immutable.
 *
 * <ul>
 *   <li>{@link #everyRecord()}: each entry is written and fsynced before the next; slowest; a power
 *       failure loses no entry the sink has written.</li>
 *   <li>{@link #groupCommit(Duration)}: entries are written as they come and fsynced together, at most
 *       {@code interval} after the first unsynced one (with {@link Acknowledgement#DURABLE}, where
 *       calls wait for their records, as soon as a group's first entry is written); a power failure
 *       loses at most the entries written in that window.</li>
 *   <li>{@link #none()}: the operating system decides; a process crash (kill -9) loses nothing
 *       written, a power failure may lose recent entries.</li>
 * </ul>
 * In every mode the file sink fsyncs on {@link AuditLog#flush()}, on rotation and on close. Which
 * of these entries belong to calls that were already acknowledged is the log's
 * {@link Acknowledgement} mode: with {@link Acknowledgement#QUEUED} a call can return before its
 * entry is written at all.
 */
public final class FsyncPolicy {
    private static final FsyncPolicy EVERY = new FsyncPolicy(Mode.EVERY_RECORD, Duration.ZERO);
    private static final FsyncPolicy NONE = new FsyncPolicy(Mode.NONE, Duration.ZERO);

    /** The three kinds of policy. */
    public enum Mode {
        EVERY_RECORD,
        GROUP_COMMIT,
        NONE
    }

    private final Mode mode;
    private final Duration interval;

    private FsyncPolicy(Mode mode, Duration interval) {
        this.mode = mode;
        this.interval = interval;
    }

    /** Fsync after every entry. */
    public static FsyncPolicy everyRecord() {
        return EVERY;
    }

    /** Fsync at most {@code interval} after the first entry not yet synced (e.g. 10 ms). */
    public static FsyncPolicy groupCommit(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(
                    "a group commit interval must be positive, e.g. Duration.ofMillis(10); was " + interval);
        }
        return new FsyncPolicy(Mode.GROUP_COMMIT, interval);
    }

    /** No fsync except on flush, rotation and close. */
    public static FsyncPolicy none() {
        return NONE;
    }

    public Mode mode() {
        return mode;
    }

    /** The group commit interval; zero for the other modes. */
    public Duration interval() {
        return interval;
    }

    @Override
    public String toString() {
        return mode == Mode.GROUP_COMMIT ? "GROUP_COMMIT(" + interval.toMillis() + "ms)" : mode.name();
    }
}
