package dev.llmgate.core.audit;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.core.audit.internal.LogFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes entries as JSON Lines (one canonical JSON entry and {@code '\n'} per line) to files named
 * {@code <prefix>-<logId>-<NNNNNN>.jsonl} in one directory, starting a new file when the current one
 * would exceed {@link Builder#maxFileBytes} or is older than {@link Builder#maxFileAge}. Files are
 * only ever appended to; the verifier reads a rotated set in name order.
 *
 * <p>Crash safety: each batch is appended with one write and a line is complete only with its
 * {@code '\n'}, so after a kill -9 every complete line is intact and at most the last line is torn;
 * the verifier reports a torn last line instead of accepting it. If a write fails, the sink cuts the
 * file back to its last complete line before the log retries. When data reaches the device is the
 * {@link FsyncPolicy}'s choice.
 *
 * <p>Reopening ({@link #reopen}): the files of the log id already in the directory are returned in
 * order and new entries go to a new file after them; existing files are never written again, except
 * that a torn last line (an interrupted write) is cut from the last file and its bytes kept in
 * {@code <file>.torn} beside it (not a {@code .jsonl} file, so the verifier does not read it).
 */
public final class JsonLinesFileSink implements AuditSink {
    private static final System.Logger LOG = System.getLogger(JsonLinesFileSink.class.getName());
    private static final int MAX_KEPT_BUFFER = 4 << 20;

    private final Path directory;
    private final String prefix;
    private final long maxFileBytes;
    private final Duration maxFileAge;
    private final FsyncPolicy fsync;
    private final Clock clock;
    private final Io io;

    private FileChannel channel;
    private Path currentFile;
    private long position;
    private long openedAtMillis;
    private int index;
    private long lastSeq = -1;
    private boolean dirty;
    private boolean syncScheduled;
    private IOException syncFailure;
    private LongConsumer durableThrough;
    /** Reused for the bytes of one write; not kept once a large batch grew it past {@link #MAX_KEPT_BUFFER}. */
    private ByteBuffer writeBuffer;

    private JsonLinesFileSink(Builder b) {
        this.directory = b.directory;
        this.prefix = b.prefix;
        this.maxFileBytes = b.maxFileBytes;
        this.maxFileAge = b.maxFileAge;
        this.fsync = b.fsync;
        this.clock = b.clock;
        this.io = b.io != null ? b.io : new DefaultIo();
    }

    /** A builder for a sink writing into {@code directory} (created if missing). */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    @Override
    public synchronized void write(List<AuditEntry> entries) throws IOException {
        if (syncFailure != null) {
            IOException e = syncFailure;
            syncFailure = null;
            throw new IOException("a background fsync of " + currentFile + " failed", e);
        }
        List<byte[]> pending = new ArrayList<>(entries.size());
        long pendingBytes = 0;
        String logId = null;
        for (AuditEntry e : entries) {
            if (e.seq() <= lastSeq) {
                continue;
            }
            byte[] line = e.line().getBytes(StandardCharsets.UTF_8); // written with its '\n' by writeOut
            if (channel == null || needsRotation(pendingBytes, line.length + 1)) {
                writeOut(pending, pendingBytes);
                pending.clear();
                pendingBytes = 0;
                rotate(e.logId());
            }
            logId = e.logId();
            pending.add(line);
            pendingBytes += line.length + 1;
            lastSeq = e.seq();
            if (fsync.mode() == FsyncPolicy.Mode.EVERY_RECORD) {
                writeOut(pending, pendingBytes);
                pending.clear();
                pendingBytes = 0;
                channel.force(false);
                dirty = false;
            }
        }
        writeOut(pending, pendingBytes);
        if (logId != null && fsync.mode() == FsyncPolicy.Mode.GROUP_COMMIT && dirty && !syncScheduled) {
            syncScheduled = true;
            // Calls waiting for their records (durable acknowledgement): force at once; what is written while the force
            // runs forms the next group. Otherwise: within the interval.
            io.schedule(
                    this::backgroundSync,
                    durableThrough != null ? 0 : fsync.interval().toNanos());
        }
    }

    /**
     * With {@link FsyncPolicy#groupCommit group commit}, entries become durable when the group's
     * fsync (or a flush, or a rotation) completes: the sink reports that, and since calls then wait
     * for their records, a group's fsync starts as soon as its first entry is written instead of
     * after the interval (entries written while it runs form the next group). With
     * {@link FsyncPolicy#everyRecord()} every entry is fsynced, and with {@link FsyncPolicy#none()}
     * handed to the operating system, before {@link #write} returns: nothing to report.
     */
    @Override
    public synchronized boolean reportDurability(LongConsumer listener) {
        if (fsync.mode() != FsyncPolicy.Mode.GROUP_COMMIT) {
            return false;
        }
        this.durableThrough = Objects.requireNonNull(listener, "listener");
        return true;
    }

    private void reportDurable(long seq) {
        LongConsumer l = durableThrough;
        if (l != null && seq >= 0) {
            l.accept(seq);
        }
    }

    /**
     * The lines of log {@code logId} already in the directory (its files in name order), after
     * cutting a torn last line from the last file into {@code <file>.torn}. New entries then go to a
     * new file numbered after the last one.
     *
     * @throws IOException if the files cannot be read, or the torn tail cannot be set aside
     */
    @Override
    public synchronized Stream<String> reopen(String logId) throws IOException {
        if (channel != null) {
            throw new IllegalStateException("reopen must be called before the first write");
        }
        Pattern name = Pattern.compile(Pattern.quote(prefix + "-" + logId + "-") + "(\\d{6})\\.jsonl");
        TreeMap<Integer, Path> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path f : (Iterable<Path>) list::iterator) {
                Matcher m = name.matcher(f.getFileName().toString());
                if (m.matches() && Files.isRegularFile(f)) {
                    files.put(Integer.parseInt(m.group(1)), f);
                }
            }
        }
        if (files.isEmpty()) {
            return Stream.empty();
        }
        cutTornTail(files.lastEntry().getValue());
        index = files.lastKey();
        return LogFiles.textLines(new ArrayList<>(files.values()));
    }

    /** Moves the bytes after the last {@code '\n'} of {@code file} (an interrupted write) into {@code <file>.torn}. */
    private static void cutTornTail(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long end = endOfLastLine(ch, size);
            if (end == size) {
                return;
            }
            Path torn = file.resolveSibling(file.getFileName() + ".torn");
            try (FileChannel out = FileChannel.open(torn, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long done = 0;
                while (done < size - end) {
                    done += ch.transferTo(end + done, size - end - done, out);
                }
                out.force(true);
            } catch (FileAlreadyExistsException e) {
                throw new IOException(
                        "cannot set aside the torn last line of " + file + ": " + torn + " exists already; move it away"
                                + " and reopen the log",
                        e);
            }
            ch.truncate(end);
            ch.force(true);
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the audit file " + file + " ended with a torn line of " + (size - end) + " bytes"
                            + " (a write interrupted by a crash): it was moved to " + torn
                            + " and the log continues after the last complete line");
        }
    }

    /** The offset just after the last {@code '\n'} in the first {@code size} bytes, or 0 if there is none. */
    private static long endOfLastLine(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long end = size;
        while (end > 0) {
            int n = (int) Math.min(buf.capacity(), end);
            buf.clear().limit(n);
            long start = end - n;
            while (buf.hasRemaining()) {
                if (ch.read(buf, start + buf.position()) < 0) {
                    throw new IOException("the audit file shrank while it was read");
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private boolean needsRotation(long pendingBytes, long lineBytes) {
        long used = position + pendingBytes;
        if (used == 0) {
            return false;
        }
        if (used + lineBytes > maxFileBytes) {
            return true;
        }
        return !maxFileAge.isZero() && clock.millis() - openedAtMillis >= maxFileAge.toMillis();
    }

    private void writeOut(List<byte[]> lines, long bytes) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        if (writeBuffer == null || writeBuffer.capacity() < bytes) {
            writeBuffer = ByteBuffer.allocate((int) Math.max(bytes, Math.min(MAX_KEPT_BUFFER, 2L * bytes)));
        }
        ByteBuffer buffer = writeBuffer;
        buffer.clear();
        for (byte[] l : lines) {
            buffer.put(l);
            buffer.put((byte) '\n');
        }
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            try {
                channel.truncate(position);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            lastSeq = lastSeqBefore(lines.size());
            throw e;
        }
        position += bytes;
        dirty = true;
        if (writeBuffer.capacity() > MAX_KEPT_BUFFER) {
            writeBuffer = null;
        }
    }

    private long lastSeqBefore(int unwritten) {
        // lastSeq is advanced per entry before the write; the unwritten lines are the last ones.
        return lastSeq - unwritten;
    }

    private void rotate(String logId) throws IOException {
        if (channel != null) {
            if (fsync.mode() != FsyncPolicy.Mode.NONE || dirty) {
                channel.force(false);
            }
            channel.close();
            channel = null;
            dirty = false;
            reportDurable(lastSeq);
        }
        int next = index + 1;
        Path file = directory.resolve(String.format(Locale.ROOT, "%s-%s-%06d.jsonl", prefix, logId, next));
        try {
            channel = io.create(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(
                    "the audit file " + file + " exists already: log " + logId + " was written here before; build"
                            + " the AuditLog with this sink to continue its chain (it reopens the log), or use another log id",
                    e);
        }
        index = next;
        currentFile = file;
        position = 0;
        dirty = false;
        openedAtMillis = clock.millis();
    }

    /**
     * The group commit: fsyncs what has been written so far without holding the sink's lock, so
     * writes go on while the disk syncs (lines written meanwhile are marked dirty again and get the
     * next sync). A channel that {@link #rotate} closed meanwhile was fsynced there.
     */
    private void backgroundSync() {
        FileChannel ch;
        long through;
        synchronized (this) {
            syncScheduled = false;
            if (channel == null || !dirty) {
                return;
            }
            ch = channel;
            through = lastSeq;
            dirty = false;
        }
        try {
            ch.force(false);
        } catch (IOException e) {
            synchronized (this) {
                if (ch == channel) {
                    syncFailure = e;
                    dirty = true;
                }
            }
            return;
        }
        reportDurable(through);
    }

    @Override
    public synchronized void flush() throws IOException {
        if (channel != null && dirty) {
            channel.force(false);
            dirty = false;
        }
        reportDurable(lastSeq);
    }

    @Override
    public void close() throws IOException {
        // let a running fsync finish (interrupting it would close the channel under it), drop a waiting one
        io.shutdown();
        synchronized (this) {
            closeChannel();
        }
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            try {
                flush();
            } finally {
                channel.close();
                channel = null;
            }
        }
    }

    /** The file being written, if any. */
    public synchronized java.util.Optional<Path> currentFile() {
        return java.util.Optional.ofNullable(currentFile);
    }

    @Override
    public String toString() {
        return "JsonLinesFileSink[" + directory + ", " + fsync + "]";
    }

    /** How the sink creates its files and runs its group commits; tests replace it to count fsyncs. */
    interface Io {
        /** Creates a new file for appending; fails if it exists. */
        FileChannel create(Path file) throws IOException;

        /** Runs {@code task} once, {@code delayNanos} from now, on another thread. */
        void schedule(Runnable task, long delayNanos);

        /** Lets a running task finish and drops waiting ones. */
        void shutdown();
    }

    private static final class DefaultIo implements Io {
        private ScheduledThreadPoolExecutor syncer;

        @Override
        public FileChannel create(Path file) throws IOException {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        @Override
        public synchronized void schedule(Runnable task, long delayNanos) {
            if (syncer == null) {
                syncer = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "llmgate-audit-fsync");
                    t.setDaemon(true);
                    return t;
                });
                // close() flushes itself: a sync still waiting for its time is not needed then
                syncer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            }
            var unused = syncer.schedule(task, delayNanos, TimeUnit.NANOSECONDS); // the task reports its own outcome
        }

        @Override
        public void shutdown() {
            ScheduledThreadPoolExecutor s;
            synchronized (this) {
                s = syncer;
            }
            if (s != null) {
                s.shutdown();
                try {
                    s.awaitTermination(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Configures a {@link JsonLinesFileSink}. */
    public static final class Builder {
        private final Path directory;
        private String prefix = "audit";
        private long maxFileBytes = 256L * 1024 * 1024;
        private Duration maxFileAge = Duration.ZERO;
        private FsyncPolicy fsync = FsyncPolicy.groupCommit(Duration.ofMillis(10));
        private Clock clock = Clock.systemUTC();
        private Io io;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** The file name prefix (letters, digits, '.', '_', '-'); default {@code "audit"}. */
        public Builder prefix(String value) {
            this.prefix = Objects.requireNonNull(value, "prefix");
            return this;
        }

        /** Start a new file before one would exceed this size; default 256 MiB. */
        public Builder maxFileBytes(long value) {
            this.maxFileBytes = value;
            return this;
        }

        /** Start a new file when the current one is this old; default {@link Duration#ZERO}: never. */
        public Builder maxFileAge(Duration value) {
            this.maxFileAge = Objects.requireNonNull(value, "maxFileAge");
            return this;
        }

        /** When to fsync; default group commit every 10 ms. */
        public Builder fsync(FsyncPolicy value) {
            this.fsync = Objects.requireNonNull(value, "fsync");
            return this;
        }

        /** The clock for age-based rotation. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Tests: how files are created and group commits scheduled. */
        Builder io(Io value) {
            this.io = Objects.requireNonNull(value, "io");
            return this;
        }

        /**
         * Creates the directory if needed and the sink.
         *
         * @throws ConfigurationException if a value is invalid or the directory cannot be created
         */
        public JsonLinesFileSink build() {
            List<String> problems = new ArrayList<>();
            if (!prefix.matches("[A-Za-z0-9._-]+")) {
                problems.add("file prefix '" + prefix + "' is not allowed: use letters, digits, '.', '_' or '-'");
            }
            if (maxFileBytes < 1024) {
                problems.add("maxFileBytes must be at least 1024, was " + maxFileBytes);
            }
            if (maxFileAge.isNegative()) {
                problems.add("maxFileAge must not be negative (use Duration.ZERO for no age limit), was " + maxFileAge);
            }
            if (problems.isEmpty()) {
                try {
                    Files.createDirectories(directory);
                } catch (IOException e) {
                    problems.add("cannot create the audit directory " + directory + ": " + e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new JsonLinesFileSink(this);
        }
    }
}
