package dev.llmgate.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.langchain4j.internal.Lc4jErrors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/**
 * A wrapped LangChain4j model's error text (LangChain4j puts the upstream's whole HTTP error body in
 * {@code getMessage()}) reaches the gate's exception scrubbed and cut, as llmgate's own providers do.
 */
class UpstreamErrorTextTest {
    private static final String KEY = "sk-proj-LEAKCHECK1234567890abcdefXYZ";

    @StartStop
    private final MockWebServer server = new MockWebServer();

    @Test
    void anUpstreamBodyThatEchoesTheKeyIsScrubbedInTheGatesException() {
        String body = "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY
                + ". Prompt was: Patient SSN 536-22-8174 ...\",\"type\":\"invalid_request_error\","
                + "\"code\":\"invalid_api_key\"}}";
        server.enqueue(new MockResponse.Builder()
                .code(401)
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build());
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(server.url("/v1").toString())
                .apiKey(KEY)
                .modelName("gpt-4o")
                .maxRetries(0)
                .build();

        Throwable e;
        try (LlmGate gate = LlmGate.builder()
                .provider("lc4j", LangChain4jProvider.of("lc4j", model))
                .build()) {
            e = catchThrowable(() ->
                    gate.chat(ChatRequest.builder("lc4j:gpt-4o").user("hi").build()));
        }

        assertThat(e).isInstanceOf(AuthenticationException.class);
        assertThat(e.getMessage())
                .contains("Incorrect API key provided: [REDACTED]")
                .doesNotContain("LEAKCHECK1234567890");
        assertThat(trace(e)).doesNotContain("LEAKCHECK1234567890"); // the causes' messages too
    }

    @Test
    void aLongUpstreamTextIsCutAsTheProvidersCutIt() {
        String prompt = "Patient SSN 536-22-8174. ".repeat(40);
        LlmException e = Lc4jErrors.toGate(new HttpException(400, "x".repeat(400) + prompt), "lc4j");

        assertThat(e.getMessage())
                .startsWith("x".repeat(400) + "... [provider=lc4j")
                .doesNotContain("536-22-8174");
        // the cause is a scrubbed copy naming the original class (its message was cut)
        assertThat(e.getCause()).hasMessageStartingWith(HttpException.class.getName() + ": xxx");
        assertThat(trace(e)).doesNotContain("536-22-8174");
        HttpException harmless = new HttpException(400, "bad request");
        assertThat(Lc4jErrors.toGate(harmless, "lc4j").getCause()).isSameAs(harmless);
    }

    @Test
    void credentialShapedTokensAreMaskedWhateverTheExceptionType() {
        LlmException e = Lc4jErrors.toGate(
                new IllegalStateException("proxy said: Authorization: Bearer eyJhbGciOi.abcdefghij.klmnopqrst"),
                "lc4j");

        assertThat(e.getMessage()).startsWith("proxy said: Authorization: [REDACTED] [provider=lc4j");
    }

    static String trace(Throwable e) {
        java.io.StringWriter w = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
