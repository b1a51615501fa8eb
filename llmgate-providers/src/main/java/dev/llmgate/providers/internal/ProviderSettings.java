package dev.llmgate.providers.internal;

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
    public Map<String, String> environment = System.getenv();
    public final List<String> problems = new ArrayList<>();

    public ProviderSettings(String defaultName) {
        this.name = defaultName;
    }

    /** The key set on the builder, else the first environment variable that has one. */
    public Optional<String> key(String... envNames) {
        if (!apiKey.isBlank()) {
            return Optional.of(apiKey.strip());
        }
        for (String n : envNames) {
            String v = environment.get(n);
            if (v != null && !v.isBlank()) {
                return Optional.of(v.strip());
            }
        }
        return Optional.empty();
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

    /** Adds a header, refusing ones that would leak or conflict. */
    public void header(String headerName, String value) {
        Objects.requireNonNull(headerName, "header name");
        Objects.requireNonNull(value, "value of header " + headerName);
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
