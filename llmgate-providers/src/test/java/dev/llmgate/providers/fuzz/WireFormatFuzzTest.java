package dev.llmgate.providers.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.anthropic.internal.AnthropicStreamDecoder;
import dev.llmgate.providers.anthropic.internal.AnthropicWire;
import dev.llmgate.providers.gemini.internal.GeminiStreamDecoder;
import dev.llmgate.providers.gemini.internal.GeminiWire;
import dev.llmgate.providers.internal.FrameReader;
import dev.llmgate.providers.internal.HttpChatStream;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.NdjsonReader;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.Shapes;
import dev.llmgate.providers.internal.SseReader;
import dev.llmgate.providers.internal.StreamDecoder;
import dev.llmgate.providers.internal.StreamSource;
import dev.llmgate.providers.internal.VendorErrors;
import dev.llmgate.providers.ollama.internal.OllamaStreamDecoder;
import dev.llmgate.providers.ollama.internal.OllamaWire;
import dev.llmgate.providers.openai.internal.OpenAiServerSide;
import dev.llmgate.providers.openai.internal.OpenAiStreamDecoder;
import dev.llmgate.providers.openai.internal.OpenAiWire;
import dev.llmgate.providers.testing.Fixtures;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okio.Buffer;

/**
 * Coverage-guided fuzzing (Jazzer) of every wire-format parser: whatever bytes a server sends, a
 * parser either produces events/responses or throws a documented {@link LlmException}; anything
 * else (NullPointerException, ClassCastException, ...) or a hang is a bug. Under {@code mvn verify}
 * these run once per input of their seed corpus (src/test/resources/.../*Inputs); with
 * {@code JAZZER_FUZZ=1} they fuzz for {@code maxDuration} (docs/testing.md).
 */
class WireFormatFuzzTest {
    static final HttpTransport TRANSPORT = new HttpTransport("fuzz", new OkHttpClient(), Timeouts.DEFAULTS, "");
    static final CallContext CALL = Fixtures.streaming();
    static final ProviderErrors ERRORS = new ProviderErrors("fuzz", "");
    static final Function<Buffer, FrameReader> SSE = b -> new SseReader(b, "fuzz", ResponseLimits.DEFAULTS);

    /** A stream source over fuzz bytes. */
    static final class BytesSource implements StreamSource {
        @Override
        public int status() {
            return 200;
        }

        @Override
        public void firstTokenArrived() {}

        @Override
        public LlmException ioFailure(IOException e) {
            return new dev.llmgate.api.exception.NetworkException("fuzz", ErrorDetails.NONE, e);
        }

        @Override
        public void close() {}
    }

    private static void drain(byte[] data, Function<Buffer, FrameReader> reader, StreamDecoder decoder) {
        Buffer buffer = new Buffer().write(data);
        try (ChatStream s = new HttpChatStream(ERRORS, new BytesSource(), reader.apply(buffer), decoder)) {
            int guard = 0;
            while (s.hasNext() && guard++ < 1_000_000) {
                s.next();
            }
        } catch (LlmException expected) {
            // a typed failure is a correct answer to garbage
        }
    }

    @FuzzTest(maxDuration = "10s")
    void openAiStream(byte[] data) {
        drain(data, SSE, new OpenAiStreamDecoder(new ProviderErrors("fuzz", ""), Headers.of(), CALL));
    }

    @FuzzTest(maxDuration = "10s")
    void anthropicStream(byte[] data) {
        drain(data, SSE, new AnthropicStreamDecoder(TRANSPORT.errors(), Headers.of(), CALL, Optional.empty()));
    }

    @FuzzTest(maxDuration = "10s")
    void geminiStream(byte[] data) {
        drain(data, SSE, new GeminiStreamDecoder(TRANSPORT, Headers.of(), CALL, "m"));
    }

    @FuzzTest(maxDuration = "10s")
    void ollamaStream(byte[] data) {
        drain(
                data,
                b -> new NdjsonReader(b, "fuzz", ResponseLimits.DEFAULTS),
                new OllamaStreamDecoder(TRANSPORT, Headers.of(), CALL, "m"));
    }

    @FuzzTest(maxDuration = "10s")
    void blockingBodies(byte[] data) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(data);
        } catch (IOException | RuntimeException notJson) {
            return; // the transport turns unparseable bodies into a ProviderException before any parser runs
        }
        if (root == null) {
            return;
        }
        // The adapters call their parsers through Shapes.parse, which types what a parser does not.
        for (java.util.function.Supplier<?> parse : java.util.List.<java.util.function.Supplier<?>>of(
                () -> OpenAiWire.parseResponse(root, "fuzz"),
                () -> AnthropicWire.parseResponse(root, "fuzz", Optional.empty()),
                () -> GeminiWire.parseResponse(root, ERRORS, "m"),
                () -> OllamaWire.parseResponse(root, "fuzz", "m"))) {
            try {
                Shapes.parse(ERRORS, parse);
            } catch (LlmException expected) {
                // typed
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void errorBodies(byte[] data) {
        VendorErrors.parse(new String(data, java.nio.charset.StandardCharsets.UTF_8));
    }

    @FuzzTest(maxDuration = "10s")
    void interceptedRequests(byte[] data) {
        try {
            OpenAiServerSide.read(data, "openai:");
        } catch (InvalidRequestException expected) {
            // typed
        }
        // Anthropic's: typed refusals only, and what the gate writes for an accepted body is a fixed point (reading
        // and writing it again gives the same bytes: the breakpoints and failed tool results beside it included)
        byte[] once;
        try {
            var in = dev.llmgate.providers.anthropic.internal.AnthropicServerSide.read(data, "");
            once = AnthropicWire.requestBody(
                    in.request(), in.stream(), new AnthropicWire.Options(1, false), "anthropic");
        } catch (InvalidRequestException expected) {
            return;
        }
        var again = dev.llmgate.providers.anthropic.internal.AnthropicServerSide.read(once, "");
        byte[] twice = AnthropicWire.requestBody(
                again.request(), again.stream(), new AnthropicWire.Options(1, false), "anthropic");
        if (!java.util.Arrays.equals(once, twice)) {
            throw new AssertionError("not a fixed point: " + new String(once, java.nio.charset.StandardCharsets.UTF_8)
                    + " then " + new String(twice, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
