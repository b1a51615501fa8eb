package dev.llmgate.core.audit.internal;

import dev.llmgate.core.audit.AuditEntry;
import dev.llmgate.core.audit.AuditSink;
import dev.llmgate.core.audit.AuditSinkFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The audit log's writer thread: takes numbered entries from the queue in sequence order, builds,
 * chains and hashes each ({@link PendingEntry#chain}), signs those that need a signature, and hands
 * them to the sink in batches, retrying a failing sink with
 * exponential back-off (reporting every failure) until it succeeds or the log gives up at close.
 * Not public API.
 */
public final class AuditWriter implements Runnable {
    private static final System.Logger LOG = System.getLogger(AuditWriter.class.getName());
    private static final int MAX_BATCH = 1024;
    /**
     * A batch smaller than this (or than the queue's capacity) waits up to {@link #LINGER_NANOS} for more
     * entries, unless callers are waiting for room in the queue.
     */
    private static final int MIN_BATCH = 64;

    private static final long LINGER_NANOS = TimeUnit.MICROSECONDS.toNanos(1000);
    /**
     * After the last entry, the queue is polled this many times, {@link #LINGER_NANOS} apart (10 ms in
     * all, the group-commit interval's order), before the writer waits on it; see {@link #run()}.
     */
    private static final int IDLE_ROUNDS = 10;

    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final BlockingQueue<PendingEntry> queue;
    private final AuditSink sink;
    private final Semaphore permits;
    private final Consumer<AuditSinkFailure> onFailure;
    private final long initialBackoffNanos;
    private final int minBatch;
    private final ChainHead head;

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final boolean linger;
    private final LongConsumer onStored;
    private volatile boolean abandoned;
    private volatile long unwritten;

    /**
     * @param permits       one per record the queue may hold ({@code queueCapacity} in all); the writer releases
     *                      one per record stored
     * @param queueCapacity the number of permits
     */
    public AuditWriter(
            BlockingQueue<PendingEntry> queue,
            AuditSink sink,
            Semaphore permits,
            int queueCapacity,
            Consumer<AuditSinkFailure> onFailure,
            Duration initialBackoff) {
        this(queue, sink, permits, queueCapacity, onFailure, initialBackoff, new ChainHead(), 0, true, seq -> {});
    }

    /**
     * @param head    where the chain ends: a new log's empty head, or a reopened log's last entry
     * @param stored  entries the sink already holds (a reopened log's), counted in {@link #written()}
     * @param linger  whether a small batch waits up to 1 ms for more entries (not while calls wait for their records)
     * @param onStored called with the last seq of every batch the sink stored
     */
    public AuditWriter(
            BlockingQueue<PendingEntry> queue,
            AuditSink sink,
            Semaphore permits,
            int queueCapacity,
            Consumer<AuditSinkFailure> onFailure,
            Duration initialBackoff,
            ChainHead head,
            long stored,
            boolean linger,
            LongConsumer onStored) {
        this.head = head;
        this.linger = linger;
        this.onStored = onStored;
        this.written.set(stored);
        this.queue = queue;
        this.sink = sink;
        this.permits = permits;
        this.onFailure = onFailure;
        this.initialBackoffNanos = initialBackoff.toNanos();
        this.minBatch = Math.min(MIN_BATCH, queueCapacity);
    }

    public long written() {
        return written.get();
    }

    public long sinkFailures() {
        return sinkFailures.get();
    }

    /** Entries still not stored when the log gave up. */
    public long unwritten() {
        return unwritten;
    }

    /** Stops retrying: called by close() when its timeout has passed. */
    public void abandon() {
        abandoned = true;
    }

    @Override
    public void run() {
        List<PendingEntry> batch = new ArrayList<>(MAX_BATCH);
        List<AuditEntry> out = new ArrayList<>(MAX_BATCH);
        List<PendingEntry> outPending = new ArrayList<>(MAX_BATCH);
        try {
            int idleRounds = 0;
            while (true) {
                batch.clear();
                PendingEntry first = queue.poll();
                if (first == null) {
                    if (idleRounds < IDLE_ROUNDS) {
                        // Entries came recently: look again shortly. Sleeping this way rather than waiting on the
                        // queue means a caller that adds an entry never has to wake this thread, which costs the
                        // caller a system call (about 15 µs on a virtual machine) on every call.
                        idleRounds++;
                        linger();
                        continue;
                    }
                    first = queue.take(); // idle for a while: the next entry's caller wakes this thread
                }
                idleRounds = 0;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                if (linger && batch.size() < minBatch && permits.availablePermits() > 0 && !hasMarker(batch)) {
                    // Let a few more entries arrive: one sink write per handful of records instead of
                    // per record, and callers do not have to wake this thread for every record. Not
                    // when callers wait for room in the queue, nor for flush and close markers (which
                    // also unpark this thread when they are queued).
                    linger();
                    queue.drainTo(batch, MAX_BATCH - batch.size());
                }
                for (PendingEntry p : batch) {
                    if (p.isMarker()) {
                        store(out, outPending);
                        sinkCall(() -> sink.flush(), -1);
                        if (p.close) {
                            try {
                                sink.close();
                                p.marker.complete(null);
                            } catch (Exception e) {
                                p.marker.completeExceptionally(e);
                            }
                            return;
                        }
                        p.marker.complete(null);
                    } else {
                        p.chain(head);
                        out.add(new AuditEntry(p.logId, p.seq, p.type, Hex.encode(p.hash), line(p)));
                        outPending.add(p);
                    }
                }
                store(out, outPending);
            }
        } catch (InterruptedException e) {
            long left = out.size() + queue.stream().filter(p -> !p.isMarker()).count();
            unwritten = left;
            for (PendingEntry p : queue) {
                if (p.isMarker()) {
                    p.marker.completeExceptionally(
                            new IllegalStateException(left + " audit entries could not be written"));
                }
            }
            Thread.currentThread().interrupt();
        }
    }

    private static void linger() throws InterruptedException {
        LockSupport.parkNanos(LINGER_NANOS);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    private static boolean hasMarker(List<PendingEntry> batch) {
        for (PendingEntry p : batch) {
            if (p.isMarker()) {
                return true;
            }
        }
        return false;
    }

    private static String line(PendingEntry p) {
        if (p.signer == null) {
            return new String(p.canonical, StandardCharsets.UTF_8);
        }
        p.body.put("sig", Hex.encode(p.signer.apply(p.canonical)));
        return CanonicalJson.write(p.body);
    }

    private void store(List<AuditEntry> out, List<PendingEntry> pending) throws InterruptedException {
        if (out.isEmpty()) {
            return;
        }
        List<AuditEntry> batch = List.copyOf(out);
        sinkCall(() -> sink.write(batch), batch.get(0).seq());
        onStored.accept(batch.get(batch.size() - 1).seq());
        int permitsHeld = 0;
        for (PendingEntry p : pending) {
            if (p.holdsPermit) {
                permitsHeld++;
            }
        }
        written.addAndGet(out.size());
        out.clear();
        pending.clear();
        if (permitsHeld > 0) {
            permits.release(permitsHeld);
        }
    }

    private interface SinkAction {
        void run() throws Exception;
    }

    private void sinkCall(SinkAction action, long firstSeq) throws InterruptedException {
        long backoff = initialBackoffNanos;
        int attempt = 0;
        while (true) {
            try {
                action.run();
                return;
            } catch (Exception e) {
                attempt++;
                sinkFailures.incrementAndGet();
                try {
                    onFailure.accept(new AuditSinkFailure(sink.toString(), attempt, firstSeq, queue.size(), e));
                } catch (RuntimeException listenerFailure) {
                    LOG.log(System.Logger.Level.WARNING, "the audit sink failure listener threw", listenerFailure);
                }
                if (abandoned) {
                    throw new InterruptedException("audit writer abandoned after " + attempt + " failed attempts");
                }
                if (backoff > 0) {
                    TimeUnit.NANOSECONDS.sleep(backoff);
                }
                backoff = Math.min(MAX_BACKOFF_NANOS, Math.max(backoff * 2, TimeUnit.MILLISECONDS.toNanos(1)));
                if (Thread.interrupted() || abandoned) {
                    throw new InterruptedException("audit writer abandoned after " + attempt + " failed attempts");
                }
            }
        }
    }
}
