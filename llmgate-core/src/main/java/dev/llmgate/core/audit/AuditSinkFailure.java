package dev.llmgate.core.audit;

import java.util.Objects;

/**
 * A failed attempt of the audit writer to store entries (or flush) in its sink, reported to the
 * application through {@link AuditLog.Builder#onSinkFailure}. The writer retries with back-off until
 * the sink succeeds; meanwhile entries wait in the queue and the log's {@link BackPressure} applies.
 *
 * @param sink         the sink's description
 * @param attempt      1 for the first failure of this batch, then 2, 3, ...
 * @param firstSeq     the sequence number of the first entry of the failing batch, or -1 for a flush
 * @param queued       entries waiting behind the batch
 * @param error        what the sink threw (its message may name files or hosts, never record content)
 */
public record AuditSinkFailure(String sink, int attempt, long firstSeq, int queued, Exception error) {
    public AuditSinkFailure {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(error, "error");
    }
}
