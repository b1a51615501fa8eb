package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.policy.preset.CompliancePreset;
import org.junit.jupiter.api.Test;

/**
 * Invisible padding inside a value in a streamed answer (red-team round 8, medium): a stream holds back half a window
 * of text, counted in characters, so a card number with enough zero-width spaces between its digits (16 visible digits
 * over 300+ characters) was released in part before it could be recognised, and leaked, while a blocking answer masked
 * it. The window is counted in what the detectors read now; text with more invisible characters than the bound
 * allows fails closed.
 */
class StreamPaddingAttackTest {
    static final Policy PCI = Policy.builder().preset(CompliancePreset.PCI_DSS).build();

    static String padded(String digits, String pad, int k) {
        StringBuilder out = new StringBuilder();
        for (char c : digits.toCharArray()) {
            out.append(c).append(pad.repeat(k));
        }
        return out.toString();
    }

    static String digitsOf(String s) {
        return s.replaceAll("[^0-9]", "");
    }

    @Test
    void aCardPaddedWithInvisibleCharactersIsMaskedWhateverTheChunks() {
        for (String pad : new String[] {"\u200B", "\u00AD", "\u0301"}) {
            for (int k : new int[] {4, 9, 20, 60, 200}) {
                for (String prefix : new String[] {"", "Card ", "Your card is: "}) {
                    String answer = prefix + padded("4111111111111111", pad, k) + " ok, and that is all from me today.";
                    for (int size : new int[] {1, 3, 8, 40, 1000}) {
                        String received = PolicyInterceptorTest.streamed(PCI, answer, size);
                        assertThat(digitsOf(received))
                                .as("U+%04X x%d, chunks of %d", (int) pad.charAt(0), k, size)
                                .doesNotContain("4111111111111111");
                        assertThat(received).endsWith(" ok, and that is all from me today.");
                    }
                }
            }
        }
    }

    @Test
    void moreInvisibleCharactersThanTheBoundFailClosed() {
        String answer = "Card " + padded("4111111111111111", "\u200B", 400) + " ok.";
        assertThatThrownBy(() -> PolicyInterceptorTest.streamed(PCI, answer, 16))
                .isInstanceOf(PolicyBlockedException.class)
                .hasMessageContaining("policy.scan-limit");
    }

    @Test
    void textWithAFewMarksPerLetterStreamsAsItIs() {
        // combining marks on every letter (as some scripts and "Zalgo" text have): within the bound
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            text.append((char) ('a' + i % 26)).append("\u0301\u0308\u0323");
            if (i % 7 == 6) {
                text.append(' ');
            }
        }
        String answer = text.toString();
        assertThat(PolicyInterceptorTest.streamed(PCI, answer, 5)).isEqualTo(answer);
    }
}
