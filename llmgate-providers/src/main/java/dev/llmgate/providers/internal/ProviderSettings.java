package dev.llmgate.providers.internal;

import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.ResponseLimits;
import dev.llmgate.providers.Timeouts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What every HTTP provider builder collects (key, base URL, headers, client, timeouts, environment)
 * and the checks they share. The setters only record values; every check runs in {@link #check()},
 * which a builder's {@code build()} calls once, so that a build judges the settings as they are then
 * (a failed build is fixed by setting what was missing, and building twice reports the same problems
 * once). Problems are collected, not thrown, so that one
 * {@link dev.llmgate.api.exception.ConfigurationException} can list them all.
 */
public final class ProviderSettings {
    public String name;
    public String apiKey = "";
    public String baseUrl = "";
    /** The extra headers as set, in order; the ones {@link Check} refuses are never sent. */
    public final Map<String, String> headers = new LinkedHashMap<>();

    public OkHttpClient httpClient;
    public Timeouts timeouts = Timeouts.DEFAULTS;
    public ResponseLimits limits = ResponseLimits.DEFAULTS;
    public Map<String, String> environment = System.getenv();

    /** How {@link #of} reads a builder's settings: granted by {@link HttpProviderBuilder} when it loads. */
    private static volatile java.util.function.Function<HttpProviderBuilder<?>, ProviderSettings> access;

    /** Called once, by {@link HttpProviderBuilder}'s class initialisation: its settings stay out of the public API. */
    public static void grantAccess(java.util.function.Function<HttpProviderBuilder<?>, ProviderSettings> reader) {
        if (access != null) {
            throw new IllegalStateException("access to builder settings was granted already");
        }
        access = reader;
    }

    /** The settings of {@code builder} (for the concrete builders' {@code build()}). */
    public static ProviderSettings of(HttpProviderBuilder<?> builder) {
        java.util.function.Function<HttpProviderBuilder<?>, ProviderSettings> a = access;
        if (a == null) {
            throw new IllegalStateException("HttpProviderBuilder did not grant access to its settings");
        }
        return a.apply(builder);
    }

    public ProviderSettings(String defaultName) {
        this.name = defaultName;
    }

    /** Starts one {@code build()}: checks the extra headers and collects this build's problems, and only its own. */
    public Check check() {
        return new Check();
    }

    /**
     * One build's view of the settings: the checked extra headers and the problems found so far.
     * {@link #throwIfProblems()} ends the checking part of a build.
     */
    public final class Check {
        private final List<String> problems = new ArrayList<>();
        private final Map<String, String> acceptedHeaders = new LinkedHashMap<>();

        private Check() {
            headers.forEach(this::checkHeader);
        }

        /** Records a problem of this build. */
        public void problem(String text) {
            problems.add(text);
        }

        /** Throws every problem recorded, if there is one. */
        public void throwIfProblems() {
            if (!problems.isEmpty()) {
                throw new dev.llmgate.api.exception.ConfigurationException(problems);
            }
        }

        /** The extra headers that may be sent (credential and malformed ones are refused as problems). */
        public Map<String, String> headers() {
            return acceptedHeaders;
        }

        /**
         * The key set on the builder, else the first environment variable that has one. A key with a
         * character that cannot travel in an HTTP header is returned but recorded as a problem, whose text
         * never quotes the key (OkHttp's own error would).
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
                    problems.add(name + ": " + where + " contains "
                            + (c < 0x80 ? "a space or control character" : "a non-ASCII character")
                            + " at position " + i
                            + ", which cannot be sent in an HTTP header: copy the key again without"
                            + " stray spaces, line breaks or quotes");
                    break;
                }
            }
            return key;
        }

        /** The base URL set on the builder, else from {@code envName}, else {@code fallback}; checked. */
        public HttpUrl url(String envName, String fallback, String what) {
            String raw = !baseUrl.isBlank()
                    ? baseUrl
                    : Optional.ofNullable(envName == null ? null : environment.get(envName))
                            .filter(s -> !s.isBlank())
                            .orElse(fallback);
            return parseUrl(raw, what);
        }

        /** {@code raw} as a URL; a problem (and a placeholder URL) if it is none. */
        public HttpUrl parseUrl(String raw, String what) {
            HttpUrl url = HttpUrl.parse(raw.strip());
            if (url == null) {
                // (the value is not quoted: a key may stand in its query, or have been pasted in place of the URL)
                problems.add(name + ": " + what + " (" + raw.length() + " characters, not shown) is not an http(s) URL,"
                        + " e.g. https://api.example.com/v1");
                return HttpUrl.get("http://invalid.invalid/");
            }
            return url;
        }

        private void checkHeader(String headerName, String value) {
            if (CREDENTIAL_HEADERS.contains(headerName.toLowerCase(java.util.Locale.ROOT))) {
                problems.add(name + ": header '" + headerName
                        + "' carries credentials: set the key with .apiKey(...) (or the"
                        + " provider's token option) so that it is validated and kept out of messages");
                return;
            }
            if (headerName.isEmpty()) {
                problems.add(name + ": an extra header has an empty name: pass its name to .header(name, value)");
                return;
            }
            for (int i = 0; i < headerName.length(); i++) {
                char c = headerName.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    problems.add(name + ": the name of an extra header contains " + describe(c) + " at position "
                            + i + ", which cannot be sent in HTTP (the name is not shown): a header name is"
                            + " visible ASCII without spaces, e.g. Helicone-Auth");
                    return;
                }
            }
            if (headerValue(headerName, value, "its value")) {
                acceptedHeaders.put(headerName, value);
            }
        }

        /**
         * Whether {@code value}, exactly as it will be sent in header {@code headerName}, can be sent: OkHttp
         * sends only tabs and the characters from space to {@code ~}, and its own error would quote the value.
         * If it cannot, records a problem that names the header and the offending character's kind and
         * position, never the value (which may be a secret).
         *
         * @param source what the value is, for the message, e.g. {@code "its value"} or {@code "the value
         *               set with .organization(...) or OPENAI_ORG_ID"}
         */
        public boolean headerValue(String headerName, String value, String source) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c != '\t' && (c < 0x20 || c > 0x7e)) {
                    problems.add(name + ": header '" + headerName + "': " + source + " contains " + describe(c)
                            + " at position " + i + " (of " + value.length() + " characters), which cannot be"
                            + " sent in HTTP (the value is not shown): remove stray line breaks and control"
                            + " characters, and use only ASCII (letters, digits, punctuation, spaces, tabs)");
                    return false;
                }
            }
            return true;
        }

        private static String describe(char c) {
            if (c == '\n') {
                return "a line feed";
            }
            if (c == '\r') {
                return "a carriage return";
            }
            if (c == ' ') {
                return "a space";
            }
            if (c < 0x20 || c == 0x7f) {
                return String.format(java.util.Locale.ROOT, "a control character (0x%02x)", (int) c);
            }
            return "a non-ASCII character";
        }
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

    private static final java.util.Set<String> CREDENTIAL_HEADERS =
            java.util.Set.of("authorization", "api-key", "x-api-key", "x-goog-api-key", "proxy-authorization");

    /** Records an extra header; {@link #check()} refuses credential headers (keys are set with {@code .apiKey(...)} so they stay masked). */
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
