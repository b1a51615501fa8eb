package dev.llmgate.policy.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.detect.Detector;
import dev.llmgate.policy.detect.PiiDetector;
import dev.llmgate.policy.detect.PromptInjectionDetector;
import dev.llmgate.policy.detect.SecretDetector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A policy's shared scan gives every covered detector exactly the findings of its own {@code detect}. */
class FusedScanTest {

    @Test
    void sharedScanGivesEachDetectorItsOwnFindings() throws IOException {
        PiiDetector pii = PiiDetector.all();
        SecretDetector secrets = SecretDetector.all();
        PromptInjectionDetector injection = PromptInjectionDetector.all();
        FusedScan fused = FusedScan.of(List.of(pii, injection, secrets)).orElseThrow();
        assertThat(fused.covers(pii)).isTrue();
        assertThat(fused.covers(secrets)).isTrue();
        assertThat(fused.covers(injection)).isFalse();
        int compared = 0;
        for (String text : texts()) {
            Map<String, List<Finding>> shared = fused.scan(text);
            for (Detector d : List.of(pii, secrets)) {
                List<Finding> own = new ArrayList<>();
                d.detect(text, own::add);
                assertThat(shared.getOrDefault(fused.idOf(d), List.of()))
                        .as("%s in <%s>", d, text)
                        .isEqualTo(own);
                compared += own.size();
            }
        }
        assertThat(compared).isGreaterThan(300);
    }

    @Test
    void fusesOnlyWhenThereIsSomethingToShare() {
        assertThat(FusedScan.of(List.of(PiiDetector.all()))).isEmpty();
        assertThat(FusedScan.of(List.of(PiiDetector.all(), PromptInjectionDetector.all())))
                .isEmpty();
        // a second detector with the same id reports on its own
        PiiDetector emails = PiiDetector.of("EMAIL");
        FusedScan fused = FusedScan.of(List.of(PiiDetector.all(), emails, SecretDetector.all()))
                .orElseThrow();
        assertThat(fused.covers(emails)).isFalse();
    }

    private static List<String> texts() throws IOException {
        List<String> texts = new ArrayList<>(List.of(
                "password=Tr0ub4dor&3xyz and SSN 078-05-1120",
                "AKIAIOSFODNN7EXAMPLE 4111 1111 1111 1111",
                "call +1 (312) 555-0147, mail jane@example.org, key sk-proj-Abc123Def456Ghi789Jkl012"));
        try (InputStream in = FusedScanTest.class.getResourceAsStream("/eval/presidio_recognizer_cases.jsonl")) {
            assertThat(in).isNotNull();
            texts.addAll(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        }
        return texts;
    }
}
