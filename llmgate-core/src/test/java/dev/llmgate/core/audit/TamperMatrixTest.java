package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.OTHER_KEY;
import static dev.llmgate.core.audit.AuditFixtures.parse;
import static dev.llmgate.core.audit.AuditFixtures.rechain;
import static dev.llmgate.core.audit.AuditFixtures.verifier;
import static dev.llmgate.core.audit.AuditFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every way of tampering with a log that the issue lists, each detected, and located. */
class TamperMatrixTest {
    private static List<String> original;
    private static List<String> checkpointCopy;

    @BeforeAll
    static void writeLog() {
        InMemoryAuditSink copy = new InMemoryAuditSink();
        original = AuditFixtures.writeLog(KEY, 23, copy);
        checkpointCopy = copy.lines();
    }

    private static VerificationReport verify(List<String> lines) {
        return verifier(KEY).verifyLines(lines, "log");
    }

    private static VerificationReport verifyWithCopy(List<String> lines) {
        return AuditVerifier.builder()
                .trustKey(KEY.publicKeyHex())
                .externalCheckpointLines(checkpointCopy)
                .build()
                .verifyLines(lines, "log");
    }

    private static VerificationReport.Failure failure(VerificationReport r) {
        assertThat(r.failure())
                .as("tampering must be detected:\n" + r.summary())
                .isPresent();
        return r.failure().get();
    }

    @Test
    void theUntouchedLogVerifiesWithAndWithoutTheCheckpointCopy() {
        VerificationReport r = verify(original);
        assertThat(r.valid()).as(r.summary()).isTrue();
        assertThat(r.callRecords()).isEqualTo(23);
        assertThat(r.warnings()).isEmpty();
        VerificationReport withCopy = verifyWithCopy(original);
        assertThat(withCopy.valid()).as(withCopy.summary()).isTrue();
        assertThat(withCopy.externalMatched()).isEqualTo(checkpointCopy.size());
        assertThat(r.summary())
                .contains("result:            VALID")
                .contains("23 call records")
                .contains(KEY.keyId());
    }

    @Test
    void aChangedFieldInAnyEntryIsDetectedAtThatEntry() {
        for (int i = 0; i < original.size(); i++) {
            for (String field : List.of("ts", "seq", "prev", "type", "log_id")) {
                Map<String, Object> obj = parse(original.get(i));
                Object old = obj.get(field);
                if (old == null) {
                    continue;
                }
                obj.put(field, old instanceof Long ? (Long) old + 1 : old.equals("call") ? "checkpoint" : "x" + old);
                List<String> lines = new ArrayList<>(original);
                lines.set(i, write(obj));
                VerificationReport.Failure f = failure(verify(lines));
                assertThat(f.seq()).as("entry %d, field %s: %s", i, field, f).isEqualTo(i);
            }
        }
    }

    @Test
    void aChangedValueInsideACallRecordIsDetectedAndPinnedToThatRecord() {
        for (int i = 0; i < original.size(); i++) {
            Map<String, Object> obj = parse(original.get(i));
            if (!obj.get("type").equals("call")) {
                continue;
            }
            for (String field : List.of("tenant", "outcome", "request_digest", "requested_model", "duration_ms")) {
                Map<String, Object> changed = parse(original.get(i));
                Object old = changed.get(field);
                changed.put(field, old instanceof Long ? (Long) old + 1 : old + "!");
                List<String> lines = new ArrayList<>(original);
                lines.set(i, write(changed));
                VerificationReport.Failure f = failure(verify(lines));
                assertThat(f.seq()).as("record %d field %s", i, field).isEqualTo(i);
                assertThat(f.reason()).contains("entry " + i + " was changed");
                assertThat(f.location()).isEqualTo("log:" + (i + 1));
            }
        }
    }

    @Test
    void aDeletedRecordIsDetected() {
        for (int i = 1; i < original.size(); i++) {
            List<String> lines = new ArrayList<>(original);
            lines.remove(i);
            VerificationReport r = i == original.size() - 1 ? verifyWithCopy(lines) : verify(lines);
            VerificationReport.Failure f = failure(r);
            assertThat(f.seq()).as("deleted %d: %s", i, f).isEqualTo(i);
        }
    }

    @Test
    void anInsertedRecordIsDetectedWhetherCopiedOrForgedWithoutTheKey() {
        int at = AuditLogTest.indexOfType(original, "call") + 1;
        List<String> copied = new ArrayList<>(original);
        copied.add(at, original.get(at - 1));
        assertThat(failure(verify(copied)).seq()).isEqualTo(at);

        Map<String, Object> forged = parse(original.get(at - 1));
        forged.put("call_id", "call_forged");
        forged.put("tenant", "someone-else");
        List<String> inserted = new ArrayList<>(original);
        inserted.add(at, write(forged));
        List<String> rechained = rechain(inserted, null);
        VerificationReport.Failure f = failure(verify(rechained));
        assertThat(f.reason()).contains("checkpoint signature");
        assertThat(f.seq()).isGreaterThan(at);
    }

    @Test
    void twoSwappedRecordsAreDetected() {
        for (int i = 1; i + 1 < original.size(); i++) {
            List<String> lines = new ArrayList<>(original);
            Collections.swap(lines, i, i + 1);
            assertThat(failure(verify(lines)).seq()).as("swap %d", i).isEqualTo(i);
        }
    }

    @Test
    void aTruncatedTailIsDetectedThroughTheCheckpointCopyKeptElsewhere() {
        for (int keep = 2; keep < original.size(); keep++) {
            List<String> truncated = new ArrayList<>(original.subList(0, keep));
            VerificationReport alone = verify(truncated);
            assertThat(alone.failure()).as("cut to %d", keep).isEmpty();
            assertThat(alone.finalCheckpoint()).isFalse();
            assertThat(alone.warnings()).anySatisfy(w -> assertThat(w).contains("no final checkpoint"));
            VerificationReport.Failure f = failure(verifyWithCopy(truncated));
            assertThat(f.reason()).contains("truncated");
            assertThat(f.seq()).isEqualTo(keep);
        }
    }

    @Test
    void aTailRewrittenWithANewChainByTheKeyHolderIsDetectedThroughTheCheckpointCopy() {
        int cut = original.size() / 2;
        List<String> rewritten = new ArrayList<>(original.subList(0, cut));
        for (int i = cut; i < original.size(); i++) {
            Map<String, Object> obj = parse(original.get(i));
            if (obj.get("type").equals("call")) {
                obj.put("tenant", "rewritten");
            }
            rewritten.add(write(obj));
        }
        List<String> forged = rechain(rewritten, KEY);
        assertThat(verify(forged).valid())
                .as("the key holder can rewrite a log consistently")
                .isTrue();
        VerificationReport.Failure f = failure(verifyWithCopy(forged));
        assertThat(f.reason()).contains("differs from the copy kept elsewhere");
    }

    @Test
    void aForgedSignatureIsDetectedAtItsCheckpoint() {
        for (int i = 0; i < original.size(); i++) {
            Map<String, Object> obj = parse(original.get(i));
            if (!obj.containsKey("sig")) {
                continue;
            }
            String sig = (String) obj.get("sig");
            obj.put("sig", (sig.charAt(0) == 'a' ? "b" : "a") + sig.substring(1));
            List<String> lines = new ArrayList<>(original);
            lines.set(i, write(obj));
            VerificationReport.Failure f = failure(verify(lines));
            assertThat(f.seq()).isEqualTo(i);
            assertThat(f.reason()).contains("signature");
        }
    }

    @Test
    void theWrongKeyIsRejectedAndALogForgedWithAnotherKeyToo() {
        VerificationReport.Failure wrongKey = failure(verifier(OTHER_KEY).verifyLines(original, "log"));
        assertThat(wrongKey.seq()).isZero();
        assertThat(wrongKey.reason()).contains("not a trusted key");

        List<String> forgedByAttacker = rechain(original, OTHER_KEY);
        assertThat(verifier(OTHER_KEY).verifyLines(forgedByAttacker, "log").valid())
                .isTrue();
        VerificationReport.Failure f = failure(verify(forgedByAttacker));
        assertThat(f.seq()).isZero();
        assertThat(f.reason()).contains("not a trusted key");
    }

    @Test
    void aReplayedSegmentFromAnotherLogIsDetected() {
        List<String> other = AuditFixtures.writeLog(KEY, 23, null);
        assertThat(other).hasSameSizeAs(original);
        for (int from : new int[] {1, 5, original.size() - 4}) {
            List<String> spliced = new ArrayList<>(original);
            for (int i = from; i < from + 3; i++) {
                spliced.set(i, other.get(i));
            }
            assertThat(failure(verify(spliced)).seq()).as("replay at %d", from).isEqualTo(from);
        }
        VerificationReport whole = AuditVerifier.builder()
                .trustKey(KEY.publicKeyHex())
                .expectLogId((String) parse(original.get(0)).get("log_id"))
                .build()
                .verifyLines(other, "other");
        assertThat(failure(whole).reason()).contains("not the expected log");
    }
}
