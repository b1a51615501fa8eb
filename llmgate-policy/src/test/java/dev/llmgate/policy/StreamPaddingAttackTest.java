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
        for (String pad : new String[] {
            "\u200B", "\u00AD", "\u0301", new String(Character.toChars(0xE0078)), new String(Character.toChars(0xE0100))
        }) {
            for (int k : new int[] {4, 9, 20, 60, 120}) {
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
        String answer = "Card " + padded("4111111111111111", "\u200B", 800) + " ok.";
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

    @Test
    void aCardPaddedInsideAJsonAnswerIsMaskedWhateverTheChunks() {
        for (String pad : new String[] {"\u200B", "\\u200b", new String(Character.toChars(0xE0078))}) {
            for (int k : new int[] {4, 20, 40}) {
                String answer = "{\"note\": \"ok\", \"card\": \"" + padded("4111111111111111", pad, k) + "\"}";
                for (int size : new int[] {1, 3, 8, 40, 1000}) {
                    String received = PolicyInterceptorTest.streamed(PCI, answer, size);
                    assertThat(digitsOf(received.replace("\\u200b", "")))
                            .as("%s x%d, chunks of %d", pad, k, size)
                            .doesNotContain("4111111111111111");
                }
            }
        }
    }

    @Test
    void paddedTextIsScannedAboutTwicePerWindowNotAtEveryChunk() {
        long[] scanned = {0};
        Policy counting = Policy.builder()
                .preset(CompliancePreset.PCI_DSS)
                .detector(PolicyInterceptorTest.counting(scanned))
                .build();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            text.append((char) ('a' + i % 26)).append("\u200B".repeat(14));
            if (i % 6 == 5) {
                text.append(' ');
            }
        }
        PolicyInterceptorTest.streamed(counting, text.toString(), 1);
        // the view drops the padding: each visible character is read a few times, not once per chunk
        assertThat(scanned[0]).isLessThan(8L * 4000);
    }

    @Test
    void tagCharactersAfterTheFirstWindowDoNotHoldTheStreamForever() {
        // a finding over the whole text (hidden tag text) starts in what was released: it cannot hold the cut back
        String tags = new String(Character.toChars(0xE0053)) + "\u200B" + new String(Character.toChars(0xE0043))
                + "\u200B" + new String(Character.toChars(0xE0041)) + "\u200B" + new String(Character.toChars(0xE0054));
        String answer = "Your card is on file. ".repeat(10) + tags + " ok, that is all.";
        for (Policy policy : new Policy[] {
            Policy.builder().preset(CompliancePreset.AGENT).build(),
            Policy.builder().preset(CompliancePreset.SOC2).build(),
            Policy.builder().preset(CompliancePreset.HIPAA).build()
        }) {
            assertThat(PolicyInterceptorTest.streamed(policy, answer, 1)).endsWith(" ok, that is all.");
        }
    }

    @Test
    void aCardWithTagsInsideAfterTheFirstWindowIsMaskedInAStream() {
        String tags = UnicodeLookAlikeAttackTest.tags("abcd");
        String answer =
                "Thanks for waiting. ".repeat(10) + "Your card 4111" + tags + " 1111 1111 1111 is on file. Bye.";
        for (int size : new int[] {1, 2, 3, 5, 7, 16, 64}) {
            assertThat(digitsOf(PolicyInterceptorTest.streamed(PCI, answer, size)))
                    .as("chunks of %d", size)
                    .doesNotContain("4111111111111111");
        }
    }

    @Test
    void sparseJsonAndWideWindowsAreNoPadding() {
        // JSON punctuation and indentation are characters, not invisible padding (a review found pretty JSON answers
        // failed closed), and one zero-width character does not fail a wide window
        StringBuilder pretty = new StringBuilder("{\n");
        for (int i = 0; i < 60; i++) {
            pretty.append("        \"k")
                    .append(i)
                    .append("\": {\n            \"ok\": true,\n            \"v\": [1, 2]\n        },\n");
        }
        pretty.append("        \"end\": null\n}");
        String json = pretty.toString();
        for (int size : new int[] {1, 7, 64}) {
            assertThat(PolicyInterceptorTest.streamed(PCI, json, size)).isEqualTo(json);
        }
        Policy wide = Policy.builder()
                .preset(CompliancePreset.PCI_DSS)
                .streamWindow(4096)
                .build();
        // deeply indented JSON at a wide window: its white space is held (up to the bound), not failed closed
        StringBuilder deep = new StringBuilder("{\n");
        String indent = " ".repeat(64);
        for (int i = 0; i < 300; i++) {
            deep.append(indent).append("\"k").append(i).append("\": true,\n");
        }
        deep.append(indent).append("\"end\": true\n}");
        assertThat(PolicyInterceptorTest.streamed(wide, deep.toString(), 64)).isEqualTo(deep.toString());
        String text = "A zero\u200Bwidth space in a long answer. " + "More ordinary prose follows here. ".repeat(300);
        assertThat(PolicyInterceptorTest.streamed(wide, text, 16)).isEqualTo(text);
    }

    @Test
    void escapedDigitsCountAsTheDigitsTheyReadAs() {
        // a third review: an escape counted as all its characters, so padded numeric references (and plain JSON
        // escapes) streamed a card out
        String after = " ok, and that is all from me today, thanks for asking about it. ".repeat(3);
        StringBuilder refs = new StringBuilder("Sure. Here it is: ");
        StringBuilder spaced = new StringBuilder("Sure. Here it is: ");
        StringBuilder json = new StringBuilder("{\"card\":\"");
        for (char c : "4111111111111111".toCharArray()) {
            refs.append("&#").append("0".repeat(40)).append((int) c).append(';');
            spaced.append("&#").append((int) c).append(";&#32;");
            json.append(String.format("\\u%04x\\u0020", (int) c));
        }
        json.append("\",\"note\":\"").append(after).append("\"}");
        for (String answer : new String[] {refs + after, spaced + after, json.toString()}) {
            for (int size : new int[] {1, 2, 3, 5, 8, 13, 16, 32, 64}) {
                String received = decoded(PolicyInterceptorTest.streamed(PCI, answer, size));
                assertThat(digitsOf(received)).as("chunks of %d", size).doesNotContain("4111111111111111");
            }
        }
    }

    /** {@code s} with numeric character references and JSON {@code \\u} escapes read as their characters. */
    private static String decoded(String s) {
        String refs = java.util.regex.Pattern.compile("&#0*(\\d{1,7});")
                .matcher(s)
                .replaceAll(m -> String.valueOf((char) Integer.parseInt(m.group(1))));
        return java.util.regex.Pattern.compile("\\\\u([0-9a-fA-F]{4})")
                .matcher(refs)
                .replaceAll(m -> String.valueOf((char) Integer.parseInt(m.group(1), 16)));
    }

    @Test
    void aCardSplitOverJsonFieldsFarApartInWhiteSpaceIsMaskedInAStream() {
        for (String gap : new String[] {" ".repeat(200), "\n".repeat(400), " \n".repeat(300)}) {
            String answer = "{\"a\": \"4111 1111\"," + gap + "\"b\": \"1111 1111\"}";
            for (int size : new int[] {1, 3, 8, 16, 64, 1000}) {
                String received = PolicyInterceptorTest.streamed(PCI, answer, size);
                assertThat(received.replaceAll("[^0-9]", ""))
                        .as("chunks of %d", size)
                        .doesNotContain("41111111");
            }
        }
    }
}
