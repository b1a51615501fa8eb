package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A stream's markdown reference labels are matched as CommonMark (and the exfiltration detector) match them. */
class ReferenceLabelTest {
    /**
     * The reading, written as a pattern: runs of white space (Java's, and the Unicode spaces JavaScript's {@code \s}
     * holds) one space, lower-upper-lower case fold.
     */
    private static String byPattern(String s) {
        return s.replaceAll("[\\s\\p{javaWhitespace}\\p{javaSpaceChar}\\x{FEFF}]+", " ")
                .toLowerCase(Locale.ROOT)
                .toUpperCase(Locale.ROOT)
                .toLowerCase(Locale.ROOT)
                .trim();
    }

    @Test
    void labelsAreCaseFoldedWithWhiteSpaceRunsFoldedToOneSpace() {
        assertThat(MarkdownImageSyntax.normalLabel("  Foo \t\n BAR\r\n")).isEqualTo("foo bar");
        assertThat(MarkdownImageSyntax.normalLabel("a\u000bb\fc")).isEqualTo("a b c");
        assertThat(MarkdownImageSyntax.normalLabel("STRASSE")).isEqualTo(MarkdownImageSyntax.normalLabel("straße"));
        assertThat(MarkdownImageSyntax.normalLabel("a\u2003b")).isEqualTo("a b");
        assertThat(MarkdownImageSyntax.normalLabel("x\u00a0")).isEqualTo("x");
        assertThat(MarkdownImageSyntax.normalLabel("")).isEmpty();
    }

    @Test
    void theSameAsThePatternOnRandomLabels() {
        char[] alphabet = {' ', '\t', '\n', '\u000b', '\f', '\r', '\u0001', '\u00a0', '\u2003', 'a', 'B', 'İ', 'ß', '1'
        };
        Random random = new Random(7);
        for (int run = 0; run < 20_000; run++) {
            StringBuilder b = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                b.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String s = b.toString();
            assertThat(MarkdownImageSyntax.normalLabel(s)).as("'%s'", s).isEqualTo(byPattern(s));
        }
    }
}
