package dev.llmgate.providers.ollama;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.ProviderSettings;
import dev.llmgate.providers.ollama.internal.OllamaClient;
import okhttp3.Headers;
import okhttp3.HttpUrl;

/**
 * Ollama's native API: blocking and NDJSON-streamed chat ({@code /api/chat}), tools, JSON and JSON
 * Schema output ({@code format}), inline images, model options, and embeddings ({@code /api/embed}).
 * For Ollama's OpenAI-compatible {@code /v1} endpoint use
 * {@link dev.llmgate.providers.openai.OpenAiCompatibleProvider} instead.
 *
 * <p>Guarantees: a stream that ends without Ollama's {@code "done": true} line raises
 * {@link dev.llmgate.api.exception.StreamInterruptedException}; an unknown model raises
 * {@link dev.llmgate.api.exception.InvalidRequestException} that says to {@code ollama pull} it; an
 * optional key (for a hosted or proxied Ollama) is sent only as a bearer header and never appears in
 * {@code toString()} or exception messages.
 *
 * <p>Configuration: {@code OLLAMA_HOST} (e.g. {@code 127.0.0.1:11434} or {@code http://gpu-box:11434};
 * a missing scheme means {@code http}, a missing port 11434), default {@value #DEFAULT_BASE_URL};
 * {@code OLLAMA_API_KEY}, optional.
 */
public final class OllamaProvider implements ModelProvider {
    /** The default base URL: a local Ollama server. */
    public static final String DEFAULT_BASE_URL = "http://localhost:11434";

    private final OllamaClient client;
    private final String name;
    private final HttpUrl baseUrl;

    private OllamaProvider(OllamaClient client, String name, HttpUrl baseUrl) {
        this.client = client;
        this.name = name;
        this.baseUrl = baseUrl;
    }

    /** A builder; {@link Builder#build()} reads what is not set from the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /** A provider configured entirely from the environment ({@code OLLAMA_HOST}, else a local server). */
    public static OllamaProvider fromEnv() {
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
        return "OllamaProvider[" + name + ", " + baseUrl.redact() + "]";
    }

    /**
     * Turns an {@code OLLAMA_HOST}-style value into a URL the way Ollama's own client does: no scheme
     * means {@code http}, no port means 11434 ({@code 127.0.0.1:11434}, {@code gpu-box},
     * {@code [::1]:11434}, {@code :11434} all work); a value with a scheme is taken as it is.
     */
    static String normalizeHost(String raw) {
        String s = raw.strip();
        if (s.isEmpty() || s.contains("://")) {
            return s;
        }
        String hostPort = s;
        String path = "";
        int slash = s.indexOf('/');
        if (slash >= 0) {
            hostPort = s.substring(0, slash);
            path = s.substring(slash);
        }
        boolean bareIpv6 = !hostPort.startsWith("[") && hostPort.indexOf(':') != hostPort.lastIndexOf(':');
        if (bareIpv6) {
            hostPort = "[" + hostPort + "]";
        } else if (hostPort.isEmpty() || hostPort.startsWith(":")) {
            hostPort = "127.0.0.1" + hostPort;
        }
        if (hostPort.lastIndexOf(':') <= hostPort.lastIndexOf(']')) {
            hostPort = hostPort + ":11434";
        }
        return "http://" + hostPort + path;
    }

    /** Configures an {@link OllamaProvider}. Not thread-safe. */
    public static final class Builder extends HttpProviderBuilder<Builder> {
        /** What the shared setters collect (see {@link HttpProviderBuilder}). */
        private final ProviderSettings settings = ProviderSettings.of(this);

        private Builder() {
            super("ollama");
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The server, e.g. {@code http://gpu-box:11434} or {@code 127.0.0.1:11434}; default: {@code OLLAMA_HOST},
         * else {@value #DEFAULT_BASE_URL}.
         */
        public Builder baseUrl(String value) {
            settings.baseUrl = value;
            return this;
        }

        /** @throws ConfigurationException if the base URL (or {@code OLLAMA_HOST}) is not a valid URL */
        public OllamaProvider build() {
            String raw = !settings.baseUrl.isBlank()
                    ? settings.baseUrl
                    : settings.environment.getOrDefault("OLLAMA_HOST", "");
            String normalized = normalizeHost(raw);
            ProviderSettings.Check check = settings.check();
            HttpUrl base = check.parseUrl(
                    normalized.isBlank() ? DEFAULT_BASE_URL : normalized,
                    raw.equals(settings.environment.get("OLLAMA_HOST")) ? "OLLAMA_HOST" : "base URL");
            String key = check.key("OLLAMA_API_KEY").orElse("");
            check.throwIfProblems();
            Headers.Builder h = new Headers.Builder();
            if (!key.isEmpty()) {
                h.add("Authorization", "Bearer " + key);
            }
            check.headers().forEach(h::set);
            HttpTransport transport = settings.transport(key);
            return new OllamaProvider(new OllamaClient(transport, base, h.build()), settings.name, base);
        }
    }
}
