package dev.llmgate.providers.gemini;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.gemini.internal.GeminiClient;
import dev.llmgate.providers.gemini.internal.GeminiWire;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.ProviderSettings;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * Google's Gemini API (Google AI Studio, {@code generativelanguage.googleapis.com}): blocking and
 * streamed chat ({@code generateContent}, {@code streamGenerateContent?alt=sse}), system instructions,
 * function calling with tool choice, JSON and JSON Schema output, inline and URL images, thinking-token
 * usage, and embeddings ({@code batchEmbedContents}).
 *
 * <p>Guarantees: the key is sent only in the {@code x-goog-api-key} header (never in the URL, so it
 * cannot reach access logs) and never appears in {@code toString()} or exception messages. A prompt
 * Gemini blocks raises {@link dev.llmgate.api.exception.ContentFilteredException}; an answer withheld by
 * a safety finish reason ends with {@link dev.llmgate.api.FinishReason#CONTENT_FILTER}. A stream that ends
 * without a finish reason raises {@link dev.llmgate.api.exception.StreamInterruptedException}.
 *
 * <p>Tool calls: Gemini gives calls no ids, so answers carry synthesized ones ({@code call_0},
 * {@code call_1}, ...; a call's thought signature, which Gemini 3 requires back, rides along inside its
 * id). Keep the assistant message ({@code response.message()}) in the conversation and answer each call
 * with {@code Message.tool(call.id(), result)}: the function name is found from that id.
 *
 * <p>Configuration: {@code GEMINI_API_KEY}, else {@code GOOGLE_API_KEY} (required unless
 * {@link Builder#apiKey} is set); {@code GOOGLE_GEMINI_BASE_URL} for another base URL.
 */
public final class GeminiProvider implements ModelProvider {
    /** The default base URL (without the API version). */
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
    /** The default API version path segment. */
    public static final String DEFAULT_API_VERSION = "v1beta";

    private final GeminiClient client;
    private final String name;
    private final HttpUrl baseUrl;

    private GeminiProvider(GeminiClient client, String name, HttpUrl baseUrl) {
        this.client = client;
        this.name = name;
        this.baseUrl = baseUrl;
    }

    /** A builder; {@link Builder#build()} reads what is not set from the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /** A provider configured entirely from the environment ({@code GEMINI_API_KEY} or {@code GOOGLE_API_KEY}). */
    public static GeminiProvider fromEnv() {
        return builder().build();
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        return client.chat(request, call);
    }

    @Override
    public ChatStream stream(ChatRequest request, CallContext call) {
        return client.stream(request, call);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        return client.embed(request, call);
    }

    /**
     * Cancels this provider's calls in flight (they fail with a {@link dev.llmgate.api.exception.NetworkException}),
     * closes the connections of its own pool (not those of a client passed to {@code httpClient(...)}) and stops the
     * time-limit thread unless another provider's call needs it. Later calls fail. Idempotent; called by the gate's
     * {@code close()}.
     */
    @Override
    public void close() {
        client.close();
    }

    /** The class, name and base URL without its credentials, path or query (as {@code HttpUrl.redact()}); never the key. */
    @Override
    public String toString() {
        return "GeminiProvider[" + name + ", " + baseUrl.redact() + "]";
    }

    /** Configures a {@link GeminiProvider}. Not thread-safe. */
    public static final class Builder extends HttpProviderBuilder<Builder> {
        /** What the shared setters collect (see {@link HttpProviderBuilder}). */
        private final ProviderSettings settings = ProviderSettings.of(this);

        private String apiVersion = DEFAULT_API_VERSION;
        private boolean jsonSchemaFields = true;

        private Builder() {
            super("gemini");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The base URL without the API version, e.g. a proxy's; default: {@code GOOGLE_GEMINI_BASE_URL},
         * else {@value #DEFAULT_BASE_URL}.
         */
        public Builder baseUrl(String value) {
            settings.baseUrl = value;
            return this;
        }

        /** The API version path segment; default {@value #DEFAULT_API_VERSION}. */
        public Builder apiVersion(String value) {
            this.apiVersion = value;
            return this;
        }

        /**
         * Whether tool parameters and response schemas are sent as full JSON Schema
         * ({@code parametersJsonSchema}, {@code responseJsonSchema}; default true) or in the older
         * OpenAPI-subset fields ({@code parameters}, {@code responseSchema}) for servers that lack the former.
         */
        public Builder jsonSchemaFields(boolean value) {
            this.jsonSchemaFields = value;
            return this;
        }

        /** @throws ConfigurationException listing every problem: a missing key, an invalid base URL or API version */
        public GeminiProvider build() {
            ProviderSettings.Check check = settings.check();
            String key = check.key("GEMINI_API_KEY", "GOOGLE_API_KEY").orElse("");
            if (key.isEmpty()) {
                check.problem("Gemini provider '" + settings.name
                        + "' needs an API key: call .apiKey(...) or set GEMINI_API_KEY"
                        + " (or GOOGLE_API_KEY); create one at https://aistudio.google.com/apikey");
            }
            HttpUrl base = check.url("GOOGLE_GEMINI_BASE_URL", DEFAULT_BASE_URL, "base URL");
            String version = apiVersion == null ? "" : apiVersion.strip();
            if (!version.matches("[A-Za-z0-9._-]+")) {
                check.problem("Gemini provider '" + settings.name + "': API version '" + apiVersion
                        + "' is not a path segment such as v1beta or v1");
            }
            check.throwIfProblems();
            Headers.Builder h = new Headers.Builder().add("x-goog-api-key", key);
            check.headers().forEach(h::set);
            HttpTransport transport = settings.transport(key);
            GeminiClient client = new GeminiClient(
                    transport,
                    ProviderSettings.resolve(base, version),
                    h.build(),
                    new GeminiWire.Options(jsonSchemaFields));
            return new GeminiProvider(client, settings.name, base);
        }
    }
}
