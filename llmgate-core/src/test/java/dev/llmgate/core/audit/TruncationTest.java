package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.parse;
import static dev.llmgate.core.audit.AuditFixtures.verifier;
import static dev.llmgate.core.audit.AuditFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.Sha256;
import dev.llmgate.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who can cut or rewrite what, as docs/audit.md states it: without the key, anyone who can write the
 * log's storage can cut its end anywhere (it then looks like a crash) and rewrite unsigned records
 * after the last signed checkpoint, and the verifier alone reports only warnings; what the auditor
 * knows independently (a checkpoint seen before, the number of calls, that the log was closed) makes
 * each of these fail.
 */
class TruncationTest {
    /** A closed log of 23 calls, a checkpoint after every 5. */
    private static List<String> log;

    @BeforeAll
    static void writeLog() {
        log = AuditFixtures.writeLog(KEY, 23, null);
    }

    private static int lastIndexOfType(List<String> lines, String type) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (parse(lines.get(i)).get("type").equals(type)) {
                return i;
            }
        }
        throw new AssertionError("no " + type);
    }

    private static String hash(String line) {
        Map<String, Object> obj = parse(line);
        obj.remove("sig");
        return Hex.encode(Sha256.hash(CanonicalJson.utf8(obj)));
    }

    /** Re-links the entries after {@code from} to their changed predecessors, as someone without the key can for unsigned ones. */
    private static List<String> relink(List<String> lines, int from) {
        List<String> out = new ArrayList<>(lines);
        for (int i = from + 1; i < out.size(); i++) {
            Map<String, Object> obj = parse(out.get(i));
            obj.put("prev", hash(out.get(i - 1)));
            out.set(i, write(obj));
        }
        return out;
    }

    @Test
    void anEndCutWithoutTheKeyOnlyWarnsUnlessTheAuditorKnowsTheCountTheCheckpointOrThatTheLogWasClosed() {
        VerificationReport whole = verifier(KEY).verifyLines(log, "log");
        assertThat(whole.valid()).isTrue();
        long lastCheckpoint = whole.lastCheckpointSeq();
        String lastCheckpointHash = whole.lastCheckpointHash();
        assertThat(lastCheckpointHash).isEqualTo(hash(log.get((int) lastCheckpoint)));
        assertThat(whole.summary()).contains("last checkpoint:   " + lastCheckpoint + ":" + lastCheckpointHash);

        // cut the final checkpoint and the two records before it: no key needed
        List<String> cut = log.subList(0, log.size() - 3);
        VerificationReport plain = verifier(KEY).verifyLines(cut, "log");
        assertThat(plain.valid())
                .as("without outside knowledge a cut end looks like a crash")
                .isTrue();
        assertThat(plain.warnings()).anySatisfy(w -> assertThat(w).contains("no final checkpoint"));

        VerificationReport counted = AuditVerifier.builder()
                .trustKey(KEY.publicKeyHex())
                .expectCallRecords(23)
                .build()
                .verifyLines(cut, "log");
        assertThat(counted.failure())
                .get()
                .satisfies(f -> assertThat(f.reason()).contains("21 call records, at least 23"));

        VerificationReport pinned = AuditVerifier.builder()
                .trustKey(KEY.publicKeyHex())
                .expectCheckpoint(lastCheckpoint, lastCheckpointHash)
                .build()
                .verifyLines(cut, "log");
        assertThat(pinned.failure())
                .get()
                .satisfies(f -> assertThat(f.reason())
                        .contains("before the expected checkpoint")
                        .contains("truncated"));

        VerificationReport closed = AuditVerifier.builder()
                .trustKey(KEY.publicKeyHex())
                .requireFinalCheckpoint()
                .build()
                .verifyLines(cut, "log");
        assertThat(closed.failure()).get().satisfies(f -> assertThat(f.reason()).contains("final checkpoint"));

        // the whole log meets all three
        VerificationReport all = AuditVerifier.builder()
                .trustKey(KEY.publicKeyHex())
                .expectCallRecords(23)
                .expectCheckpoint(lastCheckpoint, lastCheckpointHash)
                .requireFinalCheckpoint()
                .build()
                .verifyLines(log, "log");
        assertThat(all.valid()).as(all.summary()).isTrue();
    }

    @Test
    void unsignedRecordsAfterTheLastSignedCheckpointCanBeRewrittenWithoutTheKeyUnlessRecordsAreSigned() {
        // drop the final checkpoint (signed: it would not match), then change a record after the last remaining
        // checkpoint
        List<String> crashed = new ArrayList<>(log.subList(0, log.size() - 1));
        int checkpoint = lastIndexOfType(crashed, "checkpoint");
        int record = checkpoint + 1;
        Map<String, Object> obj = parse(crashed.get(record));
        obj.put("tenant", "someone-else");
        crashed.set(record, write(obj));
        List<String> rewritten = relink(crashed, record);
        VerificationReport plain = verifier(KEY).verifyLines(rewritten, "log");
        assertThat(plain.valid())
                .as("undetectable from the log alone:\n" + plain.summary())
                .isTrue();
        assertThat(plain.warnings()).anySatisfy(w -> assertThat(w).contains("not covered by a signature"));

        // an auditor who pinned the final checkpoint, or requires one, sees it
        VerificationReport whole = verifier(KEY).verifyLines(log, "log");
        assertThat(AuditVerifier.builder()
                        .trustKey(KEY.publicKeyHex())
                        .expectCheckpoint(whole.lastCheckpointSeq(), whole.lastCheckpointHash())
                        .build()
                        .verifyLines(rewritten, "log")
                        .failure())
                .isPresent();

        // with every record signed, the same rewrite fails on its own
        InMemoryAuditSink signed = new InMemoryAuditSink();
        MutableClock clock = new MutableClock();
        AuditLog audit =
                AuditFixtures.log(signed, KEY, clock).recordSignatures(true).build();
        try (LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock)) {
            for (int i = 0; i < 8; i++) {
                gate.chat("fast", "q" + i);
            }
        }
        audit.close();
        List<String> signedCrashed =
                new ArrayList<>(signed.lines().subList(0, signed.lines().size() - 1));
        int signedRecord = lastIndexOfType(signedCrashed, "checkpoint") + 1;
        Map<String, Object> changed = parse(signedCrashed.get(signedRecord));
        changed.put("tenant", "someone-else");
        signedCrashed.set(signedRecord, write(changed));
        VerificationReport detected = verifier(KEY).verifyLines(relink(signedCrashed, signedRecord), "log");
        assertThat(detected.failure()).get().satisfies(f -> {
            assertThat(f.seq()).isEqualTo(signedRecord);
            assertThat(f.reason()).contains("signature");
        });
    }

    @Test
    void theCommandLineTakesTheExpectations(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("audit-" + parse(log.get(0)).get("log_id") + "-000001.jsonl");
        Files.write(file, log);
        VerificationReport whole = verifier(KEY).verifyLines(log, "log");
        String pinned = whole.lastCheckpointSeq() + ":" + whole.lastCheckpointHash();
        assertThat(cli(
                        "verify",
                        "--key",
                        KEY.publicKeyHex(),
                        "--expect-records",
                        "23",
                        "--expect-checkpoint",
                        pinned,
                        "--require-final",
                        dir.toString()))
                .isEqualTo(AuditVerifierCli.EXIT_VALID);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("last checkpoint:   " + pinned);

        Files.write(file, log.subList(0, log.size() - 3));
        assertThat(cli("verify", "--key", KEY.publicKeyHex(), dir.toString())).isEqualTo(AuditVerifierCli.EXIT_VALID);
        assertThat(cli("verify", "--key", KEY.publicKeyHex(), "--expect-records", "23", dir.toString()))
                .isEqualTo(AuditVerifierCli.EXIT_INVALID);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("at least 23 were expected")
                .contains("INVALID");
        assertThat(cli("verify", "--key", KEY.publicKeyHex(), "--expect-checkpoint", pinned, dir.toString()))
                .isEqualTo(AuditVerifierCli.EXIT_INVALID);
        assertThat(cli("verify", "--key", KEY.publicKeyHex(), "--require-final", dir.toString()))
                .isEqualTo(AuditVerifierCli.EXIT_INVALID);
        assertThat(cli("verify", "--key", KEY.publicKeyHex(), "--expect-checkpoint", "12", dir.toString()))
                .isEqualTo(AuditVerifierCli.EXIT_USAGE);
        assertThat(cli("verify", "--key", KEY.publicKeyHex(), "--expect-records", "many", dir.toString()))
                .isEqualTo(AuditVerifierCli.EXIT_USAGE);
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int cli(String... args) {
        out.reset();
        return AuditVerifierCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }
}
