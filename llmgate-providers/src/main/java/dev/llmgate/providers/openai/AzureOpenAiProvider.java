package dev.llmgate.providers.openai;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.ProviderSettings;
import dev.llmgate.providers.openai.internal.OpenAiFamilyClient;
import dev.llmgate.providers.openai.internal.OpenAiWire;
import java.util.Objects;
import java.util.function.Supplier;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * Azure OpenAI: the Chat Completions format at deployment URLs,
 * {@code {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...}. The model
 * part of a request's address is the <em>deployment name</em> ({@code "azure:my-gpt4o-deployment"}).
 *
 * <p>Authentication: an {@code api-key} header ({@code AZURE_OPENAI_API_KEY}) or a bearer token
 * from a supplier (Microsoft Entra ID), fetched per request so rotated tokens are used. Azure's
 * content-filter errors become {@link dev.llmgate.api.exception.ContentFilteredException} and its
 * {@code content_filter} finish reason {@link dev.llmgate.api.FinishReason#CONTENT_FILTER}.
 * Environment: {@code AZURE_OPENAI_ENDPOINT}, {@code AZURE_OPENAI_API_KEY},
 * {@code AZURE_OPENAI_API_VERSION} (or {@code OPENAI_API_VERSION}).
 */
public final class AzureOpenAiProvider extends OpenAiFamilyProvider {
    /** The default {@code api-version}: the current GA version at the time of writing. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    private AzureOpenAiProvider(OpenAiFamilyClient client, String name, HttpUrl endpoint) {
        super(client, name, endpoint);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A provider configured entirely from the environment. */
    public static AzureOpenAiProvider fromEnv() {
        return builder().build();
    }

    /** Configures an {@link AzureOpenAiProvider}. */
    public static final class Builder extends HttpProviderBuilder<Builder> {
        /** What the shared setters collect (see {@link HttpProviderBuilder}). */
        private final ProviderSettings settings = ProviderSettings.of(this);

        private String apiVersion = "";
        private Supplier<String> bearerToken;

        private Builder() {
            super("azure");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** The resource endpoint, e.g. {@code https://my-resource.openai.azure.com}; default: {@code AZURE_OPENAI_ENDPOINT}. */
        public Builder endpoint(String value) {
            settings.baseUrl = value;
            return this;
        }

        /** A bearer token supplier (Entra ID) used instead of an api-key; called for every request. */
        public Builder bearerToken(Supplier<String> value) {
            this.bearerToken = Objects.requireNonNull(value, "bearerToken");
            return this;
        }

        /** The {@code api-version} query parameter; default: the environment's, else {@value #DEFAULT_API_VERSION}. */
        public Builder apiVersion(String value) {
            this.apiVersion = value;
            return this;
        }

        /** @throws ConfigurationException if the endpoint or the credentials are missing */
        public AzureOpenAiProvider build() {
            ProviderSettings.Check check = settings.check();
            String key = check.key("AZURE_OPENAI_API_KEY").orElse("");
            if (key.isEmpty() && bearerToken == null) {
                check.problem("Azure OpenAI provider '" + settings.name
                        + "' needs credentials: call .apiKey(...), set AZURE_OPENAI_API_KEY,"
                        + " or call .bearerToken(...) for Entra ID");
            }
            String endpointText = settings.baseUrl.isBlank()
                    ? settings.environment.getOrDefault("AZURE_OPENAI_ENDPOINT", "")
                    : settings.baseUrl;
            if (endpointText.isBlank()) {
                check.problem("Azure OpenAI provider '" + settings.name
                        + "' needs an endpoint: call .endpoint(\"https://<resource>.openai.azure.com\")"
                        + " or set AZURE_OPENAI_ENDPOINT");
            }
            HttpUrl endpoint =
                    check.parseUrl(endpointText.isBlank() ? "http://unset.invalid" : endpointText, "endpoint");
            String version = !apiVersion.isBlank()
                    ? apiVersion
                    : settings.environment.getOrDefault(
                            "AZURE_OPENAI_API_VERSION",
                            settings.environment.getOrDefault("OPENAI_API_VERSION", DEFAULT_API_VERSION));
            check.throwIfProblems();
            Headers.Builder h = new Headers.Builder();
            if (!key.isEmpty()) {
                h.add("api-key", key);
            }
            check.headers().forEach(h::set);
            Headers fixed = h.build();
            Supplier<String> token = bearerToken;
            String providerName = settings.name;
            Supplier<Headers> headers = token == null
                    ? () -> fixed
                    : () -> fixed.newBuilder()
                            .set("Authorization", "Bearer " + bearer(token, providerName))
                            .build();
            HttpTransport transport = settings.transport(key);
            String v = version.strip();
            OpenAiFamilyClient client = new OpenAiFamilyClient(
                    transport,
                    deployment -> deploymentUrl(endpoint, deployment, "chat/completions", v),
                    deployment -> deploymentUrl(endpoint, deployment, "embeddings", v),
                    headers,
                    new OpenAiWire.Options("max_completion_tokens", true, false));
            return new AzureOpenAiProvider(client, settings.name, endpoint);
        }

        private static String bearer(Supplier<String> supplier, String providerName) {
            String token;
            try {
                token = supplier.get();
            } catch (RuntimeException e) {
                throw new dev.llmgate.api.exception.AuthenticationException(
                        "the bearer token supplier failed (" + e.getClass().getSimpleName() + ")",
                        dev.llmgate.api.exception.ErrorDetails.of(providerName),
                        e);
            }
            if (token == null || token.isBlank()) {
                throw new dev.llmgate.api.exception.AuthenticationException(
                        "the bearer token supplier returned no token",
                        dev.llmgate.api.exception.ErrorDetails.of(providerName));
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    throw new dev.llmgate.api.exception.AuthenticationException(
                            "the bearer token has a character that cannot be" + " sent in an HTTP header",
                            dev.llmgate.api.exception.ErrorDetails.of(providerName));
                }
            }
            return token;
        }

        private static HttpUrl deploymentUrl(HttpUrl endpoint, String deployment, String operation, String version) {
            return ProviderSettings.resolve(endpoint, "openai/deployments")
                    .newBuilder()
                    .addPathSegment(deployment)
                    .addPathSegments(operation)
                    .addQueryParameter("api-version", version)
                    .build();
        }
    }
}
