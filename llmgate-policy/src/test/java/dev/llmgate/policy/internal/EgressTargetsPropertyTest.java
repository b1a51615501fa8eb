package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.internal.EgressTargets.Target;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Random and adversarial values: {@link EgressTargets#find} never throws, returns spans inside the value,
 * and its work (counted steps, not wall-clock) grows linearly with the value's length.
 */
class EgressTargetsPropertyTest {

    private static final String ALPHABET = "aAzZ09.:/\\@?#[]%-_ \t\n\"'<>()xX\u3002\uFF0E\u200B\u200D\u00DF\uFF45";
    private static final String[] PIECES = {
        "http:",
        "https://",
        "//",
        "\\\\",
        "@",
        "evil.net",
        "example.com",
        "0x",
        "::",
        "[",
        "]",
        ":8080",
        ".zip",
        "xn--",
        "%2e",
        "%",
        " ",
        "\n",
        "\t",
        "\"",
        "file://",
        "ws:",
        "1.2.3.4",
        "\u3002",
        "\u200D",
        "a",
        "/",
        "?",
        "#",
    };

    @Test
    void randomValuesNeverThrowAndSpansStayInside() {
        Random random = new Random(18L);
        for (int round = 0; round < 20_000; round++) {
            String v = random.nextBoolean()
                    ? randomChars(random, random.nextInt(120))
                    : randomPieces(random, random.nextInt(30));
            List<Target> targets = EgressTargets.find(v);
            for (Target t : targets) {
                assertThat(t.end()).as(v).isLessThanOrEqualTo(v.length());
                assertThat(t.start()).as(v).isLessThanOrEqualTo(t.end());
                t.host().ifPresent(h -> assertThat(h).as(v).isNotEmpty().doesNotContain(" ", "/", "@", "\\", "%"));
            }
        }
    }

    private static String randomChars(Random r, int len) {
        StringBuilder b = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            b.append(r.nextInt(20) == 0 ? (char) r.nextInt(0x3000) : ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    private static String randomPieces(Random r, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    /** Shapes meant to make a scanner re-read text: every one repeated to 16 KB and 256 KB. */
    private static final List<IntFunction<String>> SHAPES = List.of(
            n -> repeat("http:", n),
            n -> repeat("http:x\n", n),
            n -> repeat("https://a.com\n", n),
            n -> repeat("https://a.com ", n),
            n -> "https://a.com " + repeat("x@", n),
            n -> "https://a.com " + repeat("@", n),
            n -> repeat("https://a.com \"@b", n),
            n -> repeat(" //x\t", n),
            n -> repeat("=//x\n", n),
            n -> repeat("a.", n),
            n -> repeat("a.com:", n),
            n -> repeat("::1 ", n),
            n -> repeat("[::", n),
            n -> repeat("\u3002", n),
            n -> repeat("h\n", n),
            n -> repeat("\\\\", n),
            n -> "https://" + repeat("a", n),
            n -> "https://a.com\n" + repeat("b", n),
            n -> repeat("https://a\"b\"c", n),
            n -> repeat("x@y.zip ", n),
            n -> repeat("\u00FC.de ", n));

    private static String repeat(String unit, int n) {
        StringBuilder b = new StringBuilder(n + unit.length());
        while (b.length() < n) {
            b.append(unit);
        }
        b.setLength(n);
        return b.toString();
    }

    @Test
    void workGrowsLinearly() {
        for (int k = 0; k < SHAPES.size(); k++) {
            IntFunction<String> shape = SHAPES.get(k);
            long small = steps(shape.apply(16 * 1024));
            long large = steps(shape.apply(256 * 1024));
            String name =
                    "shape " + k + ": " + shape.apply(24).replace("\n", "\\n").replace("\t", "\\t");
            assertThat(large).as("%s steps at 256 KB", name).isLessThanOrEqualTo(200L * 256 * 1024);
            // 16x the input may cost at most ~16x the work (plus slack for the fixed per-value bounds)
            assertThat((double) large / Math.max(1, small))
                    .as("%s growth 16 KB -> 256 KB", name)
                    .isLessThan(18.0);
        }
    }

    private static long steps(String v) {
        long[] steps = new long[1];
        EgressTargets.find(v, steps);
        return steps[0];
    }
}
