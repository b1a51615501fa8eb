package dev.llmgate.policy.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte path of {@link KeywordTypos#find} against its character path, on random lower-case ASCII text. */
class KeywordTyposTest {

    @Test
    void theBytePathReportsWhatTheCharacterPathReportsAtEveryAlignment() {
        Random random = new Random(31L);
        String glue = " .,;:-'\n_/0123456789";
        int typos = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(100);
            while (sb.length() < length) {
                StringBuilder word =
                        new StringBuilder(KeywordTypos.KEY_WORDS.get(random.nextInt(KeywordTypos.KEY_WORDS.size())));
                switch (random.nextInt(5)) {
                    case 0 -> word.setCharAt(random.nextInt(word.length()), (char) ('a' + random.nextInt(26)));
                    case 1 -> word.deleteCharAt(random.nextInt(word.length()));
                    case 2 -> word.insert(random.nextInt(word.length() + 1), (char) ('a' + random.nextInt(26)));
                    case 3 -> word.setLength(1 + random.nextInt(word.length()));
                    default -> {}
                }
                sb.append(word).append(glue.charAt(random.nextInt(glue.length())));
            }
            String text = sb.substring(0, Math.min(sb.length(), length));
            List<String> byChars = new ArrayList<>();
            List<String> byBytes = new ArrayList<>();
            KeywordTypos.find(text, null, (s, e, w) -> byChars.add(s + "-" + e + ":" + w));
            KeywordTypos.find(
                    text, text.getBytes(StandardCharsets.ISO_8859_1), (s, e, w) -> byBytes.add(s + "-" + e + ":" + w));
            assertThat(byBytes).as(text).isEqualTo(byChars);
            typos += byChars.size();
        }
        assertThat(typos).as("typos met").isGreaterThan(1_000);
    }
}
