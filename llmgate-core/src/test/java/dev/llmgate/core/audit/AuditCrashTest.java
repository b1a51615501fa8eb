package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.LlmGate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A child JVM writing audit records is killed with SIGKILL; the intact prefix of its log verifies,
 * every call it acknowledged has its record when acknowledgement is durable, at most the queue's
 * capacity of acknowledged calls lose theirs when it is queued, and the log can be reopened.
 */
@Timeout(300)
class AuditCrashTest {

    private static Process start(Path dir, String... mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command =
                new ArrayList<>(List.of(java, "-cp", classpath, CrashWriterMain.class.getName(), dir.toString()));
        command.addAll(List.of(mode));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void runAndKill(Path dir, String mode) throws Exception {
        Process child = start(dir, mode);
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("READY")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the child did not get ready:\n" + seen).isEqualTo("READY");
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * Runs the {@code acked} child until it acknowledged {@code acks} calls, kills it (SIGKILL), and
     * returns the end users of every call it acknowledged, including those acknowledged between the
     * decision to kill and the kill.
     */
    private static Set<String> ackedThenKilled(Path dir, int acks, String... mode) throws Exception {
        List<String> args = new ArrayList<>(List.of("acked"));
        args.addAll(List.of(mode));
        Process child = start(dir, args.toArray(new String[0]));
        Set<String> acked = new HashSet<>();
        StringBuilder other = new StringBuilder();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            boolean killed = false;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("A") && line.length() > 1 && Character.isDigit(line.charAt(1))) {
                    acked.add("u" + line.substring(1));
                } else if (!line.equals("READY")) {
                    other.append(line).append('\n');
                }
                if (!killed && acked.size() >= acks) {
                    // SIGKILL through the process handle, which (unlike Process.destroyForcibly) leaves the pipe open:
                    // the acknowledgements already in it are still read
                    child.toHandle().destroyForcibly();
                    killed = true;
                }
            }
            assertThat(killed).as("the child ended by itself:\n" + other).isTrue();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        return acked;
    }

    /** The end users of the call records among the complete lines of the log's files. */
    private static Set<String> recordedUsers(Path dir) throws IOException {
        Set<String> users = new HashSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            for (String line : text.substring(0, end + 1).split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                Map<String, Object> entry = AuditFixtures.parse(line);
                if ("call".equals(entry.get("type"))) {
                    users.add((String) entry.get("user"));
                }
            }
        }
        return users;
    }

    @Test
    void killedWhileWritingContinuouslyTheIntactPrefixVerifies(@TempDir Path dir) throws Exception {
        runAndKill(dir, "continuous");
        VerificationReport report = AuditFixtures.verifier(AuditFixtures.KEY).verify(List.of(dir));
        assertThat(report.failure()).as(report.summary()).isEmpty();
        assertThat(report.callRecords()).isGreaterThanOrEqualTo(200);
        assertThat(report.finalCheckpoint()).isFalse();
        assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("no final checkpoint"));
        // a torn last line, if the kill hit mid-write, is reported and not accepted
        assertThat(report.result()).isIn("VALID", "TORN_TAIL");
    }

    @Test
    void killedWithAHalfWrittenLineTheTornTailIsReportedNotAccepted(@TempDir Path dir) throws Exception {
        runAndKill(dir, "torn");
        VerificationReport report = AuditFixtures.verifier(AuditFixtures.KEY).verify(List.of(dir));
        assertThat(report.failure()).as(report.summary()).isEmpty();
        assertThat(report.result()).isEqualTo("TORN_TAIL");
        assertThat(report.tornTail()).get().asString().contains(":206: ").contains("not accepted");
        assertThat(report.callRecords()).isEqualTo(200);
        assertThat(report.valid()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"every", "group", "none"})
    void withDurableAcknowledgementNoAcknowledgedCallLosesItsRecord(String fsync, @TempDir Path dir) throws Exception {
        Set<String> acked = ackedThenKilled(dir, 1500, "DURABLE", fsync, "10000", "8");
        Set<String> recorded = recordedUsers(dir);
        Set<String> lost = new HashSet<>(acked);
        lost.removeAll(recorded);
        System.out.println("SIGKILL, DURABLE, " + fsync + ": " + acked.size() + " calls acknowledged, " + lost.size()
                + " without a record");
        assertThat(lost)
                .as("acknowledged calls without a record (of " + acked.size() + " acknowledged)")
                .isEmpty();
        // an auditor who knows how many calls were acknowledged finds them all
        VerificationReport report = AuditVerifier.builder()
                .trustKey(AuditFixtures.KEY.publicKeyHex())
                .expectCallRecords(acked.size())
                .build()
                .verify(List.of(dir));
        assertThat(report.failure()).as(report.summary()).isEmpty();
        assertThat(report.result()).isIn("VALID", "TORN_TAIL");
    }

    @Test
    void withQueuedAcknowledgementAtMostTheQueueCapacityOfAcknowledgedCallsLoseTheirRecords(@TempDir Path dir)
            throws Exception {
        int capacity = 500;
        Set<String> acked = ackedThenKilled(dir, 20_000, "QUEUED", "group", String.valueOf(capacity), "8");
        Set<String> lost = new HashSet<>(acked);
        lost.removeAll(recordedUsers(dir));
        System.out.println("SIGKILL, QUEUED, queue capacity " + capacity + ": " + acked.size() + " calls acknowledged, "
                + lost.size() + " without a record");
        assertThat(lost.size())
                .as("acknowledged calls without a record, of " + acked.size())
                .isLessThanOrEqualTo(capacity);
        VerificationReport report = AuditFixtures.verifier(AuditFixtures.KEY).verify(List.of(dir));
        assertThat(report.failure()).as(report.summary()).isEmpty();
        if (!lost.isEmpty()) {
            // the log alone looks whole; the acknowledged count shows the loss
            VerificationReport counted = AuditVerifier.builder()
                    .trustKey(AuditFixtures.KEY.publicKeyHex())
                    .expectCallRecords(acked.size())
                    .build()
                    .verify(List.of(dir));
            assertThat(counted.failure())
                    .get()
                    .satisfies(f -> assertThat(f.reason()).contains("were expected"));
        }
    }

    @Test
    void aKilledLogIsReopenedByItsNextRunAndTheWholeLogVerifies(@TempDir Path dir) throws Exception {
        Set<String> acked = ackedThenKilled(dir, 500, "DURABLE", "none", "10000", "4");
        AuditLog reopened = AuditLog.builder(JsonLinesFileSink.builder(dir).build(), AuditFixtures.KEY)
                .logId(CrashWriterMain.LOG_ID)
                .checkpointEveryRecords(500)
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", AuditFixtures.echo())
                .alias("fast", "p:m")
                .addInterceptor(dev.llmgate.core.Stage.AUDIT, reopened.interceptor())
                .build()) {
            for (int i = 0; i < 10; i++) {
                gate.chat("fast", "after the restart " + i);
            }
        }
        reopened.close();
        VerificationReport report = AuditVerifier.builder()
                .trustKey(AuditFixtures.KEY.publicKeyHex())
                .expectCallRecords(acked.size() + 10)
                .requireFinalCheckpoint()
                .build()
                .verify(List.of(dir));
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.warnings()).anySatisfy(w -> assertThat(w).contains("without closing"));
    }
}
