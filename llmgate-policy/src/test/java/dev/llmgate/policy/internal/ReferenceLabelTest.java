package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A stream's markdown reference labels are normalised as CommonMark matches them, without a regex per call. */
class ReferenceLabelTest {
    private static String byPattern(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
    }

    @Test
    void labelsAreLowerCasedWithWhiteSpaceRunsFoldedToOneSpace() {
        assertThat(StreamGuard.normalLabel("  Foo \t\n BAR\r\n")).isEqualTo("foo bar");
        assertThat(StreamGuard.normalLabel("a\u000bb\fc")).isEqualTo("a b c");
        assertThat(StreamGuard.normalLabel("\u0001 x \u0002")).isEqualTo(byPattern("\u0001 x \u0002"));
        assertThat(StreamGuard.normalLabel("")).isEmpty();
    }

    @Test
    void theSameAsThePatternItReplacesOnRandomLabels() {
        char[] alphabet = {' ', '\t', '\n', '\u000b', '\f', '\r', '\u0001', '\u00a0', '\u2003', 'a', 'B', 'İ', 'ß', '1'
        };
        Random random = new Random(7);
        for (int run = 0; run < 20_000; run++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = b.toString();
            assertThat(StreamGuard.normalLabel(s)).as("'%s'", s).isEqualTo(byPattern(s));
        }
    }
}
