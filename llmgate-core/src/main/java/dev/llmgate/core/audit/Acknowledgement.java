package dev.llmgate.core.audit;

/**
 * When a call recorded by an {@link AuditLog} is acknowledged (returns its answer, or delivers a
 * stream's last event) relative to the storage of its record. Chosen with
 * {@link AuditLog.Builder#acknowledgement(Acknowledgement)}; docs/audit.md states each mode's loss
 * window as tested.
 */
public enum Acknowledgement {
    /**
     * The call returns once its record is numbered and queued for the log's writer thread (the
     * default). If the process dies, the records not yet handed to the sink are lost: at most
     * {@link AuditLog.Builder#queueCapacity queueCapacity} records of calls that had already
     * returned; with a file sink, a power failure can also lose what the {@link FsyncPolicy} had
     * not yet forced to the device.
     */
    QUEUED,
    /**
     * The call returns (a stream delivers its finish event, its failure or its close) only after its
     * record is durable in the sink: for {@link JsonLinesFileSink}, fsynced
     * ({@link FsyncPolicy#everyRecord()}), fsynced by the group commit that covers it
     * ({@link FsyncPolicy#groupCommit}), or handed to the operating system ({@link FsyncPolicy#none()}:
     * it survives the process being killed, not a power failure); for other sinks, stored when their
     * {@code write} returned. A record that is not durable within the log's
     * {@link AuditLog.Builder#closeTimeout closeTimeout} fails its call with
     * {@link AuditUnavailableException} (the record may still be written later).
     */
    DURABLE
}
