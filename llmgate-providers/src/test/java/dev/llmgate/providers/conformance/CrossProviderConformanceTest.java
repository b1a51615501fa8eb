package dev.llmgate.providers.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.anthropic.AnthropicProvider;
import dev.llmgate.providers.gemini.GeminiProvider;
import dev.llmgate.providers.ollama.OllamaProvider;
import dev.llmgate.providers.openai.AzureOpenAiProvider;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.providers.testing.Fixtures;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same requests (text, tools, JSON Schema, streaming), answered by each vendor in its own wire
 * format with the same content, must come out of the gate as the same normalized responses.
 */
class CrossProviderConformanceTest {
    static final String TOOL_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    enum Vendor {
        OPENAI(url -> OpenAiProvider.builder().apiKey("k").baseUrl(url + "v1").environment(Map.of()).build(), Wire.OPENAI),
        AZURE(url -> AzureOpenAiProvider.builder().endpoint(url).apiKey("k").environment(Map.of()).build(), Wire.OPENAI),
        COMPATIBLE(url -> OpenAiCompatibleProvider.builder(url + "v1").build(), Wire.OPENAI),
        ANTHROPIC(url -> AnthropicProvider.builder().apiKey("k").baseUrl(url).environment(Map.of()).build(), Wire.ANTHROPIC),
        GEMINI(url -> GeminiProvider.builder().apiKey("k").baseUrl(url).environment(Map.of()).build(), Wire.GEMINI),
        OLLAMA(url -> OllamaProvider.builder().baseUrl(url).environment(Map.of()).build(), Wire.OLLAMA);

        final Function<String, ModelProvider> factory;
        final Wire wire;

        Vendor(Function<String, ModelProvider> factory, Wire wire) {
            this.factory = factory;
            this.wire = wire;
        }
    }

    /** Each wire format's answer for: text "Hello!", a get_weather(Paris) call, a JSON answer, and a streamed "Hel"+"lo!". */
    enum Wire {
        OPENAI("application/json", "text/event-stream") {
            String text(String text) {
                return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":" + q(text) + ",\"refusal\":null},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}";
            }

            String toolCall() {
                return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                        + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}";
            }

            String stream() {
                String p = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":";
                return p + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                        + p + "[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
                        + p + "[{\"index\":0,\"delta\":{\"content\":\"lo!\"},\"finish_reason\":null}]}\n\n"
                        + p + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        + p + "[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}\n\n"
                        + "data: [DONE]\n\n";
            }
        },
        ANTHROPIC("application/json", "text/event-stream") {
            String text(String text) {
                return "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":\"text\",\"text\":"
                        + q(text) + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":3}}";
            }

            String toolCall() {
                return "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":\"tool_use\","
                        + "\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}],\"stop_reason\":\"tool_use\","
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":3}}";
            }

            String stream() {
                return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                        + "\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
                        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                        + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
                        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n"
                        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo!\"}}\n\n"
                        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":3}}\n\n"
                        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
            }
        },
        GEMINI("application/json", "text/event-stream") {
            String text(String text) {
                return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + q(text) + "}],\"role\":\"model\"},\"finishReason\":\"STOP\","
                        + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":3,\"totalTokenCount\":13},"
                        + "\"modelVersion\":\"m\",\"responseId\":\"r1\"}";
            }

            String toolCall() {
                return "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}}],"
                        + "\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,"
                        + "\"candidatesTokenCount\":3,\"totalTokenCount\":13},\"modelVersion\":\"m\",\"responseId\":\"r1\"}";
            }

            String stream() {
                return "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":1,\"totalTokenCount\":11},\"modelVersion\":\"m\",\"responseId\":\"r1\"}\r\n\r\n"
                        + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo!\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":3,\"totalTokenCount\":13},\"modelVersion\":\"m\",\"responseId\":\"r1\"}\r\n\r\n";
            }
        },
        OLLAMA("application/json", "application/x-ndjson") {
            String text(String text) {
                return "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":" + q(text)
                        + "},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":10,\"eval_count\":3}";
            }

            String toolCall() {
                return "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\","
                        + "\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},\"done\":true,"
                        + "\"done_reason\":\"stop\",\"prompt_eval_count\":10,\"eval_count\":3}";
            }

            String stream() {
                return "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n"
                        + "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"lo!\"},\"done\":false}\n"
                        + "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                        + "\"done_reason\":\"stop\",\"prompt_eval_count\":10,\"eval_count\":3}\n";
            }
        };

        final String jsonType;
        final String streamType;

        Wire(String jsonType, String streamType) {
            this.jsonType = jsonType;
            this.streamType = streamType;
        }

        abstract String text(String text);

        abstract String toolCall();

        abstract String stream();

        static String q(String s) {
            try {
                return Fixtures.JSON.writeValueAsString(s);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

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
        return LlmGate.builder().provider("p", vendor.factory.apply(server.url("/").toString())).build();
    }

    private void answer(String contentType, String body) {
        server.enqueue(new MockResponse.Builder().addHeader("Content-Type", contentType).body(body).build());
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void plainText(Vendor vendor) {
        answer(vendor.wire.jsonType, vendor.wire.text("Hello!"));
        try (LlmGate gate = gate(vendor)) {
            ChatResponse r = gate.chat(ChatRequest.builder("p:m").system("Be brief.").user("Say hello").maxOutputTokens(20).build());
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
            ChatResponse r = gate.chat(ChatRequest.builder("p:m").user("Weather in Paris?")
                    .addTool(ToolDefinition.of("get_weather", "Weather for a city", TOOL_SCHEMA)).build());
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
            ChatResponse r = gate.chat(ChatRequest.builder("p:m").user("Which city?")
                    .responseFormat(ResponseFormat.jsonSchema("city", TOOL_SCHEMA, true)).build());
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
