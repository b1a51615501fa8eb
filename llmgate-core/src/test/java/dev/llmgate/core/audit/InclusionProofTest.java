package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.core.audit.internal.CanonicalJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InclusionProofTest {
    private final List<String> lines = AuditFixtures.writeLog(KEY, 17, null);
    private final AuditVerifier verifier = AuditFixtures.verifier(KEY);

    @Test
    void everyEntryHasAProofAgainstTheFirstCheckpointCoveringIt() {
        for (int seq = 0; seq < lines.size() - 1; seq++) {
            InclusionProof proof = AuditVerifier.proveInclusion(lines, "log", seq);
            assertThat(proof.leafIndex()).isEqualTo(seq);
            assertThat(proof.treeSize()).isGreaterThan(seq);
            assertThat(parse(proof.checkpoint())).containsEntry("type", "checkpoint");
            assertThat(verifier.checkProof(proof)).as("seq %d", seq).isEmpty();
            InclusionProof reread = InclusionProof.fromJson(proof.toJson());
            assertThat(reread).isEqualTo(proof);
            assertThat(verifier.checkProof(reread)).isEmpty();
        }
    }

    @Test
    void aProofFailsForAChangedRecordAWrongPathOrAnUntrustedKey() {
        int seq = AuditLogTest.indexOfType(lines, "call");
        InclusionProof proof = AuditVerifier.proveInclusion(lines, "log", seq);

        Map<String, Object> record = parse(proof.record());
        record.put("tenant", "someone-else");
        InclusionProof changed = new InclusionProof(
                seq, proof.treeSize(), proof.path(), CanonicalJson.write(record), proof.checkpoint());
        assertThat(verifier.checkProof(changed)).get().asString().contains("does not lead");

        List<String> path = new ArrayList<>(proof.path());
        path.set(0, "00".repeat(32));
        assertThat(verifier.checkProof(
                        new InclusionProof(seq, proof.treeSize(), path, proof.record(), proof.checkpoint())))
                .isPresent();
        assertThat(verifier.checkProof(new InclusionProof(
                        seq + 1, proof.treeSize(), proof.path(), proof.record(), proof.checkpoint())))
                .get()
                .asString()
                .contains("leaf index");
        assertThat(AuditFixtures.verifier(AuditFixtures.OTHER_KEY).checkProof(proof))
                .get()
                .asString()
                .contains("trusted key");
    }

    @Test
    void noProofWithoutACoveringCheckpoint() {
        assertThatThrownBy(() -> AuditVerifier.proveInclusion(lines, "log", lines.size() - 1))
                .hasMessageContaining("no checkpoint covers");
        assertThatThrownBy(() -> AuditVerifier.proveInclusion(lines, "log", 999))
                .hasMessageContaining("no entry with seq 999");
    }
}
