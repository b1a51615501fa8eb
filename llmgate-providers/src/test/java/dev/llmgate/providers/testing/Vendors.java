package dev.llmgate.providers.testing;

import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.anthropic.AnthropicProvider;
import dev.llmgate.providers.gemini.GeminiProvider;
import dev.llmgate.providers.ollama.OllamaProvider;
import dev.llmgate.providers.openai.AzureOpenAiProvider;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openai.OpenAiProvider;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * Every adapter, built against a test server, and each wire format's answers with the same content:
 * text, a get_weather(Paris) call, and a streamed "Hel" + "lo!". Shared by the conformance and
 * fault-injection tests.
 */
public final class Vendors {
    private Vendors() {}

    /**
     * Builds an adapter for a server at a base URL (ending in '/'), with a given client (null: the
     * default, a pool of the provider's own), timeouts and response limits.
     */
    @FunctionalInterface
    public interface Factory {
        ModelProvider create(String url, OkHttpClient client, Timeouts timeouts, ResponseLimits limits);

        default ModelProvider create(String url, OkHttpClient client, Timeouts timeouts) {
            return create(url, client, timeouts, ResponseLimits.DEFAULTS);
        }
    }

    private static <B extends HttpProviderBuilder<B>> B common(
            B builder, OkHttpClient client, Timeouts timeouts, ResponseLimits limits) {
        B b = builder.apiKey(KEY).timeouts(timeouts).responseLimits(limits).environment(Map.of());
        return client == null ? b : b.httpClient(client);
    }

    public enum Vendor {
        OPENAI(
                (url, c, t, l) -> common(OpenAiProvider.builder(), c, t, l)
                        .baseUrl(url + "v1")
                        .build(),
                Wire.OPENAI),
        AZURE(
                (url, c, t, l) -> common(AzureOpenAiProvider.builder(), c, t, l)
                        .endpoint(url)
                        .build(),
                Wire.OPENAI),
        COMPATIBLE(
                (url, c, t, l) -> common(OpenAiCompatibleProvider.builder(url + "v1"), c, t, l)
                        .build(),
                Wire.OPENAI),
        ANTHROPIC(
                (url, c, t, l) -> common(AnthropicProvider.builder(), c, t, l)
                        .baseUrl(url)
                        .build(),
                Wire.ANTHROPIC),
        GEMINI(
                (url, c, t, l) ->
                        common(GeminiProvider.builder(), c, t, l).baseUrl(url).build(),
                Wire.GEMINI),
        OLLAMA(
                (url, c, t, l) ->
                        common(OllamaProvider.builder(), c, t, l).baseUrl(url).build(),
                Wire.OLLAMA);

        public final Factory factory;
        public final Wire wire;

        Vendor(Factory factory, Wire wire) {
            this.factory = factory;
            this.wire = wire;
        }

        /** The adapter with the shared client and default timeouts. */
        public ModelProvider create(String url) {
            return factory.create(url, new OkHttpClient(), Timeouts.DEFAULTS);
        }
    }

    /** A key that must never show up in a message. */
    public static final String KEY = "sk-fault-key-0123456789abcdef";

    /** The adapter with a given key (and default limits, its own pool). */
    public static ModelProvider withKey(Vendor vendor, String url, String key) {
        return switch (vendor) {
            case OPENAI ->
                OpenAiProvider.builder()
                        .apiKey(key)
                        .baseUrl(url + "v1")
                        .environment(Map.of())
                        .build();
            case AZURE ->
                AzureOpenAiProvider.builder()
                        .apiKey(key)
                        .endpoint(url)
                        .environment(Map.of())
                        .build();
            case COMPATIBLE ->
                OpenAiCompatibleProvider.builder(url + "v1").apiKey(key).build();
            case ANTHROPIC ->
                AnthropicProvider.builder()
                        .apiKey(key)
                        .baseUrl(url)
                        .environment(Map.of())
                        .build();
            case GEMINI ->
                GeminiProvider.builder()
                        .apiKey(key)
                        .baseUrl(url)
                        .environment(Map.of())
                        .build();
            case OLLAMA ->
                OllamaProvider.builder()
                        .apiKey(key)
                        .baseUrl(url)
                        .environment(Map.of())
                        .build();
        };
    }

    /** Each wire format's answer for: text "Hello!", a get_weather(Paris) call, a JSON answer, and a streamed "Hel"+"lo!". */
    public enum Wire {
        OPENAI("application/json", "text/event-stream") {
            public String text(String text) {
                return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":" + q(text)
                        + ",\"refusal\":null},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}";
            }

            public String toolCall() {
                return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                        + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}";
            }

            public String stream() {
                String p =
                        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\",\"choices\":";
                return p
                        + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
                        + p + "[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
                        + p + "[{\"index\":0,\"delta\":{\"content\":\"lo!\"},\"finish_reason\":null}]}\n\n"
                        + p + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        + p + "[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"total_tokens\":13}}\n\n"
                        + "data: [DONE]\n\n";
            }
        },
        ANTHROPIC("application/json", "text/event-stream") {
            public String text(String text) {
                return "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":\"text\",\"text\":"
                        + q(text)
                        + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":3}}";
            }

            public String toolCall() {
                return "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[{\"type\":\"tool_use\","
                        + "\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}],\"stop_reason\":\"tool_use\","
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":3}}";
            }

            public String stream() {
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
            public String text(String text) {
                return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + q(text)
                        + "}],\"role\":\"model\"},\"finishReason\":\"STOP\","
                        + "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":3,\"totalTokenCount\":13},"
                        + "\"modelVersion\":\"m\",\"responseId\":\"r1\"}";
            }

            public String toolCall() {
                return "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}}],"
                        + "\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,"
                        + "\"candidatesTokenCount\":3,\"totalTokenCount\":13},\"modelVersion\":\"m\",\"responseId\":\"r1\"}";
            }

            public String stream() {
                return "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":1,\"totalTokenCount\":11},\"modelVersion\":\"m\",\"responseId\":\"r1\"}\r\n\r\n"
                        + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo!\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":10,\"candidatesTokenCount\":3,\"totalTokenCount\":13},\"modelVersion\":\"m\",\"responseId\":\"r1\"}\r\n\r\n";
            }
        },
        OLLAMA("application/json", "application/x-ndjson") {
            public String text(String text) {
                return "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":"
                        + q(text)
                        + "},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":10,\"eval_count\":3}";
            }

            public String toolCall() {
                return "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\","
                        + "\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},\"done\":true,"
                        + "\"done_reason\":\"stop\",\"prompt_eval_count\":10,\"eval_count\":3}";
            }

            public String stream() {
                return "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n"
                        + "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"lo!\"},\"done\":false}\n"
                        + "{\"model\":\"m\",\"created_at\":\"2024-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                        + "\"done_reason\":\"stop\",\"prompt_eval_count\":10,\"eval_count\":3}\n";
            }
        };

        public final String jsonType;
        public final String streamType;

        Wire(String jsonType, String streamType) {
            this.jsonType = jsonType;
            this.streamType = streamType;
        }

        public abstract String text(String text);

        public abstract String toolCall();

        public abstract String stream();

        static String q(String s) {
            try {
                return Fixtures.JSON.writeValueAsString(s);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
