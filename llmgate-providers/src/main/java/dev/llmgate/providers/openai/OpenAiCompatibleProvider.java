package dev.llmgate.providers.openai;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.ProviderSettings;
import dev.llmgate.providers.openai.internal.OpenAiFamilyClient;
import dev.llmgate.providers.openai.internal.OpenAiWire;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.util.Map;

/**
 * Any server that speaks OpenAI's Chat Completions format: vLLM, llama.cpp's llama-server, LM Studio,
 * Groq, Mistral, DeepSeek, Together, OpenRouter, Ollama's {@code /v1}, and the like. Configure the
 * base URL (ending in {@code /v1} or the vendor's equivalent), an optional key and extra headers.
 *
 * <p>Differences from OpenAI's own API are options: the output-limit field defaults to
 * {@code max_tokens} (what most servers accept), and the developer role is sent as {@code system}.
 */
public final class OpenAiCompatibleProvider implements ModelProvider {
    private final OpenAiFamilyClient client;
    private final String name;
    private final HttpUrl baseUrl;

    private OpenAiCompatibleProvider(OpenAiFamilyClient client, String name, HttpUrl baseUrl) {
        this.client = client;
        this.name = name;
        this.baseUrl = baseUrl;
    }

    /** A builder for a server at {@code baseUrl}, e.g. {@code "http://localhost:8000/v1"}. */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
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

    @Override
    public String toString() {
        return "OpenAiCompatibleProvider[" + name + ", " + baseUrl.redact() + "]";
    }

    /** Configures an {@link OpenAiCompatibleProvider}. */
    public static final class Builder {
        private final ProviderSettings s = new ProviderSettings("openai-compatible");
        private String maxTokensField = "max_tokens";
        private boolean developerRole;
        private String apiKeyEnv = "";

        private Builder(String baseUrl) {
            s.baseUrl = baseUrl;
        }

        /** The bearer key, if the server needs one. */
        public Builder apiKey(String value) {
            s.apiKey = value;
            return this;
        }

        /** Read the bearer key from this environment variable (e.g. {@code GROQ_API_KEY}) and fail at build() if it is unset. */
        public Builder apiKeyFromEnv(String variable) {
            this.apiKeyEnv = variable;
            return this;
        }

        /** An extra header on every request (e.g. OpenRouter's {@code HTTP-Referer}). */
        public Builder header(String name, String value) {
            s.header(name, value);
            return this;
        }

        /** The name this provider reports in errors; use the name it is registered under. */
        public Builder name(String value) {
            s.name = value;
            return this;
        }

        /** {@code "max_tokens"} (default) or {@code "max_completion_tokens"}. */
        public Builder maxTokensField(String value) {
            if (!value.equals("max_tokens") && !value.equals("max_completion_tokens")) {
                s.problems.add("maxTokensField must be \"max_tokens\" or \"max_completion_tokens\", was '" + value + "'");
            }
            this.maxTokensField = value;
            return this;
        }

        /** Whether the server understands the {@code developer} role; default false (sent as {@code system}). */
        public Builder developerRole(boolean value) {
            this.developerRole = value;
            return this;
        }

        public Builder httpClient(OkHttpClient value) {
            s.httpClient = value;
            return this;
        }

        public Builder timeouts(Timeouts value) {
            s.timeouts = value;
            return this;
        }

        /** Where environment variables are read from (for tests). */
        public Builder environment(Map<String, String> value) {
            s.environment = value;
            return this;
        }

        /** @throws ConfigurationException if the base URL is invalid or a required key variable is unset */
        public OpenAiCompatibleProvider build() {
            String key = apiKeyEnv.isEmpty() ? s.key().orElse("") : s.key(apiKeyEnv).orElse("");
            if (!apiKeyEnv.isEmpty() && key.isEmpty()) {
                s.problems.add("provider '" + s.name + "' reads its key from " + apiKeyEnv + ", which is not set: set it or call .apiKey(...)");
            }
            if (s.baseUrl.isBlank()) {
                s.problems.add("provider '" + s.name + "' needs a base URL, e.g. http://localhost:8000/v1");
            }
            HttpUrl base = s.url(null, s.baseUrl, "base URL");
            if (!s.problems.isEmpty()) {
                throw new ConfigurationException(s.problems);
            }
            Headers.Builder h = new Headers.Builder();
            if (!key.isEmpty()) {
                h.add("Authorization", "Bearer " + key);
            }
            s.headers.forEach(h::set);
            HttpTransport transport = new HttpTransport(s.name, s.client(), s.timeouts, key);
            HttpUrl chat = ProviderSettings.resolve(base, "chat/completions");
            HttpUrl embeddings = ProviderSettings.resolve(base, "embeddings");
            Headers headers = h.build();
            OpenAiFamilyClient client = new OpenAiFamilyClient(transport, m -> chat, m -> embeddings, () -> headers,
                    new OpenAiWire.Options(maxTokensField, developerRole, true));
            return new OpenAiCompatibleProvider(client, s.name, base);
        }
    }
}
