package dev.llmgate.core.audit.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The lines of a log with their entries parsed ({@link LogEntry#of}), in order. Parsing and hashing
 * a line depends on nothing but the line, so with {@link #inBackground} one thread reads and parses
 * lines ahead (in batches, through a small bounded queue), and hashes them too while the caller is
 * busy, while the caller checks the entries one by one, in order, as before: only this pure per-line
 * step runs on the second core.
 * Closing the iterator (or an exhausted one) stops the reader. Not public API.
 */
public final class ParsedLines implements Iterator<ParsedLines.Parsed>, AutoCloseable {
    private static final int BATCH = 256;
    private static final int QUEUED_BATCHES = 8;

    /**
     * A line and its entry, or the reason it is not one.
     *
     * @param line  the line
     * @param entry its entry, or null if the line is not a JSON object
     * @param error why not (the parser's exception), or null
     */
    public record Parsed(LogLine line, LogEntry entry, IllegalArgumentException error) {
        static Parsed of(LogLine line, boolean hash) {
            try {
                LogEntry entry = LogEntry.of(line);
                return new Parsed(line, hash ? entry.prepare() : entry, null);
            } catch (IllegalArgumentException e) {
                return new Parsed(line, null, e);
            }
        }
    }

    /** What the reader thread hands over: a batch of lines, or the end (with a read failure, if any). */
    private record Batch(List<Parsed> lines, RuntimeException failure, boolean end) {}

    private final Iterator<LogLine> source;
    private final BlockingQueue<Batch> queue;
    private final Thread reader;
    private volatile boolean closed;

    private Iterator<Parsed> current = Collections.emptyIterator();
    private boolean ended;
    private RuntimeException pendingFailure;

    private ParsedLines(Iterator<LogLine> source, boolean background) {
        this.source = source;
        if (background) {
            this.queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
            this.reader = new Thread(this::readAhead, "llmgate-audit-verifier-reader");
            this.reader.setDaemon(true);
            this.reader.start();
        } else {
            this.queue = null;
            this.reader = null;
        }
    }

    /** Parses on the caller's thread, line by line. */
    public static ParsedLines inline(Iterator<LogLine> source) {
        return new ParsedLines(source, false);
    }

    /** Reads and parses ahead on a second thread when the machine has more than one core; else {@link #inline}. */
    public static ParsedLines inBackground(Iterator<LogLine> source) {
        return new ParsedLines(source, Runtime.getRuntime().availableProcessors() > 1);
    }

    private void readAhead() {
        Batch last;
        List<Parsed> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                // Hash here too while the checking thread has work queued; when it is waiting for
                // lines, leave the hashing to it. (Hashing depends only on the line: either thread
                // gives the same result, and an entry is used by one thread at a time.)
                boolean hash = queue.size() >= QUEUED_BATCHES / 2;
                while (batch.size() < BATCH && source.hasNext()) {
                    batch.add(Parsed.of(source.next(), hash));
                }
                if (batch.isEmpty()) {
                    last = new Batch(List.of(), null, true);
                    break;
                }
                if (!hand(new Batch(batch, null, false))) {
                    return;
                }
                batch = new ArrayList<>(BATCH);
            }
        } catch (RuntimeException | Error e) {
            // the lines read before the failure are checked first, as when reading inline
            last = new Batch(
                    batch,
                    e instanceof RuntimeException
                            ? (RuntimeException) e
                            : new IllegalStateException("reading the audit log failed", e),
                    true);
        } finally {
            closeSource();
        }
        hand(last);
    }

    private void closeSource() {
        if (source instanceof AutoCloseable) {
            try {
                ((AutoCloseable) source).close();
            } catch (Exception e) {
                // reading only
            }
        }
    }

    /** Queues a batch, waiting for room; false if the consumer closed meanwhile. */
    private boolean hand(Batch batch) {
        try {
            while (!closed) {
                if (queue.offer(batch, 50, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (ended) {
                return false;
            }
            if (reader == null) {
                if (!source.hasNext()) {
                    ended = true;
                    closeSource();
                    return false;
                }
                current = List.of(Parsed.of(source.next(), false)).iterator();
                continue;
            }
            Batch b;
            try {
                b = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while verifying the audit log", e);
            }
            if (b.end && b.lines.isEmpty()) {
                ended = true;
                closed = true;
                RuntimeException failure = b.failure != null ? b.failure : pendingFailure;
                if (failure != null) {
                    throw failure; // e.g. the UncheckedIOException of a file that cannot be read
                }
                return false;
            }
            if (b.end) {
                // lines read before a failure: hand them out, then the failure
                pendingFailure = b.failure;
                queue.offer(new Batch(List.of(), null, true));
            }
            current = b.lines.iterator();
        }
        return true;
    }

    @Override
    public Parsed next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    /**
     * Stops the reader thread and waits for it to end (it closes the file it reads first), so no
     * thread and no open file remain once this returns; idempotent. (The wait is bounded: a file read
     * that blocks for more than ten seconds is left to end on its own, on a daemon thread.)
     */
    @Override
    public void close() {
        closed = true;
        if (reader == null) {
            closeSource();
            return;
        }
        reader.interrupt(); // (harmless if it has ended)
        boolean interrupted = false;
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
