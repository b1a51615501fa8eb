package dev.llmgate.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.providers.internal.Secrets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link UpstreamText} masks and cuts exactly as the providers' scrubber does when it knows no key. */
class UpstreamTextTest {
    @Test
    void scrubsAsTheProvidersScrubberWithoutAKey() {
        List<String> samples = List.of(
                "Incorrect API key provided: sk-proj-LEAKCHECK1234567890abcdefXYZ.",
                "key AIzaSyA1234567890abcdefghijklmnop is invalid",
                "Authorization: Bearer abc.def-ghi",
                "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.signature_here",
                "url ?api_key=secret123&x=1 and API-KEY: \"quoted\"",
                "task-abcdefgh is not a key; ask-12345678 neither",
                "y".repeat(399) + "sk-proj-0123456789",
                "z".repeat(1000));
        for (String s : samples) {
            assertThat(UpstreamText.scrub(s)).as(s).isEqualTo(Secrets.NONE.scrub(s));
        }
        assertThat(UpstreamText.MAX_TEXT).isEqualTo(Secrets.MAX_TEXT);
    }
}
