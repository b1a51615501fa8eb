package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a stream may release: never inside an escape the scan view decodes, whole or still growing. */
class StreamCutTest {
    @Test
    void aReleaseNeverCutsAnEscapeInTwo() {
        for (String escape : List.of(
                "&NegativeVeryThinSpace;",
                "&colon;",
                "&amp;",
                "&emsp13;",
                "&#x34;",
                "&#52;",
                "&#000000000000000000000000000000000052;", // longer than any other escape: HTML reads any leading zeros
                "&#x0000000000000000000000000000000034;",
                "%34",
                "\\u0034",
                "\\uD83D\\uDE00")) {
            String text = "held text before " + escape + " and after";
            int from = text.indexOf(escape);
            int to = from + escape.length();
            for (int cut = from + 1; cut < to; cut++) {
                assertThat(StreamGuard.safeCut(text, 0, cut))
                        .as("%s cut at %d", escape, cut - from)
                        .isEqualTo(from);
            }
            assertThat(StreamGuard.safeCut(text, 0, to))
                    .as(escape + " cut after it")
                    .isEqualTo(to);
            // at the end of what arrived so far, an escape that may still grow is held back whole (a surrogate pair's
            // halves are two escapes of their own: the first may go before the second arrives, as a lone surrogate,
            // which is never part of a value the detectors look for)
            int growing = escape.startsWith("\\uD83D") ? from + 6 : to;
            for (int end = from + 1; end < growing; end++) {
                String partial = text.substring(0, end);
                assertThat(StreamGuard.safeCut(partial, 0, end - 1))
                        .as("%s arrived up to %d", escape, end - from)
                        .isLessThanOrEqualTo(from);
            }
        }
        // a numeric reference padded past what a release holds is released as it comes (not held to the stream's end)
        String padded = "held &#" + "0".repeat(StreamGuard.MAX_NUMERIC_RUN + 10);
        assertThat(StreamGuard.safeCut(padded, 0, padded.length() - 1)).isEqualTo(padded.length() - 1);
        String digits = "held &#" + "1".repeat(20);
        assertThat(StreamGuard.safeCut(digits, 0, digits.length() - 1)).isEqualTo(digits.length() - 1);
        // text that cannot become an escape is not held back
        String plain = "Q&A and 50% off";
        assertThat(StreamGuard.safeCut(plain, 0, plain.indexOf('A'))).isEqualTo(plain.indexOf('A'));
    }
}
