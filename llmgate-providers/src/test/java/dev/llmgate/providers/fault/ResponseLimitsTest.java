package dev.llmgate.providers.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.Vendors.Vendor;
import dev.llmgate.providers.testing.Vendors.Wire;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every adapter against an upstream that sends more than it should: an event (or NDJSON line) that
 * never ends, a stream that never ends, a blocking answer or an error answer that is too large. Each
 * fails with a {@link ProviderException} naming the limit, or (an oversized error) still maps by its
 * status. Small limits keep the payloads small; the child-JVM test ({@link EndlessEventTest}) checks
 * the defaults against an endless upstream in a small heap.
 */
class ResponseLimitsTest {
    static final ResponseLimits SMALL = new ResponseLimits(4096, 4096, 64 * 1024);

    MockWebServer server;
    ModelProvider provider;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
        server.close();
    }

    private ModelProvider provider(Vendor vendor, ResponseLimits limits) {
        provider = vendor.factory.create(server.url("/").toString(), null, Timeouts.DEFAULTS, limits);
        return provider;
    }

    /** One text delta "Hel" in the wire's stream framing (Anthropic's needs its message and block start first). */
    static String delta(Wire wire) {
        return switch (wire) {
            case OPENAI ->
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
            case ANTHROPIC ->
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                        + "\"text\":\"Hel\"}}\n\n";
            case GEMINI ->
                "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}],"
                        + "\"modelVersion\":\"m\",\"responseId\":\"r1\"}\r\n\r\n";
            case OLLAMA ->
                "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},"
                        + "\"done\":false}\n";
        };
    }

    static String streamStart(Wire wire) {
        if (wire != Wire.ANTHROPIC) {
            return "";
        }
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    }

    /** Reads the stream to its end and returns how it failed, with the text delivered before. */
    private LlmException consume(ModelProvider p, StringBuilder delivered) {
        return catchThrowableOfType(LlmException.class, () -> {
            try (ChatStream s = p.stream(ChatRequest.of("m", "hi"), Fixtures.streaming())) {
                while (s.hasNext()) {
                    if (s.next() instanceof StreamEvent.TextDelta d) {
                        delivered.append(d.text());
                    }
                }
            }
        });
    }

    private static void assertNamesTheLimit(LlmException e, String component, String wither) {
        assertThat(e)
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("ResponseLimits." + component)
                .hasMessageContaining(".responseLimits(ResponseLimits.DEFAULTS." + wither + "(...))");
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.details().provider()).isPresent();
    }

    /** As measured: {@code data:} lines without end and no blank line (for Ollama: one line without end). */
    @ParameterizedTest
    @EnumSource(Vendor.class)
    void anEventThatNeverEnds(Vendor vendor) {
        StringBuilder body = new StringBuilder(streamStart(vendor.wire));
        String line =
                vendor.wire == Wire.OLLAMA ? "{\"model\":\"m\",\"message\":{\"content\":\"" : "data: {\"candidates\":[";
        body.append(line);
        while (body.length() < 3 * SMALL.maxEventBytes()) {
            body.append(vendor.wire == Wire.OLLAMA ? "xxxxxxxxxx" : "xxxxxxxxxx\ndata: ");
        }
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.streamType)
                .body(body.toString())
                .build());
        LlmException e = consume(provider(vendor, SMALL), new StringBuilder());
        assertNamesTheLimit(e, "maxEventBytes", "withMaxEventBytes");
        assertThat(e).hasMessageContaining("stream event larger than 4096 bytes");
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aStreamThatNeverEnds(Vendor vendor) {
        StringBuilder body = new StringBuilder(streamStart(vendor.wire));
        while (body.length() < 2 * SMALL.maxStreamBytes()) {
            body.append(delta(vendor.wire));
        }
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.streamType)
                .body(body.toString())
                .build());
        StringBuilder delivered = new StringBuilder();
        LlmException e = consume(provider(vendor, SMALL), delivered);
        assertNamesTheLimit(e, "maxStreamBytes", "withMaxStreamBytes");
        assertThat(e).hasMessageContaining("streamed answer larger than 65536 bytes");
        assertThat(delivered).as("the answer up to the limit was delivered").startsWith("HelHelHel");
        assertThat(delivered.length() / 3 * delta(vendor.wire).length())
                .isLessThanOrEqualTo((int) SMALL.maxStreamBytes());
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aBlockingAnswerOverItsLimit(Vendor vendor) {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(vendor.wire.text("x".repeat(SMALL.maxEventBytes())))
                .build());
        ModelProvider small = provider(vendor, SMALL);
        LlmException e = catchThrowableOfType(
                LlmException.class, () -> small.chat(ChatRequest.of("m", "hi"), Fixtures.blocking()));
        assertNamesTheLimit(e, "maxBodyBytes", "withMaxBodyBytes");
        small.close();
        // at the limit it is read
        String fits = vendor.wire.text("x".repeat(100));
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(fits)
                .build());
        ModelProvider exact = provider(vendor, SMALL.withMaxBodyBytes(fits.length()));
        assertThat(exact.chat(ChatRequest.of("m", "hi"), Fixtures.blocking()).text())
                .isEqualTo("x".repeat(100));
    }

    /**
     * An error answer larger than the default body limit (33 MiB): only its first 64 KiB are read, and
     * it is still mapped by its status (a 429 stays a rate limit), blocking and streamed.
     */
    @ParameterizedTest
    @EnumSource(Vendor.class)
    void anOversizedErrorAnswerIsCutAndStillMappedByItsStatus(Vendor vendor) {
        Buffer big = new Buffer().writeUtf8("{\"error\":{\"message\":\"");
        byte[] mb = new byte[1 << 20];
        java.util.Arrays.fill(mb, (byte) 'x');
        for (int i = 0; i < 33; i++) {
            big.write(mb);
        }
        big.writeUtf8("\"}}");
        ModelProvider p = provider(vendor, ResponseLimits.DEFAULTS);
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("Content-Type", "application/json")
                .body(big.clone())
                .build());
        LlmException blocking =
                catchThrowableOfType(LlmException.class, () -> p.chat(ChatRequest.of("m", "hi"), Fixtures.blocking()));
        assertThat(blocking).isInstanceOf(RateLimitedException.class);
        assertThat(blocking.getMessage()).hasSizeLessThan(1000);
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("Content-Type", "application/json")
                .body(big)
                .build());
        assertThat(consume(p, new StringBuilder())).isInstanceOf(RateLimitedException.class);
    }
}
