package dev.llmgate.policy.preset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.detect.internal.KeywordAlternation;
import dev.llmgate.policy.detect.internal.MeteredText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * GDPR's special-category topics are matched in one linear pass over the text, and find exactly
 * what the topics' patterns (one case-insensitive alternation per topic, as the deny list compiled
 * them before) find: on the labelled evaluation texts and on generated texts full of the keywords
 * in every case, split by whitespace runs and glued to letters, digits and punctuation.
 */
class SpecialCategoriesScanTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> evalTexts() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String f : List.of(
                "presidio_recognizer_cases.jsonl", "llm_guard_prompt_injection_cases.jsonl", "deepset_train.jsonl")) {
            try (InputStream in = SpecialCategoriesScanTest.class.getResourceAsStream("/eval/" + f)) {
                assertThat(in).as(f).isNotNull();
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        JsonNode text = JSON.readTree(line).get("text");
                        if (text != null) {
                            texts.add(text.asText());
                        }
                    }
                }
            }
        }
        return texts;
    }

    /** The reference: each topic's pattern, its find() loop, topic after topic. */
    private static List<Finding> reference(String text) {
        List<Finding> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : CompliancePreset.SpecialCategories.TOPICS.entrySet()) {
            String type = FindingTypes.TOPIC_PREFIX
                    + e.getKey().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
            Matcher m = KeywordAlternation.pattern(e.getValue()).matcher(text);
            while (m.find()) {
                out.add(new Finding(type, m.start(), m.end(), 0.8, "gdpr-special-categories"));
            }
        }
        return out;
    }

    private static List<Finding> detected(String text) {
        List<Finding> out = new ArrayList<>();
        CompliancePreset.SpecialCategories.DETECTOR.detect(text, out::add);
        return out;
    }

    @Test
    void findsWhatTheTopicPatternsFindOnTheEvaluationTexts() throws IOException {
        int findings = 0;
        List<String> texts = evalTexts();
        assertThat(texts).hasSizeGreaterThan(1000);
        for (String text : texts) {
            List<Finding> expected = reference(text);
            assertThat(detected(text)).as("<%s>", text).isEqualTo(expected);
            findings += expected.size();
        }
        assertThat(findings)
                .as("the evaluation texts mention special categories")
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void findsWhatTheTopicPatternsFindOnGeneratedTexts() {
        List<String> keywords = new ArrayList<>();
        CompliancePreset.SpecialCategories.TOPICS.values().forEach(keywords::addAll);
        String[] glue = {
            " ",
            "  ",
            "\t",
            "\n",
            "         ",
            "",
            "-",
            "_",
            "1",
            "x",
            "\u00e9",
            ".",
            ", ",
            "\uD835\uDC00",
            "(",
            "'s ",
            "\u00a0"
        };
        Random random = new Random(31);
        int findings = 0;
        for (int k = 0; k < 20_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int p = 0, parts = 1 + random.nextInt(6); p < parts; p++) {
                sb.append(glue[random.nextInt(glue.length)]);
                String w = keywords.get(random.nextInt(keywords.size()));
                switch (random.nextInt(5)) {
                    case 0 -> w = w.toUpperCase(Locale.ROOT);
                    case 1 -> w = w.toLowerCase(Locale.ROOT);
                    case 2 -> w = w.replace(" ", " \t ");
                    case 3 -> w = w.substring(0, random.nextInt(w.length() + 1));
                    default -> {}
                }
                sb.append(w);
            }
            String text = sb.toString();
            List<Finding> expected = reference(text);
            assertThat(detected(text)).as("<%s>", text).isEqualTo(expected);
            findings += expected.size();
        }
        assertThat(findings).isGreaterThan(10_000);
    }

    /** One pass, not one regex per topic: about two steps per character on prose (seven patterns read at least seven). */
    @Test
    void theTopicsAreMatchedInOnePass() {
        String prose =
                "The patient reports that the cough has improved over the last two weeks; she was diagnosed last year. "
                        .repeat(20);
        MeteredText metered = MeteredText.unlimited(prose);
        List<Finding> out = new ArrayList<>();
        CompliancePreset.SpecialCategories.DETECTOR.detect(metered, out::add);
        assertThat(out).hasSize(20);
        assertThat(metered.steps()).isLessThan(3L * prose.length());
        MeteredText byPatterns = MeteredText.unlimited(prose);
        for (List<String> words : CompliancePreset.SpecialCategories.TOPICS.values()) {
            Pattern p = KeywordAlternation.pattern(words);
            Matcher m = p.matcher(byPatterns);
            while (m.find()) {
                // count the reads
            }
        }
        assertThat(byPatterns.steps()).isGreaterThan(7L * prose.length());
    }
}
