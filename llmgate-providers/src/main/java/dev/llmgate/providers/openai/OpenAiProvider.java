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
 * OpenAI's Chat Completions and Embeddings APIs: blocking and streamed chat (usage included),
 * tools and parallel tool calls, JSON Schema output, images, refusals, and
 * {@code max_completion_tokens} (which every current OpenAI model accepts, reasoning models included).
 *
 * <p>Configuration: {@code OPENAI_API_KEY} (required unless {@link Builder#apiKey} is set),
 * {@code OPENAI_BASE_URL}, {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID}. The key is sent only in
 * the {@code Authorization} header and never appears in {@code toString()}, exceptions or logs.
 */
public final class OpenAiProvider implements ModelProvider {
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    private final OpenAiFamilyClient client;
    private final String name;
    private final HttpUrl baseUrl;

    private OpenAiProvider(OpenAiFamilyClient client, String name, HttpUrl baseUrl) {
        this.client = client;
        this.name = name;
        this.baseUrl = baseUrl;
    }

    /** A builder; {@link Builder#build()} reads what is not set from the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /** A provider configured entirely from the environment ({@code OPENAI_API_KEY}, ...). */
    public static OpenAiProvider fromEnv() {
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

    @Override
    public String toString() {
        return "OpenAiProvider[" + name + ", " + baseUrl.redact() + "]";
    }

    /** Configures an {@link OpenAiProvider}. */
    public static final class Builder {
        private final ProviderSettings s = new ProviderSettings("openai");
        private String organization = "";
        private String project = "";

        private Builder() {
        }

        /** The API key; default: {@code OPENAI_API_KEY}. */
        public Builder apiKey(String value) {
            s.apiKey = value;
            return this;
        }

        /** The base URL, e.g. a proxy's; default: {@code OPENAI_BASE_URL}, else {@value #DEFAULT_BASE_URL}. */
        public Builder baseUrl(String value) {
            s.baseUrl = value;
            return this;
        }

        /** The organization header; default: {@code OPENAI_ORG_ID}. */
        public Builder organization(String value) {
            this.organization = value;
            return this;
        }

        /** The project header; default: {@code OPENAI_PROJECT_ID}. */
        public Builder project(String value) {
            this.project = value;
            return this;
        }

        /** An extra header on every request. */
        public Builder header(String name, String value) {
            s.header(name, value);
            return this;
        }

        /** The name this provider reports in errors; use the name it is registered under in the gate. Default "openai". */
        public Builder name(String value) {
            s.name = value;
            return this;
        }

        /** The OkHttp client to derive from (its pool and dispatcher are shared); default: one shared client. */
        public Builder httpClient(OkHttpClient value) {
            s.httpClient = value;
            return this;
        }

        public Builder timeouts(Timeouts value) {
            s.timeouts = value;
            return this;
        }

        /** Where environment variables are read from (for tests); default: {@link System#getenv()}. */
        public Builder environment(Map<String, String> value) {
            s.environment = value;
            return this;
        }

        /** @throws ConfigurationException if the key is missing or the base URL is invalid */
        public OpenAiProvider build() {
            String key = s.key("OPENAI_API_KEY").orElse("");
            if (key.isEmpty()) {
                s.problems.add("OpenAI provider '" + s.name + "' needs an API key: call .apiKey(...) or set OPENAI_API_KEY");
            }
            HttpUrl base = s.url("OPENAI_BASE_URL", DEFAULT_BASE_URL, "base URL");
            if (!s.problems.isEmpty()) {
                throw new ConfigurationException(s.problems);
            }
            Headers.Builder h = new Headers.Builder().add("Authorization", "Bearer " + key);
            String org = organization.isEmpty() ? s.environment.getOrDefault("OPENAI_ORG_ID", "") : organization;
            String proj = project.isEmpty() ? s.environment.getOrDefault("OPENAI_PROJECT_ID", "") : project;
            if (!org.isBlank()) {
                h.add("OpenAI-Organization", org.strip());
            }
            if (!proj.isBlank()) {
                h.add("OpenAI-Project", proj.strip());
            }
            s.headers.forEach(h::set);
            HttpTransport transport = new HttpTransport(s.name, s.client(), s.timeouts, key);
            HttpUrl chat = ProviderSettings.resolve(base, "chat/completions");
            HttpUrl embeddings = ProviderSettings.resolve(base, "embeddings");
            Headers headers = h.build();
            OpenAiFamilyClient client = new OpenAiFamilyClient(transport, m -> chat, m -> embeddings, () -> headers,
                    new OpenAiWire.Options("max_completion_tokens", true, true));
            return new OpenAiProvider(client, s.name, base);
        }
    }
}
