package dev.llmgate.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.detect.internal.MeteredText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The injection detector's linear scans of runs. Hex runs: {@link PromptInjectionDetector#hexMatch}
 * matches exactly where the pattern it replaces matches (a regex whose possessive loop of pairs
 * cost more per character than the rest of the scan), and reports where a run that falls short
 * ends, so that the scan resumes after it. Spaced-out letters: the scan for spaced-out letters ("S a y t h a t") finds exactly what the
 * find() loop of its pattern {@code (?<!\S)(?:\p{L} ){9,}+\p{L}(?!\S)} finds, which retried the
 * whole run from each of its letters when the run did not end in a match (64 KB of "A C G T "
 * took seconds); here each run is read once, and the work counted grows with the text, not with
 * its square.
 */
class RunScansTest {
    private static final Pattern PATTERN = PromptInjectionDetector.spacedLettersPattern();

    private static List<List<Integer>> reference(String text) {
        List<List<Integer>> out = new ArrayList<>();
        Matcher m = PATTERN.matcher(text);
        while (m.find()) {
            out.add(List.of(m.start(), m.end()));
        }
        return out;
    }

    private static List<List<Integer>> scanned(String text, MeteredText meter) {
        List<List<Integer>> out = new ArrayList<>();
        PromptInjectionDetector.spacedLetters(text, meter, (s, e) -> out.add(List.of(s, e)));
        return out;
    }

    @Test
    void findsWhatThePatternFinds() {
        String[] pieces = {
            "a ",
            "b ",
            "Z ",
            "\u00e9 ",
            "\uD835\uDC00 ",
            "\uD83D\uDE00 ",
            "1 ",
            ". ",
            "a",
            "\uD835\uDC00",
            "\u00e9",
            " ",
            "  ",
            "\n",
            "\t",
            "\r",
            "\u000B",
            "\f",
            "\u00a0",
            "x\n",
            "\uD800 ",
            "\uDC00 ",
            "\uD800",
            "ab ",
            "\u0301 ",
            "\u01C5 ",
            "\u2160 "
        };
        Random random = new Random(29);
        int matches = 0;
        for (int k = 0; k < 60_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, count = 1 + random.nextInt(40); i < count; i++) {
                // mostly letter-space pairs, so that runs of nine and more are common
                sb.append(random.nextInt(3) > 0 ? pieces[random.nextInt(5)] : pieces[random.nextInt(pieces.length)]);
            }
            String text = sb.toString();
            List<List<Integer>> expected = reference(text);
            assertThat(scanned(text, MeteredText.unlimited(text)))
                    .as("<%s>", text)
                    .isEqualTo(expected);
            matches += expected.size();
        }
        assertThat(matches).as("the texts hold spaced-out runs").isGreaterThan(500);
    }

    /**
     * Counted in characters read: the pattern's find() loop over a run that does not end in a match
     * reads 16 times the text 256 times over (quadratic), the scan about 16 times (linear).
     */
    @Test
    void aRunThatDoesNotEndInAMatchIsReadOnce() {
        for (String unit : List.of("A C G T ", "a b c d e f g h i j k l m n o p q r s t u v w x y z ")) {
            String small = unit.repeat(1024 / unit.length());
            String large = unit.repeat(16 * 1024 / unit.length());
            MeteredText s = MeteredText.unlimited(small);
            MeteredText l = MeteredText.unlimited(large);
            assertThat(scanned(small, s)).isEmpty();
            assertThat(scanned(large, l)).isEmpty();
            assertThat(l.steps()).as(unit).isLessThanOrEqualTo(20 * s.steps()).isLessThanOrEqualTo(3L * large.length());
            // the same texts through the pattern, its reads counted the same way
            MeteredText rs = MeteredText.unlimited(small);
            MeteredText rl = MeteredText.unlimited(large);
            assertThat(PATTERN.matcher(rs).find()).isFalse();
            assertThat(PATTERN.matcher(rl).find()).isFalse();
            assertThat(rl.steps()).as(unit).isGreaterThan(100 * rs.steps());
        }
    }

    @Test
    void hexRunsMatchWhereThePatternMatches() {
        Pattern hex = PromptInjectionDetector.hexPattern();
        String[] pieces = {
            "4a",
            "6B",
            "4a6b",
            "1",
            "12 ",
            "ab:",
            "\\x41",
            "\\x4",
            "\\X41",
            "\\",
            "x",
            " ",
            ":",
            "g",
            "0f 1e 2d 3c ",
            "4a6b4a6b4a6b4a6b4a6b4a6b",
            "\\x41\\x42\\x43\\x44\\x45\\x46\\x47\\x48",
            "\u00e9",
            "  "
        };
        Random random = new Random(37);
        int matches = 0;
        for (int k = 0; k < 20_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, count = 1 + random.nextInt(30); i < count; i++) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = sb.toString();
            Matcher m = hex.matcher(text);
            m.useTransparentBounds(true);
            m.useAnchoringBounds(false);
            for (int i = 0; i < text.length(); i++) {
                m.region(i, text.length());
                int end = PromptInjectionDetector.hexMatch(text, i);
                if (m.lookingAt()) {
                    matches++;
                    assertThat(end).as("at %d of <%s>", i, text).isEqualTo(m.end());
                } else {
                    assertThat(end).as("at %d of <%s>", i, text).isNegative();
                    // a run that fell short: no match starts inside it either
                    for (int j = i + 1; j < -end - 1; j++) {
                        m.region(j, text.length());
                        assertThat(m.lookingAt())
                                .as("inside the run from %d, at %d of <%s>", i, j, text)
                                .isFalse();
                    }
                }
            }
        }
        assertThat(matches).isGreaterThan(5_000);
    }
}
