package dev.llmgate.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.anthropic.internal.AnthropicStreamDecoder;
import dev.llmgate.providers.anthropic.internal.AnthropicWire;
import dev.llmgate.providers.internal.HttpChatStream;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.ProviderSettings;
import dev.llmgate.providers.internal.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Anthropic's Messages API ({@code POST {baseUrl}/v1/messages}): blocking and streamed chat with
 * usage (prompt-cache reads and writes included), text and images, tools with every tool choice,
 * parallel tool calls on or off, JSON Schema output, and refusals. Thread-safe.
 *
 * <p>Configuration: {@code ANTHROPIC_API_KEY} (required unless {@link Builder#apiKey} is set) and
 * {@code ANTHROPIC_BASE_URL} (default {@value #DEFAULT_BASE_URL}; without the {@code /v1}, as in
 * Anthropic's SDKs). Every request carries {@code x-api-key}, {@code anthropic-version: }{@value #API_VERSION}
 * and, if configured, {@code anthropic-beta}. The key is sent only in the {@code x-api-key} header
 * and never appears in {@code toString()}, exceptions or logs.
 *
 * <p>How a {@link ChatRequest} is mapped:
 * <ul>
 *   <li>{@code SYSTEM} and {@code DEVELOPER} messages become the top-level {@code system} text
 *       (several are joined with a blank line, in order).</li>
 *   <li>{@code TOOL} messages become {@code tool_result} blocks in a {@code user} turn; consecutive
 *       turns of one role are merged, as Anthropic requires strict user/assistant alternation.</li>
 *   <li>Assistant tool calls become {@code tool_use} blocks whose {@code input} is the call's
 *       arguments JSON, unchanged; arguments that are not a JSON object are refused with an
 *       {@link dev.llmgate.api.exception.InvalidRequestException}.</li>
 *   <li>{@code max_tokens}, which Anthropic requires, is {@code maxOutputTokens}, else the builder's
 *       {@link Builder#defaultMaxTokens default} (4096). {@code stop} becomes {@code stop_sequences}.
 *       Anthropic's temperature tops out at 1: a higher one is refused before sending.</li>
 *   <li>{@code seed} is not supported by Anthropic and is ignored. Participant names
 *       ({@link dev.llmgate.api.Message#name()}) and image detail are ignored too.</li>
 *   <li>{@link dev.llmgate.api.ResponseFormat.JsonSchema}: by default sent as Anthropic's structured
 *       outputs, {@code output_config: {format: {type: "json_schema", schema}}}, which constrains the
 *       answer text to the schema (Claude Haiku 4.5, Sonnet 4.5, Opus 4.5 and later). For older models
 *       or Anthropic-compatible servers without it, choose {@link JsonSchemaMode#FORCED_TOOL}.</li>
 *   <li>{@link dev.llmgate.api.ResponseFormat.JsonObject}: Anthropic has no JSON mode, so it is always
 *       sent as a forced tool {@code json_object} with input schema {@code {"type":"object"}}; the
 *       tool's input is returned as the answer's text, with finish reason {@code STOP}. A forced
 *       answer tool cannot be combined with the request's own tools (refused before sending), nor,
 *       on Anthropic's side, with extended thinking.</li>
 *   <li>{@code providerOptions} are written verbatim as further top-level fields (e.g. {@code top_k},
 *       {@code thinking}, {@code metadata}, {@code service_tier}); the standard fields this adapter
 *       writes itself are refused.</li>
 * </ul>
 *
 * <p>Usage follows the {@link dev.llmgate.api.Usage} convention: {@code inputTokens} is
 * {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}, with
 * {@code cachedInputTokens = cache_read_input_tokens} and {@code cacheWriteTokens = cache_creation_input_tokens}.
 * Stop reasons: {@code end_turn}, {@code stop_sequence}, {@code pause_turn} are {@code STOP};
 * {@code max_tokens} (and {@code model_context_window_exceeded}) {@code LENGTH}; {@code tool_use}
 * {@code TOOL_CALLS}; {@code refusal} {@code CONTENT_FILTER}, with {@code stop_details.explanation},
 * when given, as the response's refusal. Errors (also a 200 body of {@code "type":"error"} and a
 * stream's {@code error} event) become the typed exceptions of the shared error mapping, e.g. 529 and
 * {@code overloaded_error} an {@link dev.llmgate.api.exception.OverloadedException}.
 */
public final class AnthropicProvider implements ModelProvider {
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    /** The {@code anthropic-version} header sent with every request. */
    public static final String API_VERSION = "2023-06-01";
    /** The {@code max_tokens} sent when a request sets no {@code maxOutputTokens}, unless the builder sets another. */
    public static final int DEFAULT_MAX_TOKENS = 4096;

    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpTransport transport;
    private final HttpUrl messagesUrl;
    private final Headers headers;
    private final AnthropicWire.Options options;
    private final String name;
    private final HttpUrl baseUrl;

    private AnthropicProvider(
            HttpTransport transport, HttpUrl baseUrl, Headers headers, AnthropicWire.Options options, String name) {
        this.transport = transport;
        this.baseUrl = baseUrl;
        this.messagesUrl = ProviderSettings.resolve(baseUrl, "v1/messages");
        this.headers = headers;
        this.options = options;
        this.name = name;
    }

    /** A builder; {@link Builder#build()} reads what is not set from the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /** A provider configured entirely from the environment ({@code ANTHROPIC_API_KEY}, {@code ANTHROPIC_BASE_URL}). */
    public static AnthropicProvider fromEnv() {
        return builder().build();
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        Optional<String> answerTool = AnthropicWire.answerTool(request, options);
        JsonNode root = transport.execute(post(AnthropicWire.requestBody(request, false, options, name)), call);
        if (root.path("type").asText("").equals("error") || (root.has("error") && !root.has("content"))) {
            throw transport.errorInBody(root, Headers.of(), call);
        }
        return Shapes.parse(transport.errors(), () -> AnthropicWire.parseResponse(root, name, answerTool));
    }

    @Override
    public ChatStream stream(ChatRequest request, CallContext call) {
        Optional<String> answerTool = AnthropicWire.answerTool(request, options);
        HttpTransport.OpenStream open =
                transport.open(post(AnthropicWire.requestBody(request, true, options, name)), call);
        return new HttpChatStream(
                transport,
                open,
                transport.sse(open),
                new AnthropicStreamDecoder(transport.errors(), open.response().headers(), call, answerTool));
    }

    private Request post(byte[] body) {
        return new Request.Builder()
                .url(messagesUrl)
                .headers(headers)
                .post(RequestBody.create(body, JSON))
                .build();
    }

    /**
     * Cancels this provider's calls in flight (they fail with a {@link dev.llmgate.api.exception.NetworkException}),
     * closes the connections of its own pool (not those of a client passed to {@code httpClient(...)}) and stops the
     * time-limit thread unless another provider's call needs it. Later calls fail. Idempotent; called by the gate's
     * {@code close()}.
     */
    @Override
    public void close() {
        transport.close();
    }

    /** The class, name and base URL without its credentials, path or query (as {@code HttpUrl.redact()}); never the key. */
    @Override
    public String toString() {
        return "AnthropicProvider[" + name + ", " + baseUrl.redact() + "]";
    }

    /** How a {@link dev.llmgate.api.ResponseFormat.JsonSchema} response format is sent to Anthropic. */
    public enum JsonSchemaMode {
        /**
         * Anthropic's structured outputs, {@code output_config.format} of type {@code json_schema}: the
         * answer text is constrained to the schema and can be combined with tools. Needs Claude Haiku
         * 4.5, Sonnet 4.5, Opus 4.5 or a later model. The default.
         */
        OUTPUT_CONFIG,
        /**
         * A single tool named after the schema, with the schema as its input schema, forced with
         * {@code tool_choice}; its input is returned as the answer's text. Works with older Claude
         * models and most Anthropic-compatible servers, but not together with the request's own tools
         * or with extended thinking.
         */
        FORCED_TOOL
    }

    /** Configures an {@link AnthropicProvider}. Not thread-safe; {@link #build()} checks everything at once. */
    public static final class Builder extends HttpProviderBuilder<Builder> {
        /** What the shared setters collect (see {@link HttpProviderBuilder}). */
        private final ProviderSettings settings = ProviderSettings.of(this);

        private final List<String> betas = new ArrayList<>();
        private int defaultMaxTokens = DEFAULT_MAX_TOKENS;
        private JsonSchemaMode jsonSchemaMode = JsonSchemaMode.OUTPUT_CONFIG;

        private Builder() {
            super("anthropic");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The base URL without {@code /v1}, e.g. a proxy's; default: {@code ANTHROPIC_BASE_URL}, else
         * {@value AnthropicProvider#DEFAULT_BASE_URL}. Requests go to {@code {baseUrl}/v1/messages}.
         */
        public Builder baseUrl(String value) {
            settings.baseUrl = Objects.requireNonNull(value, "baseUrl");
            return this;
        }

        /**
         * Adds an {@code anthropic-beta} value (e.g. {@code "context-1m-2025-08-07"}); several are sent
         * comma-separated in one header. Default: none.
         */
        public Builder beta(String value) {
            betas.add(Objects.requireNonNull(value, "beta"));
            return this;
        }

        /** The {@code max_tokens} for requests without {@code maxOutputTokens} (Anthropic requires one); default 4096. */
        public Builder defaultMaxTokens(int value) {
            this.defaultMaxTokens = value;
            return this;
        }

        /** How JSON Schema response formats are sent; default {@link JsonSchemaMode#OUTPUT_CONFIG}. */
        public Builder jsonSchemaMode(JsonSchemaMode value) {
            this.jsonSchemaMode = Objects.requireNonNull(value, "jsonSchemaMode");
            return this;
        }

        /**
         * The provider.
         *
         * @throws ConfigurationException listing every problem: a missing key, an invalid base URL, a
         *                                default max tokens below 1, a blank beta value, a header value with a
         *                                character that cannot be sent in HTTP (named by position, never quoted)
         */
        public AnthropicProvider build() {
            ProviderSettings.Check check = settings.check();
            String key = check.key("ANTHROPIC_API_KEY").orElse("");
            if (key.isEmpty()) {
                check.problem("Anthropic provider '" + settings.name
                        + "' needs an API key: call .apiKey(...) or set ANTHROPIC_API_KEY");
            }
            HttpUrl base = check.url("ANTHROPIC_BASE_URL", DEFAULT_BASE_URL, "base URL");
            if (defaultMaxTokens < 1) {
                check.problem(settings.name + ": defaultMaxTokens must be at least 1, was " + defaultMaxTokens
                        + " (Anthropic requires max_tokens on every request)");
            }
            for (String b : betas) {
                if (b.isBlank() || b.contains(",")) {
                    check.problem(settings.name + ": anthropic-beta values must be single non-blank names such as"
                            + " \"context-1m-2025-08-07\"; call .beta(...) once per value");
                    break;
                }
            }
            String beta = String.join(",", betas.stream().map(String::strip).toArray(String[]::new));
            check.headerValue("anthropic-beta", beta, "the values set with .beta(...)");
            check.throwIfProblems();
            Headers.Builder h = new Headers.Builder().add("x-api-key", key).add("anthropic-version", API_VERSION);
            if (!betas.isEmpty()) {
                h.add("anthropic-beta", beta);
            }
            check.headers().forEach(h::set);
            HttpTransport transport = settings.transport(key);
            return new AnthropicProvider(
                    transport,
                    base,
                    h.build(),
                    new AnthropicWire.Options(defaultMaxTokens, jsonSchemaMode == JsonSchemaMode.FORCED_TOOL),
                    settings.name);
        }
    }
}
