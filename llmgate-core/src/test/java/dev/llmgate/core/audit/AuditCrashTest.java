package dev.llmgate.core.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A child JVM writing audit records is killed with SIGKILL; the intact prefix of its log verifies. */
class AuditCrashTest {

    private static void runAndKill(Path dir, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, CrashWriterMain.class.getName(), dir.toString(), mode));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
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
}
