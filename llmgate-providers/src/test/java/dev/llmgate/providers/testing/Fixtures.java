package dev.llmgate.providers.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.testing.TestCallContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import mockwebserver3.RecordedRequest;

/** Test helpers: fixture files, call contexts with a fixed clock, and request-body parsing. */
public final class Fixtures {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

    private Fixtures() {}

    /** A fixture from {@code src/test/resources/fixtures/}. */
    public static String read(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A blocking call's context, on {@link #CLOCK}. */
    public static CallContext blocking() {
        return TestCallContext.builder().callId("call_test").clock(CLOCK).build();
    }

    /** A streamed call's context, on {@link #CLOCK}. */
    public static CallContext streaming() {
        return TestCallContext.builder()
                .callId("call_test")
                .streaming(true)
                .clock(CLOCK)
                .build();
    }

    /** The JSON body of a recorded request. */
    public static JsonNode body(RecordedRequest request) {
        try {
            return JSON.readTree(request.getBody().utf8());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
