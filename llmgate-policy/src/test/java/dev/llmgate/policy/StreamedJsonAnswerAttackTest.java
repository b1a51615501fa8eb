package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JSON answer that goes on as text, streamed (red-team round 8, medium): a blocking answer reads the JSON value's
 * decoded values (fields joined) and then the text, but a stream read a window that stopped being JSON as text only,
 * where a card number split over two fields or written as a digit array is no card number, and it leaked at every
 * chunk size. A window of which nothing was released yet is read as the whole answer is now. JSON inside prose is
 * read as text (its fields are not joined; a second reading of it joined ordinary numbers into card numbers).
 */
class StreamedJsonAnswerAttackTest {
    static final Policy PCI = Policy.builder().preset(CompliancePreset.PCI_DSS).build();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "See [1] and [2, 3] for the details; {\"ok\": true} is the reply.",
                "The config is {\"retries\": 3, \"timeout\": 30, \"region\": \"eu-west-1\"}.",
                "Scores: [12, 15, 9, 20] and {\"a\": [1, 2], \"b\": \"x\"}",
                "{\"unclosed\": \"value, and prose that goes on [4, 1",
                // numbers in JSON inside prose are not joined into card numbers (a review found that a second reading
                // of such JSON did)
                "The list [1721, 1074, 1324, 16, 3] is sorted.",
                "Order {\"id\": 162, \"qty\": 18, \"price\": 1099, \"day\": 25} shipped."
            })
    void jsonInsideTextWithoutIdentifiersFindsNothing(String text) {
        assertThat(PCI.evaluate(text, PolicyStage.INPUT).findings()).isEmpty();
        assertThat(PCI.redact(text, PolicyStage.INPUT)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"a\":\"4111 1111\",\"b\":\"1111 1111\"}\n\nLet me know if you need anything else.",
                "{\"d\":[4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}\n\nAnything else?",
                "{\"note\":\"\", // c\n\"a\":\"4111 1111\",\"b\":\"1111 1111\"}",
                "[\"4111 1111\", \"1111 1111\"] is what I found."
            })
    void aCardSplitOverTheFieldsOfAJsonAnswerThatGoesOnAsTextIsMaskedInAStream(String answer) {
        try (LlmGate gate = PolicyInterceptorTest.gate(
                PCI, ScriptedProvider.replying(Reply.text(answer)), new PolicyInterceptorTest.CaptureCall())) {
            String text = gate.chat(ChatRequest.of("p:m", "Summarise")).text();
            assertThat(text.replaceAll("[^0-9]", "")).as("blocking").doesNotContain("41111111");
        }
        for (int size : new int[] {1, 2, 3, 5, 8, 13, 40, 1000}) {
            String received = PolicyInterceptorTest.streamed(PCI, answer, size);
            assertThat(received.replaceAll("[^0-9]", ""))
                    .as("chunks of %d", size)
                    .doesNotContain("41111111");
        }
    }
}
