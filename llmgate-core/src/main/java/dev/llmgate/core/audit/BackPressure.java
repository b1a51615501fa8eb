package dev.llmgate.core.audit;

/**
 * What an {@link AuditLog} does when its queue of records waiting for the writer is full (the sink
 * is slow or failing). The queue never drops a record: the choice is who waits. (What a crash can
 * lose of the records in the queue is the {@link Acknowledgement} mode's choice.)
 */
public enum BackPressure {
    /**
     * The call's thread waits for room when it appends its record, after the answer is known and
     * before the caller receives it. Calls slow down to the sink's pace. The default.
     */
    BLOCK,
    /**
     * A call is refused before it reaches the provider, with {@link AuditUnavailableException}, when
     * the queue has no room for its record; a call that was admitted holds a reserved place, so its
     * record is always written. Streams hold their place until they complete, fail or are closed.
     */
    FAIL_CALL
}
