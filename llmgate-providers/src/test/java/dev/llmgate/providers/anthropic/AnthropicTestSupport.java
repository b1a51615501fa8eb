package dev.llmgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Shared helpers of the Anthropic provider tests: a provider on a MockWebServer, fixtures, a call context. */
final class AnthropicTestSupport {
    static final String KEY = "sk-ant-api03-TESTKEY-abcdefghijklmnop-0123456789";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Timeouts FAST =
            new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(5));

    private AnthropicTestSupport() {}

    static AnthropicProvider.Builder builder(MockWebServer server) {
        return AnthropicProvider.builder()
                .apiKey(KEY)
                .baseUrl(server.url("/").toString())
                .environment(Map.of())
                .timeouts(FAST);
    }

    static AnthropicProvider provider(MockWebServer server) {
        return builder(server).build();
    }

    /** A fixture's text from {@code src/test/resources/fixtures/anthropic}. */
    static String fixture(String name) {
        return Fixtures.read("anthropic/" + name);
    }

    /** An SSE body ending with the blank line that terminates its last event, as on the real wire. */
    static String sseFixture(String name) {
        String text = fixture(name);
        if (text.endsWith("\n\n")) {
            return text;
        }
        return text.endsWith("\n") ? text + "\n" : text + "\n\n";
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder()
                .code(code)
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    static MockResponse sse(String body) {
        return new MockResponse.Builder()
                .code(200)
                .addHeader("Content-Type", "text/event-stream")
                .body(body)
                .build();
    }

    /** One SSE event of {@code data}, named after its {@code type}. */
    static String event(String data) {
        try {
            return "event: " + MAPPER.readTree(data).path("type").asText() + "\ndata: " + data + "\n\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal successful text answer. */
    static String textAnswer(String text) {
        return "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-haiku-4-5\",\"content\":[{\"type\":\"text\",\"text\":\""
                + text
                + "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";
    }

    static RecordedRequest take(MockWebServer server) throws InterruptedException {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request reached the server");
        }
        return r;
    }

    static JsonNode body(RecordedRequest request) {
        return Fixtures.body(request);
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every event of a stream, in order (the stream is consumed and closed). */
    static List<StreamEvent> drain(ChatStream stream) {
        List<StreamEvent> events = new ArrayList<>();
        try (stream) {
            while (stream.hasNext()) {
                events.add(stream.next());
            }
        }
        return events;
    }

    /** A blocking call's context, on the shared fixed clock {@link Fixtures#CLOCK}. */
    static CallContext call() {
        return Fixtures.blocking();
    }

    /** A streaming call's context, on the shared fixed clock. */
    static CallContext streamingCall() {
        return Fixtures.streaming();
    }
}
