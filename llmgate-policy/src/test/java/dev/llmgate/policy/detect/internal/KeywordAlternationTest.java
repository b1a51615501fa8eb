package dev.llmgate.policy.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The deny list's one-pass keyword matcher gives, per list, exactly the matches of the list's
 * pattern (case-insensitive with Unicode case, word boundaries by letters, digits and '_', one to
 * eight whitespace characters between words, longest keyword first): on generated keyword lists
 * and texts full of case variants, boundaries, separators and characters whose case folding is
 * unusual. Keywords it cannot match exactly are left to the pattern.
 */
class KeywordAlternationTest {
    private static final String[] VOCABULARY = {
        "diagnosis",
        "HIV",
        "cancer",
        "race",
        "racial origin",
        "ethnic origin",
        "voted for",
        "party member",
        "Muslim",
        "Stra\u00dfe",
        "stra\u00dfe",
        "\u00e9tnico",
        "origen \u00e9tnico",
        "\u0130stanbul",
        "k",
        "kelvin",
        "\u212Aelvin",
        "\u017Fex",
        "sex life",
        "\u03a3\u03bf\u03c6\u03af\u03b1",
        "\u01C5emal",
        "c++",
        "a.b",
        "x_y",
        "42",
        "v2",
        "a",
        "I",
        "\u00df",
        "\u0131",
        "\u00c5",
        "religion",
        "Religion",
        "DNA",
        "dna test",
        "trade  union",
        "union member"
    };
    private static final String[] GLUE = {
        " ",
        "  ",
        "\t",
        "\n",
        "        ",
        "         ",
        "\u00a0",
        "",
        "-",
        "_",
        "1",
        "x",
        "\u00e9",
        ".",
        ",",
        "\uD835\uDC00",
        "\uD83D\uDE00",
        "\u0301",
        "\u2160",
        "\u00b2",
        "(",
        "\u200B",
        "\r\n"
    };

    private static String variant(Random random, String word) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            switch (random.nextInt(6)) {
                case 0 -> sb.append(Character.toUpperCase(c));
                case 1 -> sb.append(Character.toLowerCase(c));
                case 2 -> sb.append(c == ' ' ? "\t " : String.valueOf(c));
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static List<List<Integer>> reference(List<String> keywords, String text) {
        return LinearFindersTest.reference(KeywordAlternation.pattern(keywords), text);
    }

    @Test
    void everyListMatchesExactlyWhatItsPatternMatches() {
        Random random = new Random(23);
        int matches = 0;
        int fallbacks = 0;
        for (int round = 0; round < 400; round++) {
            List<List<String>> lists = new ArrayList<>();
            for (int l = 0, count = 1 + random.nextInt(4); l < count; l++) {
                List<String> words = new ArrayList<>();
                for (int w = 0, size = 1 + random.nextInt(8); w < size; w++) {
                    words.add(VOCABULARY[random.nextInt(VOCABULARY.length)]);
                }
                lists.add(words);
            }
            KeywordAlternation k = KeywordAlternation.of(lists);
            if (k == null) {
                fallbacks++;
                continue;
            }
            for (int t = 0; t < 50; t++) {
                StringBuilder sb = new StringBuilder();
                for (int p = 0, parts = 1 + random.nextInt(8); p < parts; p++) {
                    sb.append(GLUE[random.nextInt(GLUE.length)]);
                    List<String> list = lists.get(random.nextInt(lists.size()));
                    String w = random.nextInt(4) == 0
                            ? VOCABULARY[random.nextInt(VOCABULARY.length)]
                            : list.get(random.nextInt(list.size()));
                    String v = variant(random, w);
                    sb.append(random.nextInt(5) == 0 ? v.substring(0, random.nextInt(v.length() + 1)) : v);
                }
                String text = sb.toString();
                List<List<int[]>> out = new ArrayList<>();
                for (int l = 0; l < lists.size(); l++) {
                    out.add(new ArrayList<>());
                }
                k.findAll(MeteredText.unlimited(text), out);
                for (int l = 0; l < lists.size(); l++) {
                    List<List<Integer>> actual = new ArrayList<>();
                    for (int[] m : out.get(l)) {
                        actual.add(List.of(m[0], m[1]));
                    }
                    List<List<Integer>> expected = reference(lists.get(l), text);
                    assertThat(actual).as("list %s in <%s>", lists.get(l), text).isEqualTo(expected);
                    matches += expected.size();
                }
            }
        }
        assertThat(matches).as("the texts hold keywords").isGreaterThan(5_000);
        assertThat(fallbacks).as("most lists take the one-pass matcher").isLessThan(200);
    }

    @Test
    void keywordsTheTrieCannotCompareExactlyAreLeftToThePattern() {
        // a one-letter word without case that another character folds to: the regex compares it exactly
        assertThat(KeywordAlternation.of(List.of(List.of("\u00df")))).isNull();
        assertThat(KeywordAlternation.of(List.of(List.of("\uD835\uDC00 bold")))).isNull();
        assertThat(KeywordAlternation.of(List.of(List.of("stra\u00dfe", "HIV"))))
                .isNotNull();
    }

    /** The trie compares UTF-16 units: exact only because no character outside the BMP folds into it. */
    @Test
    void noCharacterOutsideTheBmpFoldsIntoTheBmp() {
        for (int cp = 0x10000; cp <= Character.MAX_CODE_POINT; cp++) {
            int folded = Character.toLowerCase(Character.toUpperCase(cp));
            assertThat(folded >= 0x10000).as("U+%X", cp).isTrue();
        }
    }
}
