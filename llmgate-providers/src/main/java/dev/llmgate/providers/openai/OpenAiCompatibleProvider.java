package dev.llmgate.providers.openai;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.ProviderSettings;
import dev.llmgate.providers.openai.internal.OpenAiFamilyClient;
import dev.llmgate.providers.openai.internal.OpenAiWire;
import java.util.Objects;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * Any server that speaks OpenAI's Chat Completions format: vLLM, llama.cpp's llama-server, LM Studio,
 * Groq, Mistral, DeepSeek, Together, OpenRouter, Ollama's {@code /v1}, and the like. Configure the
 * base URL (ending in {@code /v1} or the vendor's equivalent), an optional key and extra headers.
 *
 * <p>Differences from OpenAI's own API are options: the output-limit field defaults to
 * {@code max_tokens} (what most servers accept), and the developer role is sent as {@code system}.
 */
public final class OpenAiCompatibleProvider extends OpenAiFamilyProvider {
    private OpenAiCompatibleProvider(OpenAiFamilyClient client, String name, HttpUrl baseUrl) {
        super(client, name, baseUrl);
    }

    /** A builder for a server at {@code baseUrl}, e.g. {@code "http://localhost:8000/v1"}. */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    /** Configures an {@link OpenAiCompatibleProvider}. */
    public static final class Builder extends HttpProviderBuilder<Builder> {
        /** What the shared setters collect (see {@link HttpProviderBuilder}). */
        private final ProviderSettings settings = ProviderSettings.of(this);

        private String maxTokensField = "max_tokens";
        private boolean developerRole;
        private String apiKeyEnv = "";

        private Builder(String baseUrl) {
            super("openai-compatible");
            settings.baseUrl = baseUrl;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** Read the bearer key from this environment variable (e.g. {@code GROQ_API_KEY}) and fail at build() if it is unset. */
        public Builder apiKeyFromEnv(String variable) {
            this.apiKeyEnv = variable;
            return this;
        }

        /** {@code "max_tokens"} (default) or {@code "max_completion_tokens"}. */
        public Builder maxTokensField(String value) {
            this.maxTokensField = Objects.requireNonNull(value, "maxTokensField");
            return this;
        }

        /** Whether the server understands the {@code developer} role; default false (sent as {@code system}). */
        public Builder developerRole(boolean value) {
            this.developerRole = value;
            return this;
        }

        /** @throws ConfigurationException if the base URL is invalid or a required key variable is unset */
        public OpenAiCompatibleProvider build() {
            ProviderSettings.Check check = settings.check();
            if (!maxTokensField.equals("max_tokens") && !maxTokensField.equals("max_completion_tokens")) {
                check.problem("maxTokensField must be \"max_tokens\" or \"max_completion_tokens\", was '"
                        + maxTokensField + "'");
            }
            String key = apiKeyEnv.isEmpty()
                    ? check.key().orElse("")
                    : check.key(apiKeyEnv).orElse("");
            if (!apiKeyEnv.isEmpty() && key.isEmpty()) {
                check.problem("provider '" + settings.name + "' reads its key from " + apiKeyEnv
                        + ", which is not set: set it or call .apiKey(...)");
            }
            if (settings.baseUrl.isBlank()) {
                check.problem("provider '" + settings.name + "' needs a base URL, e.g. http://localhost:8000/v1");
            }
            HttpUrl base = check.url(null, settings.baseUrl, "base URL");
            check.throwIfProblems();
            Headers.Builder h = new Headers.Builder();
            if (!key.isEmpty()) {
                h.add("Authorization", "Bearer " + key);
            }
            check.headers().forEach(h::set);
            HttpTransport transport = settings.transport(key);
            HttpUrl chat = ProviderSettings.resolve(base, "chat/completions");
            HttpUrl embeddings = ProviderSettings.resolve(base, "embeddings");
            Headers headers = h.build();
            OpenAiFamilyClient client = new OpenAiFamilyClient(
                    transport,
                    m -> chat,
                    m -> embeddings,
                    () -> headers,
                    new OpenAiWire.Options(maxTokensField, developerRole, true));
            return new OpenAiCompatibleProvider(client, settings.name, base);
        }
    }
}
