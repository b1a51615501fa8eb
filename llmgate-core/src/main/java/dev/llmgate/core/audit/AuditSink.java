package dev.llmgate.core.audit;

import java.io.IOException;
import java.util.List;

/**
 * Where an {@link AuditLog} writes its entries. The log calls a sink from one writer thread only,
 * in sequence order, so implementations need no locking of their own for {@link #write}.
 *
 * <p>Contract: {@link #write} either stores every entry of the batch or throws. The log retries a
 * failed batch (from its first entry) until it succeeds, so a sink that stored part of a batch
 * before failing must skip the entries it already holds: compare {@link AuditEntry#seq()}. A sink
 * never drops an entry silently; it throws instead.
 */
public interface AuditSink extends AutoCloseable {

    /** Stores the entries, in order. */
    void write(List<AuditEntry> entries) throws IOException;

    /** Makes everything written so far durable (for a file: fsync). Called on {@link AuditLog#flush()} and close. */
    default void flush() throws IOException {
    }

    /** Releases the sink's resources; called once, after the last write and flush. */
    @Override
    default void close() throws IOException {
    }
}
