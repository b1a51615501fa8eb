package dev.llmgate.springai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.ProviderException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * A Spring AI model's error text (its HTTP models quote the upstream's error body) reaches the gate's
 * exception scrubbed and cut, as llmgate's own providers do.
 */
class SpringAiFailureTextTest {
    private static final String KEY = "sk-proj-LEAKCHECK1234567890abcdefXYZ";

    @Test
    void aFailureThatEchoesTheKeyIsScrubbed() {
        LlmException e = SpringAiStreams.failure(
                new IllegalStateException("401 - {\"error\": \"Incorrect API key provided: " + KEY + "\"}"), "spring");

        assertThat(e.getMessage())
                .startsWith("the Spring AI model failed: IllegalStateException: 401 - {\"error\": \"Incorrect API key"
                        + " provided: [REDACTED]\"} [provider=spring");
        // the cause is a scrubbed copy naming the original class: a printed stack trace shows no key either
        assertThat(e.getCause()).hasMessageStartingWith("java.lang.IllegalStateException: 401");
        assertThat(trace(e)).doesNotContain("LEAKCHECK");
        IllegalStateException harmless = new IllegalStateException("connection reset");
        assertThat(SpringAiStreams.failure(harmless, "spring").getCause()).isSameAs(harmless);
    }

    @Test
    void aLongFailureTextIsCut() {
        String text = "x".repeat(400) + "Patient SSN 536-22-8174. ".repeat(40);
        LlmException e = SpringAiStreams.failure(new IllegalStateException(text), "spring");

        assertThat(e.getMessage()).contains("x... [provider=spring").doesNotContain("536-22-8174");
        assertThat(trace(e)).doesNotContain("536-22-8174");
    }

    @Test
    void aStreamThatFailsWithACheckedExceptionIsScrubbed() {
        Throwable e;
        try (ChatStream stream = SpringAiStreams.fromFlux(
                Flux.error(new java.io.IOException("upstream said: api_key=" + KEY)), "spring", "m")) {
            e = catchThrowable(stream::next);
        }

        assertThat(e).isInstanceOf(ProviderException.class);
        assertThat(e.getMessage())
                .startsWith("the model's stream failed: IOException: upstream said: [REDACTED] [provider=spring")
                .doesNotContain("LEAKCHECK");
        assertThat(trace(e)).doesNotContain("LEAKCHECK");
    }

    static String trace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
