package dev.llmgate.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.providers.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upstream that echoes the input it rejected (as vLLM and some OpenAI-compatible gateways do in a 400's message)
 * does not put the prompt into the exception: the runs of the message that repeat the request's texts are masked,
 * the rest of the vendor's message (what is wrong) is kept. Blocking and streamed.
 */
class EchoedPromptTest {
    static final String PROMPT = "Patient John Smith, SSN 536-22-8174, card 4111 1111 1111 1111, was seen today";

    MockWebServer server;
    OpenAiProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        provider = OpenAiProvider.builder()
                .apiKey("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    void echo() {
        server.enqueue(new MockResponse.Builder()
                .code(400)
                .addHeader("Content-Type", "application/json")
                .body("{\"object\":\"error\",\"message\":\"[{'type': 'string_too_long', 'loc': ('body', 'messages', 0,"
                        + " 'content'), 'msg': 'bad input', 'input': '" + PROMPT + "'}] for model gpt-4o\","
                        + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}")
                .build());
    }

    static void assertNoPrompt(LlmException e) {
        assertThat(e).isInstanceOf(InvalidRequestException.class);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString())
                .doesNotContain("536-22-8174", "4111 1111", "John Smith")
                .contains("string_too_long", "[request text]");
    }

    @Test
    void anEchoedPromptIsMaskedInABlockingCallsException() {
        echo();
        assertNoPrompt(catchThrowableOfType(
                LlmException.class, () -> provider.chat(ChatRequest.of("gpt-4o", PROMPT), Fixtures.blocking())));
    }

    @Test
    void anEchoedPromptIsMaskedInAStreamsException() {
        echo();
        assertNoPrompt(catchThrowableOfType(LlmException.class, () -> {
            try (ChatStream s = provider.stream(ChatRequest.of("gpt-4o", PROMPT), Fixtures.streaming())) {
                s.collect();
            }
        }));
    }
}
