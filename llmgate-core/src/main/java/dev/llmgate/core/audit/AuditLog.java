package dev.llmgate.core.audit;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.audit.internal.AuditWriter;
import dev.llmgate.core.audit.internal.CallRecords;
import dev.llmgate.core.audit.internal.ChainHead;
import dev.llmgate.core.audit.internal.Digests;
import dev.llmgate.core.audit.internal.DurableMark;
import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.LogCheck;
import dev.llmgate.core.audit.internal.LogFiles;
import dev.llmgate.core.audit.internal.PendingEntry;
import dev.llmgate.core.internal.InFlightCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A signed, tamper-evident audit log: one canonical-JSON record per call, each holding the hash of
 * the entry before it, starting from a genesis entry that names the signing key, with Ed25519-signed
 * checkpoints (a Merkle root over every entry so far, the count, the latest entry hash and the
 * previous checkpoint) every {@link Builder#checkpointEveryRecords N records}, every
 * {@link Builder#checkpointInterval interval} (an empty "heartbeat" checkpoint when nothing happened)
 * and at {@link #close()}. The format is specified in docs/audit-format.md; {@link AuditVerifier}
 * checks a log offline with nothing but the public key.
 *
 * <pre>{@code
 * AuditLog audit = AuditLog.builder(JsonLinesFileSink.builder(dir).build(), key).build();
 * LlmGate gate = LlmGate.builder()...addInterceptor(audit.interceptor()).build();
 * ...
 * gate.close();
 * audit.close();   // writes the final checkpoint and flushes
 * }</pre>
 *
 * <p>Guarantees: entries are numbered without gaps on the calling thread (a short critical
 * section: the call's facts are copied, nothing is serialised or hashed there) and chained in that
 * order; building, canonical serialisation, hashing, chaining, signing and I/O happen on one writer
 * thread fed by a bounded queue, off the call's path; a full queue makes callers wait or refuses calls
 * ({@link BackPressure}), it never drops a record; a failing sink is retried and reported
 * ({@link Builder#onSinkFailure}). What a crash can lose is the {@link Acknowledgement} mode's
 * choice: with {@link Acknowledgement#QUEUED} (default) up to {@link Builder#queueCapacity} records of
 * calls that had returned; with {@link Acknowledgement#DURABLE} no record of a call that returned.
 * A log built with the {@link Builder#logId id} of a log its sink holds continues that log's chain
 * (or refuses, saying why). {@link #close()} waits for the calls in flight, then writes everything
 * or throws saying how much was not written. Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
    /** The format identifier in every genesis entry. */
    public static final String FORMAT = "llmgate-audit/1";

    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

    private final String logId;
    private final String instanceId;
    private final Clock clock;
    private final int checkpointEveryRecords;
    private final long checkpointIntervalMillis;
    private final boolean recordSignatures;
    private final boolean captureContent;
    private final Digests digests;
    private final BackPressure backPressure;
    private final int queueCapacity;
    private final Duration closeTimeout;
    private final AuditSink sink;
    private final Acknowledgement acknowledgement;
    /** Durable acknowledgement: how far entries are durable; null in {@link Acknowledgement#QUEUED} mode. */
    private final DurableMark durableMark;
    /** Calls that passed the interceptor and whose record is not yet queued (or, when durable, not yet durable). */
    private final InFlightCalls inFlight = new InFlightCalls();

    private final Object lock = new Object();
    private long nextSeq;
    private long lastCheckpointMillis;
    private long calls;
    private long callsSinceCheckpoint;
    private long checkpoints;
    private AuditSigningKey currentKey;
    private boolean closed;
    private boolean closing;

    private final LinkedBlockingQueue<PendingEntry> queue = new LinkedBlockingQueue<>();
    private final Semaphore permits;
    private final AuditWriter writer;
    private final Thread writerThread;
    private final ScheduledExecutorService timer;
    private final AuditInterceptor interceptor;
    private final AtomicLong refusedCalls = new AtomicLong();

    private AuditLog(Builder b) {
        this.logId = b.logId != null ? b.logId : randomLogId();
        this.instanceId = b.instanceId;
        this.clock = b.clock;
        this.checkpointEveryRecords = b.checkpointEveryRecords;
        this.checkpointIntervalMillis = b.checkpointInterval.toMillis();
        this.recordSignatures = b.recordSignatures;
        this.captureContent = b.captureContent;
        this.digests = new Digests(b.digestKey);
        this.backPressure = b.backPressure;
        this.queueCapacity = b.queueCapacity;
        this.closeTimeout = b.closeTimeout;
        this.sink = b.sink;
        this.acknowledgement = b.acknowledgement;
        this.currentKey = b.key;
        this.permits = new Semaphore(b.queueCapacity);
        LogCheck.Tail tail = b.logId != null ? reopen() : null; // a new random id names no stored log
        long stored = tail == null ? 0 : tail.nextSeq();
        LongConsumer onStored = seq -> {};
        if (acknowledgement == Acknowledgement.DURABLE) {
            this.durableMark = new DurableMark(stored - 1);
            if (!b.sink.reportDurability(durableMark::advance)) {
                onStored = durableMark::advance; // durable when the sink's write returns
            }
        } else {
            this.durableMark = null;
        }
        this.writer = new AuditWriter(
                queue,
                b.sink,
                permits,
                b.queueCapacity,
                b.onSinkFailure,
                b.retryBackoff,
                tail == null ? new ChainHead() : new ChainHead(tail),
                stored,
                durableMark == null,
                onStored);
        this.writerThread = new Thread(writer, "llmgate-audit-writer-" + logId);
        this.writerThread.setDaemon(true);
        this.interceptor = new AuditInterceptor(this);
        synchronized (lock) {
            if (tail == null) {
                appendGenesisLocked();
            } else {
                nextSeq = tail.nextSeq();
                calls = tail.calls();
                callsSinceCheckpoint = tail.callsSinceCheckpoint();
                appendCheckpointLocked(false, true);
            }
        }
        this.writerThread.start();
        if (b.scheduleCheckpoints) {
            long period = Math.max(10, Math.min(1000, checkpointIntervalMillis / 4));
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "llmgate-audit-timer-" + logId);
                t.setDaemon(true);
                return t;
            });
            var unused = this.timer.scheduleAtFixedRate(
                    this::tickQuietly, period, period, TimeUnit.MILLISECONDS); // runs until close()
        } else {
            this.timer = null;
        }
    }

    /**
     * Reads back what the sink holds of this (fixed) log id, verifies it and returns where it ends;
     * null when the sink holds nothing of it (a new log).
     *
     * @throws ConfigurationException if it cannot be read, does not verify, or was written with another key or other settings
     */
    private LogCheck.Tail reopen() {
        LogCheck check = LogCheck.forReopening(logId, sink.toString());
        VerificationReport report;
        try (Stream<String> stored = sink.reopen(logId)) {
            Iterator<String> lines = stored.iterator();
            if (!lines.hasNext()) {
                return null;
            }
            report = new VerificationReport(check.run(LogFiles.lines(lines, sink.toString())));
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigurationException("cannot reopen audit log " + logId + " in " + sink + ": " + e.getMessage()
                    + " (it is neither continued nor replaced)");
        }
        if (report.failure().isPresent() || report.tornTail().isPresent()) {
            String why = report.failure()
                    .map(f -> "seq " + f.seq() + " at " + f.location() + ": " + f.reason())
                    .orElseGet(() -> report.tornTail().get());
            throw new ConfigurationException(
                    "audit log " + logId + " in " + sink + " does not verify (" + why + "), so it is not"
                            + " continued: move its entries away (and keep them as evidence), or give this log another id");
        }
        LogCheck.Tail tail = check.tail().orElseThrow();
        List<String> problems = new ArrayList<>();
        if (!tail.currentKeyId().equals(currentKey.keyId())) {
            problems.add("audit log " + logId + " in " + sink + " is signed by key " + tail.currentKeyId()
                    + ", not by this log's key " + currentKey.keyId()
                    + ": build the log with that key (and rotate with rotateKey), or give this log another id");
        }
        Map<String, Object> declared = tail.genesis();
        Map<String, Object> wanted = new TreeMap<>();
        wanted.put("record_signatures", recordSignatures);
        wanted.put("content_capture", captureContent);
        wanted.put("digest", digests.algorithm());
        wanted.put("digest_key_id", digests.keyId().isEmpty() ? null : digests.keyId());
        for (Map.Entry<String, Object> w : wanted.entrySet()) {
            if (!Objects.equals(declared.get(w.getKey()), w.getValue())) {
                problems.add("audit log " + logId + " in " + sink + " was started with " + w.getKey() + " "
                        + declared.get(w.getKey())
                        + ", this log is configured with " + w.getValue()
                        + ": configure it as the log was started, or give this log"
                        + " another id");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        LOG.log(
                System.Logger.Level.INFO,
                "audit log " + logId + " reopened in " + sink + " at seq " + tail.nextSeq()
                        + (tail.closed() ? " (it was closed)" : " (its writer had stopped without closing it)"));
        return tail;
    }

    /** A builder for a log that writes to {@code sink} and signs with {@code key}. */
    public static Builder builder(AuditSink sink, AuditSigningKey key) {
        return new Builder(sink, key);
    }

    /**
     * The interceptor to register with {@code builder.addInterceptor(audit.interceptor())}, which
     * places it at {@code Stage.AUDIT}; one instance per log.
     */
    public AuditInterceptor interceptor() {
        return interceptor;
    }

    /**
     * With {@link Builder#captureContent(boolean) content capture} on, the companion interceptor that
     * records the request as policy left it (redacted). Register it with
     * {@code builder.addInterceptor(audit.redactedRequestCapture())}, which places it at
     * {@code Stage.BUDGET}, the first stage after POLICY.
     * Without it, records carry no request text at all (never the unredacted prompt). Answers reach the
     * AUDIT stage after output policy, so they are stored as redacted without help.
     */
    public Interceptor redactedRequestCapture() {
        return new dev.llmgate.api.spi.StagedInterceptor() {
            @Override
            public dev.llmgate.api.ChatResult intercept(Chain chain) {
                chain.call().put(CallRecords.REDACTED_REQUEST, chain.request());
                return chain.proceed(chain.request());
            }

            @Override
            public String stageName() {
                return dev.llmgate.core.Stage.BUDGET.name();
            }

            @Override
            public String toString() {
                return "AuditRedactedRequestCapture[log " + logId + "]";
            }
        };
    }

    /** This log's id (16 hex digits), named by its genesis entry and its file names. */
    public String logId() {
        return logId;
    }

    /** The key that signs new entries now (changes with {@link #rotateKey}). */
    public String currentKeyId() {
        synchronized (lock) {
            return currentKey.keyId();
        }
    }

    /**
     * Writes a time-based checkpoint if {@link Builder#checkpointInterval} has passed since the last
     * one, by the log's clock: a heartbeat checkpoint if no call was recorded meanwhile. The log's
     * own timer calls this; call it yourself when the timer is off (tests with a controlled clock).
     */
    public void tick() {
        synchronized (lock) {
            if (!closed && clock.millis() - lastCheckpointMillis >= checkpointIntervalMillis) {
                appendCheckpointLocked(false, false);
            }
        }
    }

    /** Writes a checkpoint now. */
    public void checkpoint() {
        synchronized (lock) {
            checkOpenLocked();
            appendCheckpointLocked(false, false);
        }
    }

    /**
     * Rotates the signing key: appends a {@code key_rotation} entry that names the new public key,
     * signed by the current key, then a checkpoint signed by the new key, which signs every entry
     * after it.
     */
    public void rotateKey(AuditSigningKey newKey) {
        Objects.requireNonNull(newKey, "newKey");
        synchronized (lock) {
            checkOpenLocked();
            if (newKey.equals(currentKey)) {
                throw new IllegalArgumentException(
                        "the new key is the current key (" + newKey.keyId() + "): generate a new one");
            }
            TreeMap<String, Object> body = new TreeMap<>();
            body.put("log_id", logId);
            body.put("key_id", currentKey.keyId());
            body.put("new_key_id", newKey.keyId());
            body.put("new_public_key", newKey.publicKeyHex());
            AuditSigningKey old = currentKey;
            appendLocked("key_rotation", head -> body, old::sign, false);
            currentKey = newKey;
            appendCheckpointLocked(false, false);
        }
    }

    /**
     * Waits until every entry appended before this call is stored by the sink and flushed (fsynced).
     *
     * @throws AuditUnavailableException if that did not happen within the close timeout
     */
    public void flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            checkOpenLocked();
            queue.add(PendingEntry.flushMarker(done));
        }
        LockSupport.unpark(writerThread); // a writer lingering between looks at the queue sees the marker now
        await(done, "flush");
    }

    /** Counters, for metrics and health checks. */
    public Stats stats() {
        synchronized (lock) {
            return new Stats(
                    nextSeq,
                    writer.written(),
                    calls,
                    checkpoints,
                    writer.sinkFailures(),
                    refusedCalls.get(),
                    queueCapacity - permits.availablePermits());
        }
    }

    /**
     * Closes the log: refuses new calls (before they reach the provider), waits up to the close
     * timeout for the calls in flight to finish and be recorded (a stream until it ends, fails or is
     * closed), writes the final checkpoint, waits up to the close timeout again until the writer has
     * stored and flushed everything, and closes the sink. Close the gate first: its {@code close()}
     * waits for its calls, so none is still recording here. A call still running when the first wait
     * ends (logged as a WARNING) fails with {@link AuditUnavailableException} when it completes, and
     * has no record. Idempotent: a second call returns at once.
     *
     * @throws AuditUnavailableException if entries could not be stored in time; it says how many
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed || closing) {
                return;
            }
            closing = true;
        }
        try {
            long left = inFlight.closeAndAwait(closeTimeout);
            if (left > 0) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        left + " calls were still in flight " + closeTimeout.toMillis() + " ms after the"
                                + " audit log " + logId
                                + " began to close (streams not closed by their consumers?): they will fail with"
                                + " AuditUnavailableException and have no record");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            appendCheckpointLocked(true, false);
            closed = true;
            queue.add(PendingEntry.closeMarker(done));
        }
        LockSupport.unpark(writerThread);
        if (timer != null) {
            timer.shutdownNow();
        }
        try {
            await(done, "close");
        } finally {
            if (writerThread.isAlive()) {
                writer.abandon();
                writerThread.interrupt();
                try {
                    writerThread.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void await(CompletableFuture<Void> done, String what) {
        try {
            done.get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AuditUnavailableException(
                    "audit " + what + " timed out after " + closeTimeout.toMillis() + " ms: "
                            + (nextSeqSnapshot() - writer.written()) + " entries are not stored yet (the sink " + sink
                            + " is failing or slow; see the sink failure listener)");
        } catch (ExecutionException e) {
            throw new AuditUnavailableException(
                    "audit " + what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit " + what);
        }
    }

    private long nextSeqSnapshot() {
        synchronized (lock) {
            return nextSeq;
        }
    }

    /**
     * Admission of a call, before it reaches the provider: counts it in flight (so that close() waits
     * for its record), and under FAIL_CALL reserves a place for its record; or refuses the call. An
     * admitted call must end with exactly one {@link #recordCall}.
     */
    boolean admit() {
        if (!inFlight.enter()) {
            refusedCalls.incrementAndGet();
            throw new AuditUnavailableException(
                    "the audit log " + logId + " is closed (or closing): the call was refused before"
                            + " reaching the provider. Close the gate before its audit log.");
        }
        if (backPressure != BackPressure.FAIL_CALL) {
            return false;
        }
        if (!permits.tryAcquire()) {
            inFlight.exit();
            refusedCalls.incrementAndGet();
            throw new AuditUnavailableException(
                    "the audit queue is full (" + queueCapacity + " records waiting for the sink " + sink
                            + "): the call was refused before reaching the provider; retry later");
        }
        return true;
    }

    /** Numbers and queues the record of one call (its facts copied on the caller's thread, built and chained by the writer). */
    void recordCall(
            CallContext call,
            ChatRequest request,
            CallRecords.Outcome outcome,
            ChatResponse response,
            Throwable error,
            Usage partialUsage,
            boolean reserved) {
        recordCall(call, request, outcome, response, null, error, partialUsage, reserved);
    }

    /** Whether records carry the (redacted) content, so a streamed answer's text must be kept for its record. */
    boolean capturesContent() {
        return captureContent;
    }

    /** As above; {@code textSha256}: the digest of a streamed answer's text when its text was not kept (else null). */
    void recordCall(
            CallContext call,
            ChatRequest request,
            CallRecords.Outcome outcome,
            ChatResponse response,
            byte[] textSha256,
            Throwable error,
            Usage partialUsage,
            boolean reserved) {
        try {
            long seq = queueCall(call, request, outcome, response, textSha256, error, partialUsage, reserved);
            if (durableMark != null) {
                LockSupport.unpark(
                        writerThread); // the caller waits for its record: no need for the writer to look later
                awaitDurable(seq, call.callId());
            }
        } finally {
            inFlight.exit();
        }
    }

    private void awaitDurable(long seq, String callId) {
        boolean durable;
        try {
            durable = durableMark.await(seq, closeTimeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the record of call " + callId
                    + " to be durable: the" + " call is not acknowledged (its record may still be stored)");
        }
        if (!durable) {
            throw new AuditUnavailableException(
                    "the record of call " + callId + " (seq " + seq + ") was not durable in " + sink
                            + " within " + closeTimeout.toMillis()
                            + " ms (the sink is failing or slow; see the sink failure listener): the"
                            + " call fails rather than be acknowledged without a durable record (the record may still be stored)");
        }
    }

    /** Numbers the call's record and queues it for the writer; returns its seq. */
    private long queueCall(
            CallContext call,
            ChatRequest request,
            CallRecords.Outcome outcome,
            ChatResponse response,
            byte[] textSha256,
            Throwable error,
            Usage partialUsage,
            boolean reserved) {
        CallRecords.Facts facts;
        try {
            facts = CallRecords.Facts.of(call, clock.millis(), response);
        } catch (RuntimeException e) {
            if (reserved) {
                permits.release();
            }
            throw e;
        }
        PendingEntry.Body body = head -> {
            TreeMap<String, Object> b;
            try {
                b = CallRecords.build(
                        instanceId,
                        digests,
                        captureContent,
                        facts,
                        request,
                        outcome,
                        response,
                        textSha256,
                        error,
                        partialUsage);
            } catch (RuntimeException e) {
                // a defect: keep one entry per call (and the writer alive); the exception's message may quote content
                LOG.log(
                        System.Logger.Level.ERROR,
                        "the audit record of call " + facts.callId() + " could not be built ("
                                + e.getClass().getName() + "); a minimal record with record_error takes its place");
                b = CallRecords.minimal(instanceId, facts, outcome, e);
            }
            b.put("log_id", logId);
            return b;
        };
        if (!reserved) {
            permits.acquireUninterruptibly();
        }
        synchronized (lock) {
            if (closed) {
                permits.release();
                throw new AuditUnavailableException("the audit log " + logId + " is closed: the record of call "
                        + call.callId() + " cannot be written. Close the gate before its audit log.");
            }
            long seq = appendLocked("call", body, recordSignatures ? currentKey::sign : null, true);
            calls++;
            callsSinceCheckpoint++;
            if (callsSinceCheckpoint >= checkpointEveryRecords) {
                appendCheckpointLocked(false, false);
            }
            return seq;
        }
    }

    private void checkOpenLocked() {
        if (closed) {
            throw new IllegalStateException("the audit log " + logId + " is closed");
        }
    }

    private void appendGenesisLocked() {
        TreeMap<String, Object> body = new TreeMap<>();
        body.put("format", FORMAT);
        body.put("log_id", logId);
        body.put("gate", instanceId);
        body.put("alg", "Ed25519");
        body.put("hash", "SHA-256");
        body.put("key_id", currentKey.keyId());
        body.put("public_key", currentKey.publicKeyHex());
        body.put("digest", digests.algorithm());
        if (!digests.keyId().isEmpty()) {
            body.put("digest_key_id", digests.keyId());
        }
        body.put("checkpoint_every_records", (long) checkpointEveryRecords);
        body.put("checkpoint_interval_ms", checkpointIntervalMillis);
        body.put("record_signatures", recordSignatures);
        body.put("content_capture", captureContent);
        appendLocked("genesis", head -> body, currentKey::sign, false);
        lastCheckpointMillis = clock.millis();
    }

    /** @param resumed the first entry of a reopened log: a new writer continues the chain here */
    private void appendCheckpointLocked(boolean last, boolean resumed) {
        TreeMap<String, Object> body = new TreeMap<>();
        body.put("log_id", logId);
        body.put("key_id", currentKey.keyId());
        body.put("tree_size", nextSeq);
        body.put("calls", calls);
        body.put("calls_since", callsSinceCheckpoint);
        body.put("heartbeat", callsSinceCheckpoint == 0);
        body.put("final", last);
        if (resumed) {
            body.put("resumed", true);
        }
        appendLocked(
                "checkpoint",
                head -> {
                    // the root over every entry before this one, and the checkpoint before it: known once the writer
                    // got here
                    body.put("root", Hex.encode(head.root()));
                    body.put("prev_checkpoint", Hex.encode(head.lastCheckpointHash()));
                    return body;
                },
                currentKey::sign,
                false);
        lastCheckpointMillis = clock.millis();
        callsSinceCheckpoint = 0;
        checkpoints++;
    }

    /** Numbers the next entry and queues it for the writer, which builds, chains and stores it in this order. */
    private long appendLocked(String type, PendingEntry.Body body, Function<byte[], byte[]> signer, boolean permit) {
        queue.add(new PendingEntry(logId, nextSeq, type, clock.millis(), body, signer, permit));
        return nextSeq++;
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit checkpoint timer failed", e);
        }
    }

    private static String randomLogId() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return Hex.encode(b);
    }

    /**
     * Counters of one log, from {@link AuditLog#stats()}: a snapshot (the writer's counters move while it
     * is read, so they need not add up exactly). Only the log creates these; read them.
     *
     * <p>Guarantees: immutable; equal when every counter is equal. A final class rather than a record
     * so that counters can be added in later versions without breaking callers (docs/api-stability.md).
     */
    public static final class Stats {
        private final long entriesAppended;
        private final long entriesWritten;
        private final long callRecords;
        private final long checkpoints;
        private final long sinkFailures;
        private final long refusedCalls;
        private final int queuedRecords;

        Stats(
                long entriesAppended,
                long entriesWritten,
                long callRecords,
                long checkpoints,
                long sinkFailures,
                long refusedCalls,
                int queuedRecords) {
            this.entriesAppended = entriesAppended;
            this.entriesWritten = entriesWritten;
            this.callRecords = callRecords;
            this.checkpoints = checkpoints;
            this.sinkFailures = sinkFailures;
            this.refusedCalls = refusedCalls;
            this.queuedRecords = queuedRecords;
        }

        /** Entries chained so far (genesis, records, checkpoints, rotations). */
        public long entriesAppended() {
            return entriesAppended;
        }

        /** Entries the sink has stored. */
        public long entriesWritten() {
            return entriesWritten;
        }

        /** Call records chained. */
        public long callRecords() {
            return callRecords;
        }

        /** Checkpoints chained. */
        public long checkpoints() {
            return checkpoints;
        }

        /** Failed sink attempts (each was retried). */
        public long sinkFailures() {
            return sinkFailures;
        }

        /**
         * Calls refused before reaching the provider: under {@link BackPressure#FAIL_CALL}, or because the log was
         * closing or closed.
         */
        public long refusedCalls() {
            return refusedCalls;
        }

        /** Call records waiting for the writer (or reserved by calls in flight). */
        public int queuedRecords() {
            return queuedRecords;
        }

        /** Equal when every counter is equal. */
        @Override
        public boolean equals(Object o) {
            return o == this
                    || o instanceof Stats s
                            && entriesAppended == s.entriesAppended
                            && entriesWritten == s.entriesWritten
                            && callRecords == s.callRecords
                            && checkpoints == s.checkpoints
                            && sinkFailures == s.sinkFailures
                            && refusedCalls == s.refusedCalls
                            && queuedRecords == s.queuedRecords;
        }

        @Override
        public int hashCode() {
            return Objects.hash(
                    entriesAppended,
                    entriesWritten,
                    callRecords,
                    checkpoints,
                    sinkFailures,
                    refusedCalls,
                    queuedRecords);
        }

        @Override
        public String toString() {
            return "Stats[entriesAppended=" + entriesAppended + ", entriesWritten=" + entriesWritten + ", callRecords="
                    + callRecords
                    + ", checkpoints=" + checkpoints + ", sinkFailures=" + sinkFailures + ", refusedCalls="
                    + refusedCalls
                    + ", queuedRecords=" + queuedRecords + "]";
        }
    }

    /** Configures an {@link AuditLog}; {@link #build()} reports every problem at once. */
    public static final class Builder {
        private final AuditSink sink;
        private final AuditSigningKey key;
        private String instanceId = "gate";
        private String logId;
        private Clock clock = Clock.systemUTC();
        private int checkpointEveryRecords = 1000;
        private Duration checkpointInterval = Duration.ofSeconds(60);
        private boolean scheduleCheckpoints = true;
        private boolean recordSignatures;
        private boolean captureContent;
        private byte[] digestKey;
        private int queueCapacity = 10_000;
        private BackPressure backPressure = BackPressure.BLOCK;
        private Acknowledgement acknowledgement = Acknowledgement.QUEUED;
        private Duration retryBackoff = Duration.ofMillis(100);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Consumer<AuditSinkFailure> onSinkFailure = f -> LOG.log(
                System.Logger.Level.WARNING,
                "audit sink " + f.sink() + " failed (attempt " + f.attempt() + ", first seq " + f.firstSeq() + ", "
                        + f.queued() + " queued); retrying: " + f.error());

        private Builder(AuditSink sink, AuditSigningKey key) {
            this.sink = Objects.requireNonNull(sink, "sink");
            this.key = Objects.requireNonNull(key, "key");
        }

        /** The gate or instance id written in the genesis and every record; default {@code "gate"}. */
        public Builder instanceId(String value) {
            this.instanceId = Objects.requireNonNull(value, "instanceId");
            return this;
        }

        /**
         * A fixed log id (16 lowercase hex digits); default random. With a fixed id, {@link #build()}
         * reads back what the sink holds of that log and continues it (see docs/audit.md,
         * "Restarting"); if the sink cannot be read, {@code build()} fails rather than start a second
         * chain under the same id.
         */
        public Builder logId(String value) {
            this.logId = Objects.requireNonNull(value, "logId");
            return this;
        }

        /** The clock of timestamps and time-based checkpoints; default system UTC. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** A checkpoint after every {@code n} call records; default 1000. */
        public Builder checkpointEveryRecords(int n) {
            this.checkpointEveryRecords = n;
            return this;
        }

        /** A checkpoint (a heartbeat if nothing happened) when this much time passed since the last; default 60 s. */
        public Builder checkpointInterval(Duration value) {
            this.checkpointInterval = Objects.requireNonNull(value, "checkpointInterval");
            return this;
        }

        /** Whether the log's own timer calls {@link AuditLog#tick()}; default true. Turn off to drive time yourself. */
        public Builder scheduleCheckpoints(boolean value) {
            this.scheduleCheckpoints = value;
            return this;
        }

        /** Sign every call record too (about 20,000 signatures a second per core); default off. */
        public Builder recordSignatures(boolean value) {
            this.recordSignatures = value;
            return this;
        }

        /**
         * Store the conversation text (as policy redacted it) and the answer's text in records; default
         * off (only digests). Needs {@link AuditLog#redactedRequestCapture()} for the request side.
         */
        public Builder captureContent(boolean value) {
            this.captureContent = value;
            return this;
        }

        /**
         * Digest requests and responses with HMAC-SHA-256 under this key (at least 16 bytes) instead
         * of plain SHA-256, so that low-entropy content cannot be guessed from its digest.
         */
        public Builder digestKey(byte[] value) {
            this.digestKey = Objects.requireNonNull(value, "digestKey").clone();
            return this;
        }

        /** How many call records may wait for the writer; default 10,000. */
        public Builder queueCapacity(int value) {
            this.queueCapacity = value;
            return this;
        }

        /** What happens when the queue is full; default {@link BackPressure#BLOCK}. */
        public Builder backPressure(BackPressure value) {
            this.backPressure = Objects.requireNonNull(value, "backPressure");
            return this;
        }

        /**
         * When a call is acknowledged relative to its record's storage: {@link Acknowledgement#QUEUED}
         * (default: once queued; a crash can lose the records of up to {@code queueCapacity} calls that
         * had returned) or {@link Acknowledgement#DURABLE} (once durable in the sink, as its fsync
         * policy defines it: nothing acknowledged is lost).
         */
        public Builder acknowledgement(Acknowledgement value) {
            this.acknowledgement = Objects.requireNonNull(value, "acknowledgement");
            return this;
        }

        /** The first wait before retrying a failed sink (doubling up to 5 s); default 100 ms. */
        public Builder retryBackoff(Duration value) {
            this.retryBackoff = Objects.requireNonNull(value, "retryBackoff");
            return this;
        }

        /**
         * How long {@link AuditLog#flush()} waits for the sink; {@link AuditLog#close()} for the calls in
         * flight and then for the sink; and, with {@link Acknowledgement#DURABLE}, a call for its
         * record to be durable. Default 30 s.
         */
        public Builder closeTimeout(Duration value) {
            this.closeTimeout = Objects.requireNonNull(value, "closeTimeout");
            return this;
        }

        /** Called (on the writer thread) with every failed sink attempt; default: a WARNING log line. */
        public Builder onSinkFailure(Consumer<AuditSinkFailure> listener) {
            this.onSinkFailure = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the log, chains its genesis entry and starts its writer.
         *
         * @throws ConfigurationException listing every invalid value
         */
        public AuditLog build() {
            List<String> problems = new ArrayList<>();
            if (checkpointEveryRecords < 1) {
                problems.add("checkpointEveryRecords must be at least 1, was " + checkpointEveryRecords);
            }
            if (checkpointInterval.toMillis() < 1) {
                problems.add("checkpointInterval must be at least 1 ms, was " + checkpointInterval);
            }
            if (queueCapacity < 1) {
                problems.add("queueCapacity must be at least 1, was " + queueCapacity);
            }
            if (retryBackoff.isNegative()) {
                problems.add("retryBackoff must not be negative, was " + retryBackoff);
            }
            if (closeTimeout.isNegative() || closeTimeout.isZero()) {
                problems.add("closeTimeout must be positive, was " + closeTimeout);
            }
            if (digestKey != null && digestKey.length < 16) {
                problems.add("digestKey must have at least 16 bytes (use 32 random bytes), had " + digestKey.length);
            }
            if (logId != null && !logId.matches("[0-9a-f]{16}")) {
                problems.add("logId must be 16 lowercase hex digits, was '" + logId + "'");
            }
            if (!instanceId.matches("[A-Za-z0-9._-]{1,64}")) {
                problems.add(
                        "instanceId '" + instanceId + "' is not allowed: use 1 to 64 letters, digits, '.', '_' or '-'");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new AuditLog(this);
        }
    }
}
