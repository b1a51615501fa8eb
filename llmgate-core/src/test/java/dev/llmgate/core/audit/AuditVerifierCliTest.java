package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.LlmGate;
import dev.llmgate.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return AuditVerifierCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keygenVerifyProveAndCheckProofEndToEnd(@TempDir Path tmp) throws IOException {
        Path keys = tmp.resolve("keys");
        assertThat(run("keygen", keys.toString())).isZero();
        AuditSigningKey key = AuditSigningKey.fromSeedHex(Files.readString(keys.resolve("audit-key.seed")));
        assertThat(Files.readString(keys.resolve("audit-key.pub")).trim()).isEqualTo(key.publicKeyHex());

        Path logDir = tmp.resolve("log");
        Path copyDir = tmp.resolve("copy");
        MutableClock clock = new MutableClock();
        AuditLog audit = AuditFixtures.log(
                        FanOutAuditSink.builder()
                                .add(JsonLinesFileSink.builder(logDir).build())
                                .addCheckpointCopy(JsonLinesFileSink.builder(copyDir)
                                        .prefix("checkpoints")
                                        .build())
                                .build(),
                        key,
                        clock)
                .build();
        try (LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock)) {
            for (int i = 0; i < 9; i++) {
                gate.chat("fast", "q" + i);
            }
        }
        audit.close();

        String pub = keys.resolve("audit-key.pub").toString();
        assertThat(run("verify", "--key", pub, "--checkpoints", copyDir.toString(), logDir.toString()))
                .as(err.toString())
                .isZero();
        assertThat(out())
                .contains("result:            VALID")
                .contains("9 call records")
                .contains("log id:            " + audit.logId());

        assertThat(run("prove", "--seq", "2", logDir.toString())).isZero();
        Path proof = tmp.resolve("proof.json");
        Files.writeString(proof, out());
        assertThat(run("check-proof", "--key", key.publicKeyHex(), proof.toString()))
                .isZero();
        assertThat(out()).startsWith("proof VALID");

        assertThat(run("verify", "--key", AuditFixtures.OTHER_KEY.publicKeyHex(), logDir.toString()))
                .isEqualTo(AuditVerifierCli.EXIT_INVALID);
        assertThat(out()).contains("result:            INVALID").contains("not a trusted key");

        Path file;
        try (var files = Files.list(logDir)) {
            file = files.findFirst().orElseThrow();
        }
        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.subList(0, lines.size() - 3));
        assertThat(run("verify", "--key", pub, logDir.toString())).isZero();
        assertThat(out()).contains("no final checkpoint");
        assertThat(run("verify", "--key", pub, "--checkpoints", copyDir.toString(), logDir.toString()))
                .isEqualTo(AuditVerifierCli.EXIT_INVALID);
        assertThat(out()).contains("truncated");

        Files.writeString(file, "{\"seq\":", StandardOpenOption.APPEND);
        assertThat(run("verify", "--key", pub, logDir.toString())).isEqualTo(AuditVerifierCli.EXIT_TORN_TAIL);
        assertThat(out()).contains("result:            TORN_TAIL");
    }

    @Test
    void usageErrorsExitWithTwo(@TempDir Path tmp) {
        assertThat(run()).isEqualTo(AuditVerifierCli.EXIT_USAGE);
        assertThat(run("verify", tmp.toString())).isEqualTo(AuditVerifierCli.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--key");
        assertThat(run("verify", "--key", "abc", tmp.toString())).isEqualTo(AuditVerifierCli.EXIT_USAGE);
        assertThat(run("frobnicate")).isEqualTo(AuditVerifierCli.EXIT_USAGE);
    }
}
