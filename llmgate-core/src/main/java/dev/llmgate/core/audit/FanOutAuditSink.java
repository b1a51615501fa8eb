package dev.llmgate.core.audit;

import dev.llmgate.core.audit.internal.JsonReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

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
    /** Guards the durability bookkeeping, which write() and the targets' own sync threads update. */
    private final Object durability = new Object();

    private LongConsumer durableThrough;
    private long written = -1;
    private long reportedDurable = -1;

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
                synchronized (durability) {
                    t.lastSeq = todo.get(todo.size() - 1).seq();
                }
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
        if (!entries.isEmpty()) {
            synchronized (durability) {
                written = Math.max(written, entries.get(entries.size() - 1).seq());
            }
            reportDurable();
        }
    }

    /**
     * Reports durability when any target does (a file sink with group commit): an entry counts as
     * durable once every target that holds it has made it durable. Targets that do not report are
     * durable when their write returns.
     */
    @Override
    public boolean reportDurability(LongConsumer listener) {
        boolean any = false;
        for (Target t : targets) {
            boolean reports = t.sink.reportDurability(seq -> {
                synchronized (durability) {
                    t.durable = Math.max(t.durable, seq);
                }
                reportDurable();
            });
            t.reportsDurability = reports;
            any |= reports;
        }
        synchronized (durability) {
            durableThrough = listener;
        }
        return any;
    }

    private void reportDurable() {
        LongConsumer l;
        long through;
        synchronized (durability) {
            l = durableThrough;
            through = written;
            for (Target t : targets) {
                if (t.reportsDurability && t.durable < t.lastSeq) {
                    through = Math.min(through, t.durable);
                }
            }
            if (l == null || through <= reportedDurable) {
                return;
            }
            reportedDurable = through;
        }
        l.accept(through);
    }

    /**
     * Reopens log {@code logId} in every target and returns the first full target's lines. The other
     * targets must agree: every full target ends at the same entry, and no checkpoint copy holds an
     * entry past that end (else the log lost entries the copy has); otherwise reading the lines fails
     * with an {@link UncheckedIOException} saying which sink differs, and the log is not continued.
     */
    @Override
    public Stream<String> reopen(String logId) throws IOException {
        Target primary = null;
        List<Target> others = new ArrayList<>();
        for (Target t : targets) {
            if (primary == null && !t.controlOnly) {
                primary = t;
            } else {
                others.add(t);
            }
        }
        if (primary == null) {
            return Stream.empty();
        }
        Map<Target, Long> lastSeqs = new LinkedHashMap<>();
        for (Target t : others) {
            long last = -1;
            try (Stream<String> lines = t.sink.reopen(logId)) {
                Iterator<String> it = lines.iterator();
                String line = null;
                while (it.hasNext()) {
                    line = it.next();
                }
                if (line != null) {
                    last = seqOf(line);
                }
            }
            lastSeqs.put(t, last);
        }
        Stream<String> primaryLines = primary.sink.reopen(logId);
        Iterator<String> it = primaryLines.iterator();
        Target first = primary;
        Iterator<String> checked = new Iterator<>() {
            private String last;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (it.hasNext()) {
                    return true;
                }
                if (!done) {
                    done = true;
                    compare(first, last == null ? -1 : seqOf(last), lastSeqs);
                }
                return false;
            }

            @Override
            public String next() {
                last = it.next();
                return last;
            }
        };
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(checked, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(primaryLines::close);
    }

    private static void compare(Target primary, long end, Map<Target, Long> lastSeqs) {
        for (Map.Entry<Target, Long> e : lastSeqs.entrySet()) {
            Target t = e.getKey();
            long last = e.getValue();
            if (!t.controlOnly && last != end) {
                throw new UncheckedIOException(
                        new IOException("the sinks hold different ends of the log: " + primary.sink + " up to seq "
                                + end + ", " + t.sink + " up to seq " + last
                                + " (a crash between their writes?); copy the missing entries so"
                                + " that they agree, or give the log another id"));
            }
            if (t.controlOnly && last > end) {
                throw new UncheckedIOException(
                        new IOException("the checkpoint copy " + t.sink + " holds seq " + last + ", past the end of"
                                + " the log in " + primary.sink + " at seq " + end
                                + ": the log lost entries that the copy proves; restore them,"
                                + " or give the log another id"));
            }
        }
    }

    private static long seqOf(String line) {
        Object seq;
        try {
            seq = JsonReader.parseObject(line).get("seq");
        } catch (IllegalArgumentException e) {
            return -1;
        }
        return seq instanceof Long ? (Long) seq : -1;
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
        boolean reportsDurability;
        long durable = -1;

        Target(AuditSink sink, boolean controlOnly) {
            this.sink = sink;
            this.controlOnly = controlOnly;
        }
    }

    /** Builds a {@link FanOutAuditSink}. */
    public static final class Builder {
        private final List<Target> targets = new ArrayList<>();

        private Builder() {}

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
                throw new dev.llmgate.api.exception.ConfigurationException(
                        "a fan-out sink needs at least one sink: add one with add(...)");
            }
            return new FanOutAuditSink(targets);
        }
    }
}
