package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonLinesFileSinkTest {
    private final MutableClock clock = new MutableClock();

    private AuditLog writeCalls(JsonLinesFileSink sink, int calls, Duration between) {
        AuditLog audit = AuditFixtures.log(sink, KEY, clock).build();
        try (LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock)) {
            for (int i = 0; i < calls; i++) {
                clock.advance(between);
                gate.chat("fast", "q" + i);
                audit.flush();
            }
        }
        audit.close();
        return audit;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"every", "group", "none"})
    void everyFsyncPolicyWritesAVerifyingLog(String policy, @TempDir Path dir) throws IOException {
        FsyncPolicy fsync = policy.equals("every")
                ? FsyncPolicy.everyRecord()
                : policy.equals("group") ? FsyncPolicy.groupCommit(Duration.ofMillis(2)) : FsyncPolicy.none();
        AuditLog audit = writeCalls(JsonLinesFileSink.builder(dir).fsync(fsync).build(), 12, Duration.ofMillis(1));
        List<Path> files = files(dir);
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).isEqualTo("audit-" + audit.logId() + "-000001.jsonl");
        VerificationReport report = AuditFixtures.verifier(KEY).verify(List.of(dir));
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(12);
        assertThat(Files.readString(files.get(0))).endsWith("\n");
    }

    @Test
    void rotatesBySizeAndTheRotatedSetVerifiesInNameOrder(@TempDir Path dir) throws IOException {
        writeCalls(JsonLinesFileSink.builder(dir).maxFileBytes(4096).build(), 40, Duration.ofMillis(1));
        List<Path> files = files(dir);
        assertThat(files.size()).isGreaterThan(3);
        for (Path f : files) {
            assertThat(Files.size(f)).isLessThanOrEqualTo(4096);
        }
        assertThat(AuditFixtures.verifier(KEY).verify(List.of(dir)).valid()).isTrue();
        // a missing middle file breaks the sequence
        Files.delete(files.get(1));
        VerificationReport report = AuditFixtures.verifier(KEY).verify(List.of(dir));
        assertThat(report.failure())
                .get()
                .extracting(VerificationReport.Failure::reason)
                .asString()
                .contains("entries missing");
    }

    @Test
    void rotatesByAgeUsingItsClock(@TempDir Path dir) throws IOException {
        writeCalls(
                JsonLinesFileSink.builder(dir)
                        .maxFileAge(Duration.ofSeconds(1))
                        .clock(clock)
                        .build(),
                10,
                Duration.ofMillis(400));
        assertThat(files(dir).size()).isGreaterThanOrEqualTo(3);
        assertThat(AuditFixtures.verifier(KEY).verify(List.of(dir)).valid()).isTrue();
    }

    @Test
    void aTornLastLineIsReportedAndNotAcceptedWhileACorruptMiddleLineFails(@TempDir Path dir) throws IOException {
        writeCalls(JsonLinesFileSink.builder(dir).build(), 6, Duration.ofMillis(1));
        Path file = files(dir).get(0);
        List<String> lines = Files.readAllLines(file);
        Files.writeString(file, lines.get(6).substring(0, 40), StandardOpenOption.APPEND);
        VerificationReport torn = AuditFixtures.verifier(KEY).verify(List.of(dir));
        assertThat(torn.result()).isEqualTo("TORN_TAIL");
        assertThat(torn.entries()).isEqualTo(lines.size());
        assertThat(torn.tornTail()).get().asString().contains(":" + (lines.size() + 1) + ":");

        lines.set(3, lines.get(3).substring(0, 30));
        Files.write(file, lines);
        VerificationReport corrupt = AuditFixtures.verifier(KEY).verify(List.of(dir));
        assertThat(corrupt.failure()).get().satisfies(f -> {
            assertThat(f.location()).endsWith(":4");
            assertThat(f.reason()).contains("not a valid JSON entry");
        });
    }

    @Test
    void anUnterminatedLineThatLaterFilesFollowFailsInsteadOfEndingVerificationAsATornTail(@TempDir Path dir)
            throws IOException {
        writeCalls(JsonLinesFileSink.builder(dir).maxFileBytes(4096).build(), 20, Duration.ofMillis(1));
        List<Path> files = files(dir);
        assertThat(files.size()).isGreaterThan(2);
        Path first = files.get(0);
        String text = Files.readString(first);
        Files.writeString(first, text.substring(0, text.length() - 1)); // its last line loses its terminator
        VerificationReport report = AuditFixtures.verifier(KEY).verify(List.of(dir));
        assertThat(report.tornTail()).isEmpty();
        assertThat(report.failure()).get().satisfies(f -> assertThat(f.reason()).contains("not the last line"));
    }

    @Test
    void badConfigurationIsReported(@TempDir Path dir) {
        assertThatThrownBy(() -> JsonLinesFileSink.builder(dir)
                        .prefix("a/b")
                        .maxFileBytes(10)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("prefix")
                .hasMessageContaining("maxFileBytes");
        assertThatThrownBy(() -> FsyncPolicy.groupCommit(Duration.ZERO)).hasMessageContaining("positive");
    }

    @Test
    void theSinkSkipsEntriesItAlreadyStoredWhenABatchIsRetried(@TempDir Path dir) throws IOException {
        JsonLinesFileSink sink = JsonLinesFileSink.builder(dir).build();
        AuditEntry a = new AuditEntry("00000000000000aa", 0, "genesis", "h", "{\"a\":1}");
        AuditEntry b = new AuditEntry("00000000000000aa", 1, "call", "h", "{\"b\":2}");
        sink.write(List.of(a));
        sink.write(List.of(a, b));
        sink.close();
        assertThat(Files.readString(files(dir).get(0), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    }
}
