package dev.llmgate.providers.internal;

import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.Timeouts;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What every HTTP provider builder collects (key, base URL, headers, client, timeouts, environment)
 * and the checks they share. Problems are collected, not thrown, so that one
 * {@link dev.llmgate.api.exception.ConfigurationException} can list them all.
 */
public final class ProviderSettings {
    public String name;
    public String apiKey = "";
    public String baseUrl = "";
    public final Map<String, String> headers = new LinkedHashMap<>();
    public OkHttpClient httpClient;
    public Timeouts timeouts = Timeouts.DEFAULTS;
    public ResponseLimits limits = ResponseLimits.DEFAULTS;
    public Map<String, String> environment = System.getenv();
    public final List<String> problems = new ArrayList<>();

    public ProviderSettings(String defaultName) {
        this.name = defaultName;
    }

    /**
     * The key set on the builder, else the first environment variable that has one.
     *
     * @throws dev.llmgate.api.exception.ConfigurationException if the key has a character that cannot
     *         travel in an HTTP header (the message never quotes the key: OkHttp's own error would)
     */
    public Optional<String> key(String... envNames) {
        if (!apiKey.isBlank()) {
            return Optional.of(checkedKey(apiKey.strip(), "the API key passed to .apiKey(...)"));
        }
        for (String n : envNames) {
            String v = environment.get(n);
            if (v != null && !v.isBlank()) {
                return Optional.of(checkedKey(v.strip(), "the API key in " + n));
            }
        }
        return Optional.empty();
    }

    private String checkedKey(String key, String where) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                java.util.List<String> all = new ArrayList<>(problems);
                all.add(name + ": " + where + " contains " + (c < 0x80 ? "a space or control character" : "a non-ASCII character")
                        + " at position " + i + ", which cannot be sent in an HTTP header: copy the key again without"
                        + " stray spaces, line breaks or quotes");
                throw new dev.llmgate.api.exception.ConfigurationException(all);
            }
        }
        return key;
    }

    /** The base URL set on the builder, else from {@code envName}, else {@code fallback}; checked. */
    public HttpUrl url(String envName, String fallback, String what) {
        String raw = !baseUrl.isBlank() ? baseUrl : Optional.ofNullable(envName == null ? null : environment.get(envName))
                .filter(s -> !s.isBlank()).orElse(fallback);
        HttpUrl url = HttpUrl.parse(raw.strip());
        if (url == null) {
            problems.add(name + ": " + what + " '" + raw + "' is not an http(s) URL, e.g. https://api.example.com/v1");
            return HttpUrl.get("http://invalid.invalid/");
        }
        return url;
    }

    public OkHttpClient client() {
        return httpClient != null ? httpClient : SharedHttpClient.get();
    }

    /**
     * The provider's transport: on the user's client if one was set (its pool is the user's), else on
     * the shared client with a pool of the provider's own, which the provider's {@code close()} closes.
     */
    public HttpTransport transport(String apiKey) {
        return new HttpTransport(name, client(), httpClient == null, timeouts, limits, apiKey);
    }

    private static final java.util.Set<String> CREDENTIAL_HEADERS = java.util.Set.of("authorization", "api-key", "x-api-key",
            "x-goog-api-key", "proxy-authorization");

    /** Adds a header, refusing credential headers (set keys with {@code .apiKey(...)} so they stay masked). */
    public void header(String headerName, String value) {
        Objects.requireNonNull(headerName, "header name");
        Objects.requireNonNull(value, "value of header " + headerName);
        if (CREDENTIAL_HEADERS.contains(headerName.toLowerCase(java.util.Locale.ROOT))) {
            problems.add(name + ": header '" + headerName + "' carries credentials: set the key with .apiKey(...) (or the"
                    + " provider's token option) so that it is validated and kept out of messages");
            return;
        }
        try {
            okhttp3.Headers.of(headerName, value);
        } catch (IllegalArgumentException e) {
            problems.add(name + ": header '" + headerName + "' has a name or value that cannot be sent in HTTP (control or"
                    + " non-ASCII characters)");
            return;
        }
        headers.put(headerName, value);
    }

    /** Appends a path (e.g. "chat/completions") to a base URL, keeping its own path. */
    public static HttpUrl resolve(HttpUrl base, String path) {
        HttpUrl.Builder b = base.newBuilder();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                b.addPathSegment(segment);
            }
        }
        return b.build();
    }
}
