package dev.llmgate.core.audit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes every entry to several sinks, for example the full log to a file and a second copy of the
 * control entries (genesis, checkpoints, key rotations) somewhere the log's owner cannot rewrite, so
 * that a truncated or rewritten log is caught by {@link AuditVerifier.Builder#externalCheckpoints}.
 *
 * <p>Guarantees: a batch succeeds only when every sink stored it; when one fails the others are
 * still written and the failure is raised, and on the log's retry each sink receives only the
 * entries it does not have yet.
 */
public final class FanOutAuditSink implements AuditSink {
    private final List<Target> targets;

    private FanOutAuditSink(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A fan-out to {@code sinks}, each receiving every entry. */
    public static FanOutAuditSink of(AuditSink... sinks) {
        Builder b = builder();
        for (AuditSink s : sinks) {
            b.add(s);
        }
        return b.build();
    }

    @Override
    public void write(List<AuditEntry> entries) throws IOException {
        IOException first = null;
        for (Target t : targets) {
            List<AuditEntry> todo = new ArrayList<>(entries.size());
            for (AuditEntry e : entries) {
                if (e.seq() > t.lastSeq && (!t.controlOnly || e.isControl())) {
                    todo.add(e);
                }
            }
            if (todo.isEmpty()) {
                continue;
            }
            try {
                t.sink.write(todo);
                t.lastSeq = todo.get(todo.size() - 1).seq();
            } catch (IOException | RuntimeException e) {
                IOException io = e instanceof IOException ? (IOException) e : new IOException(e);
                if (first == null) {
                    first = new IOException("audit sink " + t.sink + " failed: " + e.getMessage(), io);
                } else {
                    first.addSuppressed(io);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void flush() throws IOException {
        forEachTarget(AuditSink::flush);
    }

    @Override
    public void close() throws IOException {
        forEachTarget(AuditSink::close);
    }

    private interface SinkAction {
        void apply(AuditSink sink) throws IOException;
    }

    /** Applies {@code action} to every target, even after one failed; throws the first failure with the others suppressed. */
    private void forEachTarget(SinkAction action) throws IOException {
        IOException first = null;
        for (Target t : targets) {
            try {
                action.apply(t.sink);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Target t : targets) {
            names.add(t.controlOnly ? t.sink + " (control entries)" : t.sink.toString());
        }
        return "FanOutAuditSink" + names;
    }

    private static final class Target {
        final AuditSink sink;
        final boolean controlOnly;
        long lastSeq = -1;

        Target(AuditSink sink, boolean controlOnly) {
            this.sink = sink;
            this.controlOnly = controlOnly;
        }
    }

    /** Builds a {@link FanOutAuditSink}. */
    public static final class Builder {
        private final List<Target> targets = new ArrayList<>();

        private Builder() {
        }

        /** A sink that receives every entry. */
        public Builder add(AuditSink sink) {
            targets.add(new Target(Objects.requireNonNull(sink, "sink"), false));
            return this;
        }

        /** A sink that receives only the genesis, checkpoints and key rotations: the copy kept elsewhere. */
        public Builder addCheckpointCopy(AuditSink sink) {
            targets.add(new Target(Objects.requireNonNull(sink, "sink"), true));
            return this;
        }

        public FanOutAuditSink build() {
            if (targets.isEmpty()) {
                throw new dev.llmgate.api.exception.ConfigurationException("a fan-out sink needs at least one sink: add one with add(...)");
            }
            return new FanOutAuditSink(targets);
        }
    }
}
