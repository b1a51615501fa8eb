package dev.llmgate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.spi.CallContext;
import okhttp3.Headers;

/**
 * One provider's error translation: turns its error answers into typed exceptions, and holds the
 * {@link Secrets} through which every upstream string (error fields, headers, I/O failure messages,
 * causes) passes before it reaches an exception. Immutable, thread-safe.
 */
public final class ProviderErrors {
    private final String provider;
    private final Secrets secrets;

    public ProviderErrors(String provider, String apiKey) {
        this.provider = provider;
        this.secrets = Secrets.of(apiKey);
    }

    public String provider() {
        return provider;
    }

    /** This provider's scrubber. */
    public Secrets secrets() {
        return secrets;
    }

    /** The exception for an error status with its (already read, bounded) body. */
    public LlmException fromStatus(int status, Headers headers, String body, CallContext call) {
        return ErrorMapping.map(provider, status, headers, VendorErrors.parse(body), call.clock(), secrets);
    }

    /**
     * Like {@link #fromStatus(int, Headers, String, CallContext)}, with the vendor's message also cleared of what
     * repeats the request's texts ({@link RequestEcho}).
     */
    public LlmException fromStatus(int status, Headers headers, String body, CallContext call, RequestEcho echo) {
        return ErrorMapping.map(provider, status, headers, VendorErrors.parse(body), call.clock(), secrets, echo);
    }

    /** The exception for an error reported inside a 2xx body or stream. */
    public LlmException inBody(JsonNode node, Headers headers, CallContext call) {
        return ErrorMapping.map(provider, 200, headers, VendorErrors.fromNode(node), call.clock(), secrets);
    }
}
