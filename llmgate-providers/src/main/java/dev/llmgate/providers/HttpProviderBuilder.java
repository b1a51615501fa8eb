package dev.llmgate.providers;

import dev.llmgate.providers.internal.ProviderSettings;
import java.util.Map;
import java.util.Objects;
import okhttp3.OkHttpClient;

/**
 * The settings every HTTP provider's builder shares: key, extra headers, reported name, OkHttp
 * client, time limits, response size limits and where environment variables are read from. Each provider's class
 * documentation names its environment variables and defaults. Setters only record; the provider's
 * {@code build()} checks the settings (and reads the environment) as they are when it is called, and
 * reports every problem together as a {@link dev.llmgate.api.exception.ConfigurationException}. So a
 * builder whose build failed builds once the missing setting is set, building twice reports the same
 * problems, and a refused header fails every build of that builder.
 *
 * <p>Extended only by llmgate's own provider builders.
 *
 * @param <B> the concrete builder, returned by every setter so calls chain
 */
public abstract sealed class HttpProviderBuilder<B extends HttpProviderBuilder<B>>
        permits dev.llmgate.providers.openai.OpenAiProvider.Builder,
                dev.llmgate.providers.openai.AzureOpenAiProvider.Builder,
                dev.llmgate.providers.openai.OpenAiCompatibleProvider.Builder,
                dev.llmgate.providers.anthropic.AnthropicProvider.Builder,
                dev.llmgate.providers.gemini.GeminiProvider.Builder,
                dev.llmgate.providers.ollama.OllamaProvider.Builder {
    /** What the setters collect; the concrete builder's {@code build()} reads it through {@link ProviderSettings#of}. */
    private final ProviderSettings settings;

    static {
        ProviderSettings.grantAccess(b -> b.settings);
    }

    /** For llmgate's own provider builders only (the class is sealed). */
    protected HttpProviderBuilder(String defaultName) {
        this.settings = new ProviderSettings(defaultName);
    }

    /** This builder as its concrete type. */
    protected abstract B self();

    /** The API key; default: the provider's environment variable. Sent only in headers, never shown. */
    public B apiKey(String value) {
        settings.apiKey = Objects.requireNonNull(value, "apiKey");
        return self();
    }

    /**
     * An extra header on every request. {@code build()} refuses credential headers ({@code Authorization},
     * {@code api-key}, {@code x-api-key}, {@code x-goog-api-key}, {@code Proxy-Authorization}; use
     * {@link #apiKey}) and headers that cannot be sent in HTTP, without quoting their values.
     */
    public B header(String name, String value) {
        settings.header(name, value);
        return self();
    }

    /** The name this provider reports in errors; use the name it is registered under in the gate. */
    public B name(String value) {
        settings.name = Objects.requireNonNull(value, "name");
        return self();
    }

    /**
     * The OkHttp client to derive from (its pool, dispatcher, proxy and TLS apply; the provider's
     * {@code close()} cancels its own calls but leaves this client's pool to you); default: one shared
     * client, with a connection pool of the provider's own that {@code close()} closes.
     */
    public B httpClient(OkHttpClient value) {
        settings.httpClient = Objects.requireNonNull(value, "httpClient");
        return self();
    }

    /** Connect, call, read and first-token limits; default {@link Timeouts#DEFAULTS}. */
    public B timeouts(Timeouts value) {
        settings.timeouts = Objects.requireNonNull(value, "timeouts");
        return self();
    }

    /** How much of an answer is read at most; default {@link ResponseLimits#DEFAULTS}. */
    public B responseLimits(ResponseLimits value) {
        settings.limits = Objects.requireNonNull(value, "responseLimits");
        return self();
    }

    /** Where environment variables are read from (for tests); default: {@link System#getenv()}. */
    public B environment(Map<String, String> value) {
        settings.environment = Objects.requireNonNull(value, "environment");
        return self();
    }
}
