package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.policy.detect.Detector;
import dev.llmgate.policy.detect.PiiDetector;
import dev.llmgate.policy.detect.PromptInjectionDetector;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Measures the detectors against public labelled data (src/test/resources/eval, sources and licences
 * in its README) and prints precision and recall; the asserted floors are the measured values rounded
 * down, so a regression fails the build. The numbers are reported in docs/policy.md.
 */
class DetectorEvaluationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Presidio entity type to ours; types we do not detect are listed as not covered. */
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("CREDIT_CARD", FindingTypes.CREDIT_CARD),
            Map.entry("US_SSN", FindingTypes.US_SSN),
            Map.entry("EMAIL_ADDRESS", FindingTypes.EMAIL),
            Map.entry("PHONE_NUMBER", FindingTypes.PHONE),
            Map.entry("URL", FindingTypes.URL),
            Map.entry("IBAN_CODE", FindingTypes.IBAN),
            Map.entry("IP_ADDRESS", FindingTypes.IP_ADDRESS),
            Map.entry("DATE_TIME", FindingTypes.DATE),
            Map.entry("US_NPI", FindingTypes.US_NPI),
            Map.entry("US_ITIN", FindingTypes.US_ITIN),
            Map.entry("US_PASSPORT", FindingTypes.US_PASSPORT),
            Map.entry("US_DRIVER_LICENSE", FindingTypes.US_DRIVER_LICENSE),
            Map.entry("ABA_ROUTING_NUMBER", FindingTypes.ABA_ROUTING),
            Map.entry("MAC_ADDRESS", FindingTypes.MAC_ADDRESS),
            Map.entry("US_BANK_NUMBER", FindingTypes.BANK_ACCOUNT),
            Map.entry("US_MBI", FindingTypes.US_MBI),
            Map.entry("UK_NHS", FindingTypes.UK_NHS),
            Map.entry("UK_NINO", FindingTypes.UK_NINO),
            Map.entry("CA_SIN", FindingTypes.CA_SIN));

    record Score(int tp, int fp, int fn, int exact) {
        double precision() {
            return tp + fp == 0 ? 1.0 : (double) tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 1.0 : (double) tp / (tp + fn);
        }
    }

    static List<JsonNode> read(String resource) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        try (InputStream in = DetectorEvaluationTest.class.getResourceAsStream("/eval/" + resource);
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        return rows;
    }

    /**
     * Rows whose expectation llmgate deliberately does not share, with the reason: Presidio expects an
     * IBAN whose groups are separated by slashes not to be found; llmgate reads {@code / . _} (and
     * line breaks, tabs) as group separators so that formatting cannot carry an account number past
     * the policy (docs/policy.md, "Normalisation").
     */
    static final java.util.Set<String> DELIBERATE_DEVIATIONS =
            java.util.Set.of("Slash as iban separator: AL47/2121/1009/0000/0002/3569/8741");

    static Map<String, Score> evaluatePii() throws IOException {
        Detector pii = PiiDetector.all();
        Map<String, int[]> counts = new TreeMap<>();
        for (JsonNode row : read("presidio_recognizer_cases.jsonl")) {
            String theirs = row.get("entity_type").asText();
            String ours = TYPES.get(theirs);
            if (ours == null) {
                continue;
            }
            String text = row.get("text").asText();
            if (DELIBERATE_DEVIATIONS.contains(text)) {
                continue;
            }
            List<int[]> expected = new ArrayList<>();
            for (JsonNode span : row.get("expected_spans")) {
                expected.add(new int[] {span.get(0).asInt(), span.get(1).asInt()});
            }
            List<Finding> found = new ArrayList<>();
            pii.detect(text, f -> {
                boolean sameType = f.type().equals(ours)
                        || (ours.equals(FindingTypes.DATE) && f.type().equals(FindingTypes.DATE_OF_BIRTH));
                if (sameType && f.confidence() >= Policy.DEFAULT_THRESHOLD) {
                    found.add(f);
                }
            });
            int[] c = counts.computeIfAbsent(theirs, k -> new int[4]);
            int expectedCount = row.get("expected_count").asInt();
            if (expected.isEmpty() && expectedCount > 0) {
                // a few rows give a count but no spans: match by count
                int hits = Math.min(expectedCount, found.size());
                c[0] += hits;
                c[2] += expectedCount - hits;
                c[1] += found.size() - hits;
                continue;
            }
            boolean[] used = new boolean[found.size()];
            for (int[] e : expected) {
                boolean hit = false;
                for (int i = 0; i < found.size(); i++) {
                    Finding f = found.get(i);
                    if (!used[i] && f.start() < e[1] && e[0] < f.end()) {
                        used[i] = true;
                        hit = true;
                        c[0]++;
                        if (f.start() == e[0] && f.end() == e[1]) {
                            c[3]++;
                        }
                        break;
                    }
                }
                if (!hit) {
                    c[2]++;
                }
            }
            for (boolean u : used) {
                if (!u) {
                    c[1]++;
                }
            }
        }
        Map<String, Score> scores = new TreeMap<>();
        counts.forEach((k, c) -> scores.put(k, new Score(c[0], c[1], c[2], c[3])));
        return scores;
    }

    static Score evaluateInjection(String resource) throws IOException {
        Detector detector = PromptInjectionDetector.all();
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (JsonNode row : read(resource)) {
            boolean injection = row.get("label").asInt() == 1;
            boolean[] flagged = {false};
            detector.detect(row.get("text").asText(), f -> flagged[0] |= f.confidence() >= Policy.DEFAULT_THRESHOLD);
            if (flagged[0] && injection) {
                tp++;
            } else if (flagged[0]) {
                fp++;
            } else if (injection) {
                fn++;
            }
        }
        return new Score(tp, fp, fn, tp);
    }

    @Test
    void piiPrecisionAndRecallPerEntityType() throws IOException {
        Map<String, Score> scores = evaluatePii();
        System.out.println("PII detector on Presidio's recognizer test cases (threshold 0.5, overlap match):");
        System.out.printf("%-20s %5s %5s %5s %6s %10s %7s%n", "type", "TP", "FP", "FN", "exact", "precision", "recall");
        scores.forEach((type, s) -> System.out.printf(
                "%-20s %5d %5d %5d %6d %10.3f %7.3f%n",
                type, s.tp(), s.fp(), s.fn(), s.exact(), s.precision(), s.recall()));

        // checksum-validated types match exactly
        for (String type : List.of("CREDIT_CARD", "IBAN_CODE", "US_NPI", "ABA_ROUTING_NUMBER")) {
            assertThat(scores.get(type).precision()).as(type + " precision").isEqualTo(1.0);
            assertThat(scores.get(type).recall()).as(type + " recall").isEqualTo(1.0);
        }
        assertThat(scores.get("EMAIL_ADDRESS").recall()).isEqualTo(1.0);
        assertThat(scores.get("EMAIL_ADDRESS").precision()).isEqualTo(1.0);
        // floors: the measured values rounded down (see docs/policy.md for why the weak types are lower)
        assertThat(scores.get("IP_ADDRESS").recall()).isGreaterThanOrEqualTo(0.95);
        assertThat(scores.get("URL").recall()).isGreaterThanOrEqualTo(0.95);
        assertThat(scores.get("DATE_TIME").recall()).isGreaterThanOrEqualTo(0.85);
        assertThat(scores.get("PHONE_NUMBER").recall()).isGreaterThanOrEqualTo(0.9);
        assertThat(scores.get("PHONE_NUMBER").precision()).isGreaterThanOrEqualTo(0.95);
        // read from the issuers' formats (CMS, NHS, HMRC, Canada): bare 10- and 9-digit runs need a context word
        assertThat(scores.get("US_MBI").recall()).isEqualTo(1.0);
        assertThat(scores.get("UK_NINO").recall()).isEqualTo(1.0);
        assertThat(scores.get("UK_NHS").recall()).isGreaterThanOrEqualTo(0.66);
        assertThat(scores.get("CA_SIN").recall()).isGreaterThanOrEqualTo(0.77);
        for (Score s : scores.values()) {
            assertThat(s.precision()).isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void promptInjectionPrecisionAndRecallPerSet() throws IOException {
        Score deepset = evaluateInjection("deepset_train.jsonl");
        Score llmGuard = evaluateInjection("llm_guard_prompt_injection_cases.jsonl");
        System.out.println("Prompt-injection detector (threshold 0.5):");
        System.out.printf("%-28s %4s %4s %4s %10s %7s%n", "set", "TP", "FP", "FN", "precision", "recall");
        System.out.printf(
                "%-28s %4d %4d %4d %10.3f %7.3f%n",
                "deepset/prompt-injections",
                deepset.tp(),
                deepset.fp(),
                deepset.fn(),
                deepset.precision(),
                deepset.recall());
        System.out.printf(
                "%-28s %4d %4d %4d %10.3f %7.3f%n",
                "llm-guard test cases",
                llmGuard.tp(),
                llmGuard.fp(),
                llmGuard.fn(),
                llmGuard.precision(),
                llmGuard.recall());
        assertThat(deepset.precision()).isGreaterThanOrEqualTo(0.95);
        assertThat(deepset.recall()).isGreaterThanOrEqualTo(0.65);
        assertThat(llmGuard.precision()).isGreaterThanOrEqualTo(0.95);
        assertThat(llmGuard.recall()).isGreaterThanOrEqualTo(0.8);
    }
}
