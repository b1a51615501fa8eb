package dev.llmgate.core.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps entries in memory, for tests and for small tools. Thread-safe: readers may take snapshots
 * while the log writes.
 */
public final class InMemoryAuditSink implements AuditSink {
    /** An empty sink. */
    public InMemoryAuditSink() {}

    private final List<AuditEntry> entries = new ArrayList<>();

    @Override
    public synchronized void write(List<AuditEntry> batch) {
        long last = entries.isEmpty() ? -1 : entries.get(entries.size() - 1).seq();
        for (AuditEntry e : batch) {
            if (e.seq() > last) {
                entries.add(e);
            }
        }
    }

    /** The lines held of log {@code logId}, so that a log built on this sink again continues them. */
    @Override
    public synchronized Stream<String> reopen(String logId) {
        List<String> out = new ArrayList<>();
        for (AuditEntry e : entries) {
            if (e.logId().equals(logId)) {
                out.add(e.line());
            }
        }
        return out.stream();
    }

    /** A snapshot of the entries, oldest first. */
    public synchronized List<AuditEntry> entries() {
        return List.copyOf(entries);
    }

    /** A snapshot of the lines, oldest first, as the verifier reads them. */
    public synchronized List<String> lines() {
        List<String> out = new ArrayList<>(entries.size());
        for (AuditEntry e : entries) {
            out.add(e.line());
        }
        return out;
    }

    @Override
    public String toString() {
        return "InMemoryAuditSink";
    }
}
