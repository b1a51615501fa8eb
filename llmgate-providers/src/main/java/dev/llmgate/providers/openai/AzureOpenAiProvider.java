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
import java.util.Objects;
import java.util.function.Supplier;

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
public final class AzureOpenAiProvider implements ModelProvider {
    /** The default {@code api-version}: the current GA version at the time of writing. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    private final OpenAiFamilyClient client;
    private final String name;
    private final HttpUrl endpoint;

    private AzureOpenAiProvider(OpenAiFamilyClient client, String name, HttpUrl endpoint) {
        this.client = client;
        this.name = name;
        this.endpoint = endpoint;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A provider configured entirely from the environment. */
    public static AzureOpenAiProvider fromEnv() {
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
        return "AzureOpenAiProvider[" + name + ", " + endpoint.redact() + "]";
    }

    /** Configures an {@link AzureOpenAiProvider}. */
    public static final class Builder {
        private final ProviderSettings s = new ProviderSettings("azure");
        private String apiVersion = "";
        private Supplier<String> bearerToken;

        private Builder() {
        }

        /** The resource endpoint, e.g. {@code https://my-resource.openai.azure.com}; default: {@code AZURE_OPENAI_ENDPOINT}. */
        public Builder endpoint(String value) {
            s.baseUrl = value;
            return this;
        }

        /** The {@code api-key}; default: {@code AZURE_OPENAI_API_KEY}. */
        public Builder apiKey(String value) {
            s.apiKey = value;
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

        public Builder header(String name, String value) {
            s.header(name, value);
            return this;
        }

        /** The name this provider reports in errors; use the name it is registered under. Default "azure". */
        public Builder name(String value) {
            s.name = value;
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

        /** @throws ConfigurationException if the endpoint or the credentials are missing */
        public AzureOpenAiProvider build() {
            String key = s.key("AZURE_OPENAI_API_KEY").orElse("");
            if (key.isEmpty() && bearerToken == null) {
                s.problems.add("Azure OpenAI provider '" + s.name + "' needs credentials: call .apiKey(...), set AZURE_OPENAI_API_KEY,"
                        + " or call .bearerToken(...) for Entra ID");
            }
            String endpointText = s.baseUrl.isBlank() ? s.environment.getOrDefault("AZURE_OPENAI_ENDPOINT", "") : s.baseUrl;
            if (endpointText.isBlank()) {
                s.problems.add("Azure OpenAI provider '" + s.name + "' needs an endpoint: call .endpoint(\"https://<resource>.openai.azure.com\")"
                        + " or set AZURE_OPENAI_ENDPOINT");
            }
            s.baseUrl = endpointText;
            HttpUrl endpoint = s.url(null, endpointText.isBlank() ? "http://unset.invalid" : endpointText, "endpoint");
            String version = !apiVersion.isBlank() ? apiVersion
                    : s.environment.getOrDefault("AZURE_OPENAI_API_VERSION", s.environment.getOrDefault("OPENAI_API_VERSION", DEFAULT_API_VERSION));
            if (!s.problems.isEmpty()) {
                throw new ConfigurationException(s.problems);
            }
            Headers.Builder h = new Headers.Builder();
            if (!key.isEmpty()) {
                h.add("api-key", key);
            }
            s.headers.forEach(h::set);
            Headers fixed = h.build();
            Supplier<String> token = bearerToken;
            String providerName = s.name;
            Supplier<Headers> headers = token == null ? () -> fixed : () -> fixed.newBuilder()
                    .set("Authorization", "Bearer " + bearer(token, providerName)).build();
            HttpTransport transport = new HttpTransport(s.name, s.client(), s.timeouts, key);
            String v = version.strip();
            OpenAiFamilyClient client = new OpenAiFamilyClient(transport,
                    deployment -> deploymentUrl(endpoint, deployment, "chat/completions", v),
                    deployment -> deploymentUrl(endpoint, deployment, "embeddings", v),
                    headers, new OpenAiWire.Options("max_completion_tokens", true, false));
            return new AzureOpenAiProvider(client, s.name, endpoint);
        }

        private static String bearer(Supplier<String> supplier, String providerName) {
            String token;
            try {
                token = supplier.get();
            } catch (RuntimeException e) {
                throw new dev.llmgate.api.exception.AuthenticationException("the bearer token supplier failed ("
                        + e.getClass().getSimpleName() + ")", dev.llmgate.api.exception.ErrorDetails.of(providerName), e);
            }
            if (token == null || token.isBlank()) {
                throw new dev.llmgate.api.exception.AuthenticationException("the bearer token supplier returned no token",
                        dev.llmgate.api.exception.ErrorDetails.of(providerName));
            }
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    throw new dev.llmgate.api.exception.AuthenticationException("the bearer token has a character that cannot be"
                            + " sent in an HTTP header", dev.llmgate.api.exception.ErrorDetails.of(providerName));
                }
            }
            return token;
        }

        private static HttpUrl deploymentUrl(HttpUrl endpoint, String deployment, String operation, String version) {
            return ProviderSettings.resolve(endpoint, "openai/deployments").newBuilder()
                    .addPathSegment(deployment)
                    .addPathSegments(operation)
                    .addQueryParameter("api-version", version)
                    .build();
        }
    }
}
