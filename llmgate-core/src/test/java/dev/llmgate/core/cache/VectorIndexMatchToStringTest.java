package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A semantic-cache match can be logged: its {@code toString()} never shows the stored question. */
class VectorIndexMatchToStringTest {
    @Test
    void aMatchShowsTheKeyTheQuestionsLengthAndTheSimilarityNotTheQuestion() {
        String question = "What is the balance of card [CREDIT_CARD ****1111] for John Smith?";
        VectorIndex.Match m = new VectorIndex.Match(new CacheKey("ns", "m", "0".repeat(64)), question, 0.97);

        assertThat(m.toString())
                .doesNotContain("John Smith")
                .doesNotContain("1111")
                .isEqualTo("Match[CacheKey[ns, m, 0000000000000000…], question=" + question.length()
                        + " chars, similarity=0.97]");
    }
}
