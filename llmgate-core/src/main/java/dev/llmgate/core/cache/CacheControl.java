package dev.llmgate.core.cache;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-request cache controls. They travel as request metadata attributes (documented keys below),
 * so they never reach the provider and are excluded from the cache key by construction: a request
 * with {@code refresh} has the same key as one without, and refreshes that entry.
 *
 * <pre>{@code
 * ChatRequest fresh = CacheControl.refresh().applyTo(request);
 * ChatRequest shortLived = CacheControl.ttl(Duration.ofMinutes(5)).withNamespace("tenant-42").applyTo(request);
 * }</pre>
 *
 * <table>
 *   <caption>Metadata attributes</caption>
 *   <tr><th>key</th><th>values</th></tr>
 *   <tr><td>{@value #MODE_ATTRIBUTE}</td><td>{@code bypass}, {@code refresh}, {@code no-store} (or {@code default})</td></tr>
 *   <tr><td>{@value #TTL_ATTRIBUTE}</td><td>an ISO-8601 duration, e.g. {@code PT5M}; positive</td></tr>
 *   <tr><td>{@value #NAMESPACE_ATTRIBUTE}</td><td>a non-blank namespace; overrides the metadata's tenant</td></tr>
 * </table>
 *
 * @param mode      what the cache may do with this request
 * @param ttl       how long this request's answer stays cached; empty uses the cache's TTL
 * @param namespace the namespace for this request; empty uses the tenant, then the cache's default
 */
public record CacheControl(Mode mode, Optional<Duration> ttl, Optional<String> namespace) {

    /** Metadata attribute holding the {@link Mode}. */
    public static final String MODE_ATTRIBUTE = "llmgate.cache";
    /** Metadata attribute holding the TTL override as an ISO-8601 duration. */
    public static final String TTL_ATTRIBUTE = "llmgate.cache.ttl";
    /** Metadata attribute holding the namespace override. */
    public static final String NAMESPACE_ATTRIBUTE = "llmgate.cache.namespace";

    /** No override: read, coalesce and store as configured. */
    public static final CacheControl DEFAULT = new CacheControl(Mode.DEFAULT, Optional.empty(), Optional.empty());

    /** What the cache may do with one request. */
    public enum Mode {
        /** Read, coalesce and store (the default). Attribute value {@code default}. */
        DEFAULT("default"),
        /** Neither read nor store nor coalesce: as if there were no cache. Attribute value {@code bypass}. */
        BYPASS("bypass"),
        /** Do not read or coalesce; call the provider and store the answer, replacing the entry. Attribute value {@code refresh}. */
        REFRESH("refresh"),
        /** Read (and join an identical in-flight request) but never store this request's answer. Attribute value {@code no-store}. */
        NO_STORE("no-store");

        private final String attributeValue;

        Mode(String attributeValue) {
            this.attributeValue = attributeValue;
        }

        /** The value of {@value CacheControl#MODE_ATTRIBUTE} that selects this mode. */
        public String attributeValue() {
            return attributeValue;
        }
    }

    public CacheControl {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(ttl, "ttl: use Optional.empty()");
        Objects.requireNonNull(namespace, "namespace: use Optional.empty()");
        if (ttl.isPresent() && (ttl.get().isNegative() || ttl.get().isZero())) {
            throw new IllegalArgumentException("a cache TTL must be positive, was " + ttl.get()
                    + "; to keep an answer out of the cache use CacheControl.noStore()");
        }
        if (namespace.isPresent() && namespace.get().isBlank()) {
            throw new IllegalArgumentException("a cache namespace must not be blank");
        }
    }

    /** Skip the cache for this request. */
    public static CacheControl bypass() {
        return DEFAULT.withMode(Mode.BYPASS);
    }

    /** Fetch a fresh answer and store it. */
    public static CacheControl refresh() {
        return DEFAULT.withMode(Mode.REFRESH);
    }

    /** May be answered from the cache, but its own answer is not stored. */
    public static CacheControl noStore() {
        return DEFAULT.withMode(Mode.NO_STORE);
    }

    /** Store this request's answer for {@code value} instead of the cache's TTL. */
    public static CacheControl ttl(Duration value) {
        return DEFAULT.withTtl(value);
    }

    /** Use {@code value} as this request's namespace. */
    public static CacheControl namespace(String value) {
        return DEFAULT.withNamespace(value);
    }

    /** This control with another mode. */
    public CacheControl withMode(Mode value) {
        return new CacheControl(value, ttl, namespace);
    }

    /** This control with a TTL override. */
    public CacheControl withTtl(Duration value) {
        return new CacheControl(mode, Optional.of(value), namespace);
    }

    /** This control with a namespace override. */
    public CacheControl withNamespace(String value) {
        return new CacheControl(mode, ttl, Optional.of(value));
    }

    /** {@code metadata} carrying this control (its attributes replaced; other attributes kept). */
    public Metadata applyTo(Metadata metadata) {
        Map<String, String> attributes = new HashMap<>(metadata.attributes());
        attributes.remove(MODE_ATTRIBUTE);
        attributes.remove(TTL_ATTRIBUTE);
        attributes.remove(NAMESPACE_ATTRIBUTE);
        if (mode != Mode.DEFAULT) {
            attributes.put(MODE_ATTRIBUTE, mode.attributeValue());
        }
        ttl.ifPresent(d -> attributes.put(TTL_ATTRIBUTE, d.toString()));
        namespace.ifPresent(n -> attributes.put(NAMESPACE_ATTRIBUTE, n));
        return new Metadata(metadata.tenant(), metadata.user(), metadata.tags(), attributes);
    }

    /** {@code request} carrying this control in its metadata. */
    public ChatRequest applyTo(ChatRequest request) {
        return request.toBuilder().metadata(applyTo(request.metadata())).build();
    }

    /**
     * The control a request's metadata carries; {@link #DEFAULT} if none.
     *
     * @throws InvalidRequestException if an attribute has a value this class does not accept
     */
    public static CacheControl from(Metadata metadata) {
        Map<String, String> attributes = metadata.attributes();
        if (attributes.isEmpty()) {
            return DEFAULT;
        }
        String modeValue = attributes.get(MODE_ATTRIBUTE);
        String ttlValue = attributes.get(TTL_ATTRIBUTE);
        String namespaceValue = attributes.get(NAMESPACE_ATTRIBUTE);
        if (modeValue == null && ttlValue == null && namespaceValue == null) {
            return DEFAULT;
        }
        Mode mode = Mode.DEFAULT;
        if (modeValue != null) {
            mode = parseMode(modeValue);
        }
        Optional<Duration> ttl = Optional.empty();
        if (ttlValue != null) {
            try {
                ttl = Optional.of(Duration.parse(ttlValue.strip()));
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException(
                        "metadata attribute " + TTL_ATTRIBUTE + " must be an ISO-8601 duration such as PT5M"
                                + " or PT1H, was '" + abbreviate(ttlValue) + "'",
                        ErrorDetails.NONE);
            }
            if (ttl.get().isNegative() || ttl.get().isZero()) {
                throw new InvalidRequestException(
                        "metadata attribute " + TTL_ATTRIBUTE + " must be a positive duration, was " + ttl.get()
                                + "; to keep an answer out of the cache set " + MODE_ATTRIBUTE + "=no-store",
                        ErrorDetails.NONE);
            }
        }
        Optional<String> namespace = Optional.empty();
        if (namespaceValue != null) {
            if (namespaceValue.isBlank()) {
                throw new InvalidRequestException(
                        "metadata attribute " + NAMESPACE_ATTRIBUTE + " must not be blank", ErrorDetails.NONE);
            }
            namespace = Optional.of(namespaceValue);
        }
        return new CacheControl(mode, ttl, namespace);
    }

    private static Mode parseMode(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (Mode m : Mode.values()) {
            if (m.attributeValue.equals(v)) {
                return m;
            }
        }
        throw new InvalidRequestException(
                "metadata attribute " + MODE_ATTRIBUTE + " must be one of default, bypass, refresh,"
                        + " no-store; was '" + abbreviate(value) + "'",
                ErrorDetails.NONE);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
