package dev.llmgate.core.audit;

import dev.llmgate.api.exception.ConfigurationException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
 */
public final class JsonLinesFileSink implements AuditSink {
    private final Path directory;
    private final String prefix;
    private final long maxFileBytes;
    private final Duration maxFileAge;
    private final FsyncPolicy fsync;
    private final Clock clock;

    private FileChannel channel;
    private Path currentFile;
    private long position;
    private long openedAtMillis;
    private int index;
    private long lastSeq = -1;
    private boolean dirty;
    private boolean syncScheduled;
    private ScheduledThreadPoolExecutor syncer;
    private IOException syncFailure;
    /** Reused for the bytes of one write; not kept once a large batch grew it past {@link #MAX_KEPT_BUFFER}. */
    private ByteBuffer writeBuffer;
    private static final int MAX_KEPT_BUFFER = 4 << 20;

    private JsonLinesFileSink(Builder b) {
        this.directory = b.directory;
        this.prefix = b.prefix;
        this.maxFileBytes = b.maxFileBytes;
        this.maxFileAge = b.maxFileAge;
        this.fsync = b.fsync;
        this.clock = b.clock;
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
            byte[] line = e.line().getBytes(StandardCharsets.UTF_8);   // written with its '\n' by writeOut
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
            scheduleSync();
        }
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
        }
        index++;
        currentFile = directory.resolve(String.format(Locale.ROOT, "%s-%s-%06d.jsonl", prefix, logId, index));
        channel = FileChannel.open(currentFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        position = 0;
        dirty = false;
        openedAtMillis = clock.millis();
    }

    private void scheduleSync() {
        if (syncer == null) {
            syncer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "llmgate-audit-fsync");
                t.setDaemon(true);
                return t;
            });
            // close() flushes itself: a sync still waiting for its time is not needed then
            syncer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }
        syncScheduled = true;
        syncer.schedule(this::backgroundSync, fsync.interval().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The group commit: fsyncs what has been written so far without holding the sink's lock, so
     * writes go on while the disk syncs (lines written meanwhile are marked dirty again and get the
     * next sync). A channel that {@link #rotate} closed meanwhile was fsynced there.
     */
    private void backgroundSync() {
        FileChannel ch;
        synchronized (this) {
            syncScheduled = false;
            if (channel == null || !dirty) {
                return;
            }
            ch = channel;
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
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (channel != null && dirty) {
            channel.force(false);
            dirty = false;
        }
    }

    @Override
    public void close() throws IOException {
        ScheduledThreadPoolExecutor s;
        synchronized (this) {
            s = syncer;
        }
        if (s != null) {
            // let a running fsync finish (interrupting it would close the channel under it), drop a waiting one
            s.shutdown();
            try {
                s.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    /** Configures a {@link JsonLinesFileSink}. */
    public static final class Builder {
        private final Path directory;
        private String prefix = "audit";
        private long maxFileBytes = 256L * 1024 * 1024;
        private Duration maxFileAge = Duration.ZERO;
        private FsyncPolicy fsync = FsyncPolicy.groupCommit(Duration.ofMillis(10));
        private Clock clock = Clock.systemUTC();

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
