package dev.llmgate.core.audit;

import java.io.IOException;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Where an {@link AuditLog} writes its entries. The log calls a sink from one writer thread only,
 * in sequence order, so implementations need no locking of their own for {@link #write}.
 *
 * <p>Contract: {@link #write} either stores every entry of the batch or throws. The log retries a
 * failed batch (from its first entry) until it succeeds, so a sink that stored part of a batch
 * before failing must skip the entries it already holds: compare {@link AuditEntry#seq()}. A sink
 * never drops an entry silently; it throws instead.
 *
 * <p>Durability: unless {@link #reportDurability} says otherwise, an entry counts as durable (as
 * durable as this sink makes anything) once {@link #write} returned; a log in
 * {@link Acknowledgement#DURABLE} mode lets a call return only then.
 */
public interface AuditSink extends AutoCloseable {

    /** Stores the entries, in order. */
    void write(List<AuditEntry> entries) throws IOException;

    /** Makes everything written so far durable (for a file: fsync). Called on {@link AuditLog#flush()} and close. */
    default void flush() throws IOException {}

    /**
     * Reopening a log: the lines this sink already holds for log {@code logId}, oldest first, so that
     * the log continues their chain instead of starting a second chain under the same id. Called
     * once, when an {@link AuditLog} is built, before any write. A sink that finds an interrupted
     * write at the end (a torn last line) must take it out of the log before it returns (keeping the
     * bytes elsewhere as evidence) and return only complete lines; the log then appends after the last
     * line returned. The default returns no lines: the sink keeps nothing it could reopen, and a log
     * with a given id starts a new chain.
     */
    default Stream<String> reopen(String logId) throws IOException {
        return Stream.empty();
    }

    /**
     * For a sink whose entries become durable only some time after {@link #write} returned (a file
     * fsynced by group commit): keeps {@code durableThrough} and calls it, from any thread, with the
     * sequence number up to which every entry written so far is durable, whenever that number grows;
     * returns true. Called once, before the first write. The default returns false: an entry is
     * durable when {@code write} returns.
     */
    default boolean reportDurability(LongConsumer durableThrough) {
        return false;
    }

    /** Releases the sink's resources; called once, after the last write and flush. */
    @Override
    default void close() throws IOException {}
}
