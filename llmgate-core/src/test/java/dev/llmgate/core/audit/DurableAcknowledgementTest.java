package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.core.LlmGate;
import dev.llmgate.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@link Acknowledgement#DURABLE} a call returns, and a stream delivers its finish event, only
 * once its record is durable under the sink's fsync policy; group commits are run by hand, so the
 * order is observed without timing.
 */
@Timeout(60)
class DurableAcknowledgementTest {
    private final MutableClock clock = new MutableClock();

    private AuditLog log(AuditSink sink, Acknowledgement ack) {
        return AuditFixtures.log(sink, KEY, clock).acknowledgement(ack).build();
    }

    private static String readAll(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path f : files.sorted().collect(Collectors.toList())) {
                sb.append(Files.readString(f));
            }
            return sb.toString();
        }
    }

    @Test
    void withGroupCommitACallReturnsOnlyAfterTheGroupsFsyncCoversItsRecord(@TempDir Path dir) throws Exception {
        CountingFileIo io = new CountingFileIo();
        AuditLog audit = log(
                JsonLinesFileSink.builder(dir)
                        .fsync(FsyncPolicy.groupCommit(Duration.ofMillis(5)))
                        .io(io)
                        .build(),
                Acknowledgement.DURABLE);
        LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock);
        CompletableFuture<String> call = CompletableFuture.supplyAsync(
                () -> gate.chat("fast", "durable?").text());
        while (!readAll(dir).contains("\"type\":\"call\"")) {
            Thread.onSpinWait(); // the writer wrote the record (not yet forced)
        }
        assertThat(io.pending())
                .as("one group commit pending, covering everything written")
                .isEqualTo(1);
        assertThat(call).as("written but not forced: not acknowledged").isNotDone();
        assertThat(io.forces.get()).isZero();
        io.runScheduled();
        assertThat(call.get()).isEqualTo("echo: durable?");
        assertThat(io.forces.get()).isEqualTo(1);
        gate.close();
        audit.close();
        assertThat(verifier(KEY).verify(List.of(dir)).valid()).isTrue();
    }

    @Test
    void queuedModeReturnsBeforeTheRecordIsForced(@TempDir Path dir) throws Exception {
        CountingFileIo io = new CountingFileIo();
        AuditLog audit = log(
                JsonLinesFileSink.builder(dir)
                        .fsync(FsyncPolicy.groupCommit(Duration.ofMillis(5)))
                        .io(io)
                        .build(),
                Acknowledgement.QUEUED);
        try (LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock)) {
            assertThat(gate.chat("fast", "fast?").text()).isEqualTo("echo: fast?");
            assertThat(io.forces.get()).as("acknowledged with nothing forced").isZero();
        }
        audit.close();
    }

    @Test
    void withEveryRecordTheRecordIsForcedBeforeTheCallReturns(@TempDir Path dir) throws IOException {
        CountingFileIo io = new CountingFileIo();
        AuditLog audit = log(
                JsonLinesFileSink.builder(dir)
                        .fsync(FsyncPolicy.everyRecord())
                        .io(io)
                        .build(),
                Acknowledgement.DURABLE);
        try (LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock)) {
            for (int i = 0; i < 3; i++) {
                int forcesBefore = io.forces.get();
                gate.chat("fast", "q" + i);
                assertThat(readAll(dir)).contains("\"type\":\"call\"");
                assertThat(io.forces.get()).isGreaterThan(forcesBefore);
                assertThat(readAll(dir).split("\"type\":\"call\"", -1)).hasSize(i + 2);
            }
        }
        audit.close();
    }

    @Test
    void aStreamDeliversItsFinishEventOnlyOnceItsRecordIsDurable(@TempDir Path dir) throws Exception {
        CountingFileIo io = new CountingFileIo();
        AuditLog audit = log(
                JsonLinesFileSink.builder(dir)
                        .fsync(FsyncPolicy.groupCommit(Duration.ofMillis(5)))
                        .io(io)
                        .build(),
                Acknowledgement.DURABLE);
        LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock);
        List<StreamEvent> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> consumer =
                CompletableFuture.runAsync(() -> gate.stream(ChatRequest.of("fast", "stream"), seen::add));
        while (!readAll(dir).contains("\"type\":\"call\"")) {
            Thread.onSpinWait(); // the writer wrote the record; the group commit that will cover it is pending
        }
        assertThat(io.pending()).isEqualTo(1);
        assertThat(consumer).isNotDone();
        assertThat(seen).noneMatch(e -> e instanceof StreamEvent.Finish);
        io.runScheduled();
        consumer.get();
        assertThat(seen).last().isInstanceOf(StreamEvent.Finish.class);
        gate.close();
        audit.close();
    }

    @Test
    void aFanOutIsDurableOnlyWhenEveryTargetIs(@TempDir Path dir) throws Exception {
        CountingFileIo io = new CountingFileIo();
        InMemoryAuditSink memory = new InMemoryAuditSink();
        AuditLog audit = log(
                FanOutAuditSink.of(
                        memory,
                        JsonLinesFileSink.builder(dir)
                                .fsync(FsyncPolicy.groupCommit(Duration.ofMillis(5)))
                                .io(io)
                                .build()),
                Acknowledgement.DURABLE);
        LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock);
        CompletableFuture<String> call =
                CompletableFuture.supplyAsync(() -> gate.chat("fast", "both?").text());
        while (!readAll(dir).contains("\"type\":\"call\"")) {
            Thread.onSpinWait();
        }
        assertThat(memory.lines()).anyMatch(l -> l.contains("\"type\":\"call\""));
        assertThat(call).as("stored in memory, not yet forced in the file").isNotDone();
        io.runScheduled();
        assertThat(call.get()).isEqualTo("echo: both?");
        gate.close();
        audit.close();
    }

    @Test
    void aRecordThatDoesNotBecomeDurableInTimeFailsItsCall() {
        AuditSink broken = entries -> {
            throw new IOException("disk full");
        };
        AuditLog audit = AuditFixtures.log(broken, KEY, clock)
                .acknowledgement(Acknowledgement.DURABLE)
                .closeTimeout(Duration.ofMillis(100))
                .onSinkFailure(f -> {})
                .build();
        LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock);
        assertThatThrownBy(() -> gate.chat("fast", "q"))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("not durable")
                .hasMessageContaining("100 ms");
        gate.close();
        assertThatThrownBy(audit::close).isInstanceOf(AuditUnavailableException.class);
    }
}
