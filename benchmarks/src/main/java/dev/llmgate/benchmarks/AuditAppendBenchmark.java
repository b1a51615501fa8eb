package dev.llmgate.benchmarks;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.AuditVerifier;
import dev.llmgate.core.audit.FsyncPolicy;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.audit.VerificationReport;
import dev.llmgate.core.internal.DefaultCallContext;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit trail's throughput, in records per second, one calling thread (beside it run the log's
 * writer and group-commit threads, and the verifier's read-ahead thread):
 * <ul>
 *   <li>{@code append_auditLog}: {@value #BATCH} call records through {@link AuditLog}'s
 *       interceptor (canonical JSON, hash chain, Merkle leaf on the calling thread; signed
 *       checkpoints every 1,000 records and writes on the log's writer thread) to a
 *       {@link JsonLinesFileSink} with group commit (10 ms), then {@code flush()}, which waits
 *       until every record is written and fsynced. Each record is a successful call with one
 *       attempt record, cost and a 2 KB request.</li>
 *   <li>{@code append_plainBufferedWriter}, the baseline: the same JSON lines (copied from a log
 *       written at set-up) written with a {@code BufferedWriter}, flushed and fsynced once per
 *       batch.</li>
 *   <li>{@code verify_auditVerifier}: {@link AuditVerifier} over a log of {@value #VERIFY_RECORDS}
 *       call records (with its checkpoints; on two or more cores one thread reads, parses and
 *       hashes lines ahead while the calling thread checks them in order), beside
 *       {@code verify_baselineReadLines}, which only reads the same files line by line.</li>
 * </ul>
 * Targets: 100,000 records/s appended, 500,000 records/s verified.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AuditAppendBenchmark {
    static final int BATCH = 10_000;
    static final int VERIFY_RECORDS = 50_000;
    static final Clock CLOCK = Clock.systemUTC();

    Path root;
    AuditLog audit;
    Interceptor interceptor;
    ChatRequest request;
    long callNumber;

    List<String> lines;
    FileOutputStream plainFile;
    BufferedWriter plainWriter;

    Path verifyDirectory;
    AuditVerifier verifier;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        root = Files.createTempDirectory("llmgate-bench-audit-append");
        request = ChatRequest.builder(FullChain.ALIAS)
                .user(GatewayOverheadBenchmark.PROMPT)
                .maxOutputTokens(200)
                .build();

        AuditSigningKey key = AuditSigningKey.generate();
        verifyDirectory = Files.createDirectory(root.resolve("verify"));
        try (AuditLog log = newLog(verifyDirectory, key)) {
            Interceptor writer = log.interceptor();
            for (int i = 0; i < VERIFY_RECORDS; i++) {
                writer.intercept(chain(i));
            }
        }
        verifier = AuditVerifier.builder().trustKey(key.publicKeyHex()).build();
        VerificationReport report = verifier.verify(List.of(verifyDirectory));
        if (!report.valid()) {
            throw new IllegalStateException("the set-up log does not verify: " + report.summary());
        }
        lines = new ArrayList<>();
        for (Path file : files(verifyDirectory)) {
            lines.addAll(Files.readAllLines(file));
        }

        audit = newLog(Files.createDirectory(root.resolve("append")), AuditSigningKey.generate());
        interceptor = audit.interceptor();
        plainFile = new FileOutputStream(root.resolve("plain.jsonl").toFile());
        plainWriter = new BufferedWriter(new OutputStreamWriter(plainFile, StandardCharsets.UTF_8), 1 << 16);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        audit.close();
        plainWriter.close();
        FullChain.deleteRecursively(root);
    }

    private static AuditLog newLog(Path directory, AuditSigningKey key) {
        return AuditLog.builder(
                        JsonLinesFileSink.builder(directory)
                                .fsync(FsyncPolicy.groupCommit(Duration.ofMillis(10)))
                                .build(),
                        key)
                .instanceId("bench")
                .checkpointEveryRecords(1000)
                .build();
    }

    private static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .toList();
        }
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
    @OperationsPerInvocation(BATCH)
    public void append_auditLog() {
        for (int i = 0; i < BATCH; i++) {
            interceptor.intercept(chain(callNumber++));
        }
        audit.flush();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void append_plainBufferedWriter() throws IOException {
        int n = lines.size();
        for (int i = 0; i < BATCH; i++) {
            plainWriter.write(lines.get((int) (callNumber++ % n)));
            plainWriter.newLine();
        }
        plainWriter.flush();
        plainFile.getChannel().force(false);
    }

    @Benchmark
    @OperationsPerInvocation(VERIFY_RECORDS)
    public VerificationReport verify_auditVerifier() throws IOException {
        return verifier.verify(List.of(verifyDirectory));
    }

    @Benchmark
    @OperationsPerInvocation(VERIFY_RECORDS)
    public long verify_baselineReadLines() throws IOException {
        long count = 0;
        for (Path file : files(verifyDirectory)) {
            try (BufferedReader r = Files.newBufferedReader(file)) {
                while (r.readLine() != null) {
                    count++;
                }
            }
        }
        return count;
    }
}
