package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each {@link FsyncPolicy} forces the file exactly when it says it does, counted through the file
 * sink's channel: every entry, once per group, or only on flush, rotation and close.
 */
class FsyncPolicyTest {
    private static final String LOG = "00000000000000aa";

    private static List<List<AuditEntry>> batches(int batches, int perBatch) {
        List<List<AuditEntry>> out = new ArrayList<>();
        long seq = 0;
        for (int b = 0; b < batches; b++) {
            List<AuditEntry> batch = new ArrayList<>();
            for (int i = 0; i < perBatch; i++, seq++) {
                batch.add(new AuditEntry(LOG, seq, "call", "h", "{\"seq\":" + seq + "}"));
            }
            out.add(batch);
        }
        return out;
    }

    private static JsonLinesFileSink sink(Path dir, FsyncPolicy policy, CountingFileIo io) {
        return JsonLinesFileSink.builder(dir).fsync(policy).io(io).build();
    }

    @Test
    void everyRecordForcesOncePerEntryBeforeWriteReturns(@TempDir Path dir) throws IOException {
        CountingFileIo io = new CountingFileIo();
        JsonLinesFileSink sink = sink(dir, FsyncPolicy.everyRecord(), io);
        assertThat(sink.reportDurability(seq -> {}))
                .as("durable when write returns")
                .isFalse();
        for (List<AuditEntry> batch : batches(10, 10)) {
            sink.write(batch);
        }
        assertThat(io.forces.get()).isEqualTo(100);
        assertThat(io.pending()).isZero();
        sink.flush();
        assertThat(io.forces.get()).as("nothing left to force").isEqualTo(100);
        sink.close();
    }

    @Test
    void groupCommitForcesOncePerGroupWhenItsTimerRunsAndReportsWhatBecameDurable(@TempDir Path dir)
            throws IOException {
        CountingFileIo io = new CountingFileIo();
        JsonLinesFileSink sink = sink(dir, FsyncPolicy.groupCommit(Duration.ofMillis(7)), io);
        AtomicLong durable = new AtomicLong(-1);
        assertThat(sink.reportDurability(durable::set)).isTrue();
        List<List<AuditEntry>> batches = batches(10, 10);
        for (List<AuditEntry> batch : batches.subList(0, 5)) {
            sink.write(batch);
        }
        assertThat(io.forces.get()).as("written, not yet forced").isZero();
        assertThat(durable.get()).isEqualTo(-1);
        assertThat(io.pending()).as("one group commit for the five batches").isEqualTo(1);
        assertThat(io.delays)
                .as("calls wait for the records: the group's fsync starts at once")
                .containsExactly(0L);
        io.runScheduled();
        assertThat(io.forces.get()).isEqualTo(1);
        assertThat(durable.get()).isEqualTo(49);
        for (List<AuditEntry> batch : batches.subList(5, 10)) {
            sink.write(batch);
        }
        assertThat(io.pending()).isEqualTo(1);
        io.runScheduled();
        assertThat(io.forces.get()).isEqualTo(2);
        assertThat(durable.get()).isEqualTo(99);
        io.runScheduled();
        assertThat(io.forces.get()).as("nothing scheduled, nothing forced").isEqualTo(2);
        sink.close();
    }

    @Test
    void withoutDurableAcknowledgementTheGroupCommitWaitsItsInterval(@TempDir Path dir) throws IOException {
        CountingFileIo io = new CountingFileIo();
        JsonLinesFileSink sink = sink(dir, FsyncPolicy.groupCommit(Duration.ofMillis(7)), io);
        for (List<AuditEntry> batch : batches(3, 10)) {
            sink.write(batch);
        }
        assertThat(io.forces.get()).isZero();
        assertThat(io.delays).containsExactly(Duration.ofMillis(7).toNanos());
        io.runScheduled();
        assertThat(io.forces.get()).isEqualTo(1);
        sink.close();
    }

    @Test
    void noneForcesOnlyOnFlushRotationAndClose(@TempDir Path dir) throws IOException {
        CountingFileIo io = new CountingFileIo();
        JsonLinesFileSink sink = JsonLinesFileSink.builder(dir)
                .fsync(FsyncPolicy.none())
                .maxFileBytes(1024)
                .io(io)
                .build();
        assertThat(sink.reportDurability(seq -> {}))
                .as("handed to the OS when write returns")
                .isFalse();
        List<List<AuditEntry>> batches = batches(10, 10);
        sink.write(batches.get(0));
        assertThat(io.forces.get()).isZero();
        assertThat(io.pending()).isZero();
        sink.flush();
        assertThat(io.forces.get()).isEqualTo(1);
        for (List<AuditEntry> batch : batches.subList(1, 10)) {
            sink.write(batch); // ~1,100 bytes in all: rotations at 1,024 bytes
        }
        int rotations = io.forces.get() - 1;
        assertThat(rotations).isPositive();
        sink.close();
        assertThat(io.forces.get()).isEqualTo(1 + rotations + 1);
    }
}
