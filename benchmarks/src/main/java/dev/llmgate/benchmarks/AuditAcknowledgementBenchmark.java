package dev.llmgate.benchmarks;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.audit.Acknowledgement;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.FsyncPolicy;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.internal.DefaultCallContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What durable acknowledgement costs a call: the time of one call through the audit interceptor
 * (its record numbered and queued; with {@code DURABLE}, also waiting until the record is durable)
 * with {@link Acknowledgement#QUEUED} beside {@link Acknowledgement#DURABLE}, for each
 * {@link FsyncPolicy} of a {@link JsonLinesFileSink} in a temp directory, from 1 and from 16 calling
 * threads (with 16, one group commit covers the records of many calls). The provider answers at
 * once, so calls come back to back: with {@code QUEUED} the calling threads run ahead of the writer
 * until the queue (10,000 records) is full, and the time per call is then the writer's pace
 * (back-pressure); with {@code DURABLE} it is the wait for the fsync. Report the ratio
 * DURABLE / QUEUED per row; absolute numbers depend on the disk's fsync latency.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AuditAcknowledgementBenchmark {
    static final Clock CLOCK = Clock.systemUTC();

    @Param({"QUEUED", "DURABLE"})
    public Acknowledgement ack;

    /** {@code group10ms} (the default policy), {@code group1ms}, {@code every}, {@code none}. */
    @Param({"group10ms", "group1ms", "every", "none"})
    public String fsync;

    Path directory;
    AuditLog audit;
    Interceptor interceptor;
    ChatRequest request;
    final AtomicLong callNumber = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("llmgate-bench-audit-ack");
        request = ChatRequest.builder(FullChain.ALIAS)
                .user(GatewayOverheadBenchmark.PROMPT)
                .maxOutputTokens(200)
                .build();
        FsyncPolicy policy = switch (fsync) {
            case "group10ms" -> FsyncPolicy.groupCommit(Duration.ofMillis(10));
            case "group1ms" -> FsyncPolicy.groupCommit(Duration.ofMillis(1));
            case "every" -> FsyncPolicy.everyRecord();
            case "none" -> FsyncPolicy.none();
            default -> throw new IllegalArgumentException("fsync " + fsync);
        };
        audit = AuditLog.builder(
                        JsonLinesFileSink.builder(directory).fsync(policy).build(), AuditSigningKey.generate())
                .instanceId("bench")
                .checkpointEveryRecords(1000)
                .acknowledgement(ack)
                .build();
        interceptor = audit.interceptor();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        audit.close();
        FullChain.deleteRecursively(directory);
    }

    private Interceptor.Chain chain(long n) {
        CallContext call = new DefaultCallContext("call-" + n, false, CLOCK);
        call.put(CallFacts.REQUESTED_MODEL, FullChain.ALIAS);
        call.append(
                CallFacts.ATTEMPTS,
                AttemptRecord.builder("primary", "gpt-4o-mini")
                        .outcome("success")
                        .latency(Duration.ofMillis(420))
                        .usage(Usage.of(512, 14))
                        .reason("primary")
                        .build());
        call.put(CallFacts.COST_USD, new BigDecimal("0.0000852"));
        call.put(CallFacts.CACHE_HIT, Boolean.FALSE);
        return new Interceptor.Chain() {
            @Override
            public ChatRequest request() {
                return request;
            }

            @Override
            public CallContext call() {
                return call;
            }

            @Override
            public ChatResult proceed(ChatRequest next) {
                return ThroughputBenchmark.ANSWER;
            }
        };
    }

    @Benchmark
    @Threads(1)
    public ChatResult call_1thread() {
        return interceptor.intercept(chain(callNumber.incrementAndGet()));
    }

    @Benchmark
    @Threads(16)
    public ChatResult call_16threads() {
        return interceptor.intercept(chain(callNumber.incrementAndGet()));
    }
}
