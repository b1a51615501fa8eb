package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.internal.ThreadPools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditConcurrencyTest {

    /** Virtual threads where the JDK has them (21+), platform threads otherwise. */
    @Test
    void aThousandConcurrentCallsGiveAGaplessVerifyingChain(@TempDir Path dir) throws Exception {
        JsonLinesFileSink file = JsonLinesFileSink.builder(dir)
                .fsync(FsyncPolicy.groupCommit(java.time.Duration.ofMillis(5)))
                .maxFileBytes(64 * 1024)
                .build();
        InMemoryAuditSink memory = new InMemoryAuditSink();
        AuditLog audit = AuditLog.builder(FanOutAuditSink.of(file, memory), KEY)
                .checkpointEveryRecords(100)
                .queueCapacity(64)
                .scheduleCheckpoints(false)
                .build();
        int n = 1000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = ThreadPools.newCallExecutor("audit-test");
        try (LlmGate gate = LlmGate.builder()
                .provider("p", AuditFixtures.echo())
                .alias("fast", "p:m")
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .build()) {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String prompt = "prompt-" + i;
                boolean stream = i % 2 == 0;
                results.add(threads.submit(() -> {
                    start.await();
                    ChatRequest request = ChatRequest.of("fast", prompt);
                    return stream ? gate.stream(request).collect() : gate.chat(request);
                }));
            }
            start.countDown();
            for (Future<?> f : results) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdown();
        }
        audit.close();

        VerificationReport fromFiles = AuditFixtures.verifier(KEY).verify(List.of(dir));
        assertThat(fromFiles.valid()).as(fromFiles.summary()).isTrue();
        assertThat(fromFiles.callRecords()).isEqualTo(n);
        assertThat(fromFiles.sources().size()).as("rotated by size").isGreaterThan(1);
        assertThat(fromFiles.checkpoints()).isEqualTo(n / 100 + 1);
        List<String> lines = memory.lines();
        Set<Object> callIds = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> obj = AuditFixtures.parse(lines.get(i));
            assertThat(obj.get("seq")).isEqualTo((long) i);
            if (obj.get("type").equals("call")) {
                callIds.add(obj.get("call_id"));
            }
        }
        assertThat(callIds).hasSize(n);
        assertThat(audit.stats().entriesWritten()).isEqualTo(lines.size());
    }
}
