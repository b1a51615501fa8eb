package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.testing.ScriptedProvider;
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
 * Measures the semantic cache on the labelled pairs in {@code cache/semantic-pairs.tsv}: for each
 * pair, the first question is answered and stored, then the second is asked; a hit on a paraphrase
 * (P) is correct, a hit on a non-paraphrase (N) is a false hit. The embedder is {@link HashingEmbedder}:
 * these numbers describe the guard and the plumbing, not a real embedding model. docs/caching.md
 * reports them; this test pins them so that the page stays true.
 */
class SemanticPairsEvaluationTest {
    static final double THRESHOLD = 0.80;

    record Pair(boolean paraphrase, String category, String cached, String asked) {}

    static List<Pair> pairs() throws IOException {
        List<Pair> pairs = new ArrayList<>();
        try (InputStream in = SemanticPairsEvaluationTest.class.getResourceAsStream("/cache/semantic-pairs.tsv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                assertThat(f).as(line).hasSize(4);
                pairs.add(new Pair(f[0].equals("P"), f[1], f[2], f[3]));
            }
        }
        return pairs;
    }

    /** Whether the second question of the pair is answered from the cache, end to end through a gate. */
    static boolean hit(Pair p, double threshold) {
        ScriptedProvider provider = ScriptedProvider.answering(ExactCacheTest::answer);
        ResponseCache cache = ResponseCache.builder()
                .semantic(SemanticCacheOptions.builder(new HashingEmbedder())
                        .threshold(threshold)
                        .build())
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build()) {
            gate.chat("p:m", p.cached());
            gate.chat("p:m", p.asked());
        }
        return provider.calls() == 1;
    }

    @Test
    void measuredHitAndFalseHitRatesOnTheLabelledPairs() throws IOException {
        List<Pair> pairs = pairs();
        Map<String, int[]> byCategory = new TreeMap<>();
        List<String> details = new ArrayList<>();
        StringBuilder report = new StringBuilder(
                "threshold | paraphrase hits | false hits, similarity only | false hits, with guard\n");
        for (double threshold : new double[] {0.70, 0.80, 0.90}) {
            int paraphrases = 0, paraphraseHits = 0, others = 0, similarOnly = 0, guarded = 0;
            for (Pair p : pairs) {
                boolean similar = HashingEmbedder.cosine(p.cached(), p.asked()) >= threshold;
                boolean hit = hit(p, threshold);
                if (p.paraphrase()) {
                    paraphrases++;
                    paraphraseHits += hit ? 1 : 0;
                    if (threshold == THRESHOLD && !hit) {
                        details.add("missed paraphrase ("
                                + (similar
                                        ? "guard: "
                                                + dev.llmgate.core.cache.internal.SemanticGuard.blockReason(
                                                        p.cached(), p.asked())
                                        : "similarity")
                                + "): " + p.cached() + " | " + p.asked());
                    }
                } else {
                    others++;
                    similarOnly += similar ? 1 : 0;
                    guarded += hit ? 1 : 0;
                    if (threshold == THRESHOLD && hit) {
                        details.add("false hit (" + p.category() + "): " + p.cached() + " | " + p.asked());
                    }
                    if (threshold == THRESHOLD) {
                        int[] c = byCategory.computeIfAbsent(p.category(), k -> new int[3]);
                        c[0]++;
                        c[1] += similar ? 1 : 0;
                        c[2] += hit ? 1 : 0;
                    }
                }
                assertThat(!hit || similar)
                        .as("a hit needs the similarity: " + p)
                        .isTrue();
            }
            report.append(String.format(
                    java.util.Locale.ROOT,
                    "%.2f | %d/%d | %d/%d | %d/%d%n",
                    threshold,
                    paraphraseHits,
                    paraphrases,
                    similarOnly,
                    others,
                    guarded,
                    others));
        }
        report.append("at ").append(THRESHOLD).append(", by category (pairs, similar, false hits with guard):\n");
        byCategory.forEach((k, c) -> report.append(k)
                .append(": ")
                .append(c[0])
                .append(", ")
                .append(c[1])
                .append(", ")
                .append(c[2])
                .append('\n'));
        details.forEach(d -> report.append(d).append('\n'));
        System.out.println(report);

        for (String guardedCategory : List.of("negation", "number", "entity", "polarity")) {
            assertThat(byCategory.get(guardedCategory)[2])
                    .as("false hits in " + guardedCategory)
                    .isZero();
        }
        assertThat(report.toString()).isEqualTo(EXPECTED);
    }

    static final String EXPECTED = """
            threshold | paraphrase hits | false hits, similarity only | false hits, with guard
            0.70 | 28/30 | 26/42 | 2/42
            0.80 | 24/30 | 13/42 | 1/42
            0.90 | 22/30 | 1/42 | 0/42
            at 0.8, by category (pairs, similar, false hits with guard):
            entity: 9, 1, 0
            negation: 8, 7, 0
            number: 9, 4, 0
            polarity: 8, 0, 0
            topic: 8, 1, 1
            missed paraphrase (similarity): Explain what a hash map is. | What is a hash map?
            missed paraphrase (similarity): What time does the store open on Sunday? | When does the store open on Sunday?
            missed paraphrase (similarity): How do I change my shipping address? | How can I update my shipping address?
            missed paraphrase (similarity): What is photosynthesis? | Explain photosynthesis.
            missed paraphrase (similarity): Tell me about the history of the Roman Empire. | What is the history of the Roman Empire?
            missed paraphrase (similarity): What are the opening hours of the library? | When is the library open?
            false hit (topic): How do I sort a dictionary by value in Python? | How do I sort a dictionary by key in Python?
            """;
}
