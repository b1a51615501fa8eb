package dev.llmgate.providers.openai;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.ProviderSettings;
import dev.llmgate.providers.openai.internal.OpenAiFamilyClient;
import dev.llmgate.providers.openai.internal.OpenAiWire;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * OpenAI's Chat Completions and Embeddings APIs: blocking and streamed chat (usage included),
 * tools and parallel tool calls, JSON Schema output, images, refusals, and
 * {@code max_completion_tokens} (which every current OpenAI model accepts, reasoning models included).
 *
 * <p>Configuration: {@code OPENAI_API_KEY} (required unless {@link Builder#apiKey} is set),
 * {@code OPENAI_BASE_URL}, {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID}. The key is sent only in
 * the {@code Authorization} header and never appears in {@code toString()}, exceptions or logs.
 */
public final class OpenAiProvider extends OpenAiFamilyProvider {
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    private OpenAiProvider(OpenAiFamilyClient client, String name, HttpUrl baseUrl) {
        super(client, name, baseUrl);
    }

    /** A builder; {@link Builder#build()} reads what is not set from the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /** A provider configured entirely from the environment ({@code OPENAI_API_KEY}, ...). */
    public static OpenAiProvider fromEnv() {
        return builder().build();
    }

    /** Configures an {@link OpenAiProvider}. */
    public static final class Builder extends HttpProviderBuilder<Builder> {
        /** What the shared setters collect (see {@link HttpProviderBuilder}). */
        private final ProviderSettings settings = ProviderSettings.of(this);

        private String organization = "";
        private String project = "";

        private Builder() {
            super("openai");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** The base URL, e.g. a proxy's; default: {@code OPENAI_BASE_URL}, else {@value #DEFAULT_BASE_URL}. */
        public Builder baseUrl(String value) {
            settings.baseUrl = value;
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

        /**
         * @throws ConfigurationException if the key is missing, the base URL is invalid, or a header (an extra
         *                                one, the organization, the project) holds a character that cannot be
         *                                sent in HTTP (named by position, never quoted)
         */
        public OpenAiProvider build() {
            ProviderSettings.Check check = settings.check();
            String key = check.key("OPENAI_API_KEY").orElse("");
            if (key.isEmpty()) {
                check.problem("OpenAI provider '" + settings.name
                        + "' needs an API key: call .apiKey(...) or set OPENAI_API_KEY");
            }
            HttpUrl base = check.url("OPENAI_BASE_URL", DEFAULT_BASE_URL, "base URL");
            String org = (organization.isEmpty()
                            ? settings.environment.getOrDefault("OPENAI_ORG_ID", "")
                            : organization)
                    .strip();
            String proj =
                    (project.isEmpty() ? settings.environment.getOrDefault("OPENAI_PROJECT_ID", "") : project).strip();
            check.headerValue("OpenAI-Organization", org, "the organization (.organization(...) or OPENAI_ORG_ID)");
            check.headerValue("OpenAI-Project", proj, "the project (.project(...) or OPENAI_PROJECT_ID)");
            check.throwIfProblems();
            Headers.Builder h = new Headers.Builder().add("Authorization", "Bearer " + key);
            if (!org.isEmpty()) {
                h.add("OpenAI-Organization", org);
            }
            if (!proj.isEmpty()) {
                h.add("OpenAI-Project", proj);
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
                    new OpenAiWire.Options("max_completion_tokens", true, true));
            return new OpenAiProvider(client, settings.name, base);
        }
    }
}
