package dev.llmgate.providers.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.Vendors.Vendor;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same requests (text, tools, JSON Schema, streaming), answered by each vendor in its own wire
 * format with the same content, must come out of the gate as the same normalized responses.
 */
class CrossProviderConformanceTest {
    static final String TOOL_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LlmGate gate(Vendor vendor) {
        return LlmGate.builder()
                .provider("p", vendor.create(server.url("/").toString()))
                .build();
    }

    private void answer(String contentType, String body) {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", contentType)
                .body(body)
                .build());
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void plainText(Vendor vendor) {
        answer(vendor.wire.jsonType, vendor.wire.text("Hello!"));
        try (LlmGate gate = gate(vendor)) {
            ChatResponse r = gate.chat(ChatRequest.builder("p:m")
                    .system("Be brief.")
                    .user("Say hello")
                    .maxOutputTokens(20)
                    .build());
            assertThat(r.text()).isEqualTo("Hello!");
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(r.toolCalls()).isEmpty();
            assertThat(r.usage().inputTokens()).isEqualTo(10);
            assertThat(r.usage().outputTokens()).isEqualTo(3);
            assertThat(r.provider()).isEqualTo("p");
        }
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void toolCall(Vendor vendor) throws Exception {
        answer(vendor.wire.jsonType, vendor.wire.toolCall());
        try (LlmGate gate = gate(vendor)) {
            ChatResponse r = gate.chat(ChatRequest.builder("p:m")
                    .user("Weather in Paris?")
                    .addTool(ToolDefinition.of("get_weather", "Weather for a city", TOOL_SCHEMA))
                    .build());
            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
            assertThat(r.toolCalls()).hasSize(1);
            assertThat(r.toolCalls().get(0).name()).isEqualTo("get_weather");
            assertThat(r.toolCalls().get(0).id()).isNotBlank();
            JsonNode args = Fixtures.JSON.readTree(r.toolCalls().get(0).argumentsJson());
            assertThat(args).isEqualTo(Fixtures.JSON.readTree("{\"city\":\"Paris\"}"));
        }
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void jsonSchemaAnswer(Vendor vendor) throws Exception {
        answer(vendor.wire.jsonType, vendor.wire.text("{\"city\":\"Paris\"}"));
        try (LlmGate gate = gate(vendor)) {
            ChatResponse r = gate.chat(ChatRequest.builder("p:m")
                    .user("Which city?")
                    .responseFormat(ResponseFormat.jsonSchema("city", TOOL_SCHEMA, true))
                    .build());
            assertThat(Fixtures.JSON.readTree(r.text())).isEqualTo(Fixtures.JSON.readTree("{\"city\":\"Paris\"}"));
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        }
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void streamedText(Vendor vendor) {
        answer(vendor.wire.streamType, vendor.wire.stream());
        try (LlmGate gate = gate(vendor)) {
            List<String> deltas = new ArrayList<>();
            ChatResponse r = gate.stream(ChatRequest.of("p:m", "Say hello"), e -> {
                if (e instanceof StreamEvent.TextDelta d) {
                    deltas.add(d.text());
                }
            });
            assertThat(deltas).containsExactly("Hel", "lo!");
            assertThat(r.text()).isEqualTo("Hello!");
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(r.usage().inputTokens()).isEqualTo(10);
            assertThat(r.usage().outputTokens()).isEqualTo(3);
            assertThat(r.timings().timeToFirstToken()).isPresent();
        }
    }
}
