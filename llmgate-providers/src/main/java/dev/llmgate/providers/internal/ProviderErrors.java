package dev.llmgate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.spi.CallContext;
import okhttp3.Headers;

/** Turns one provider's error answers into typed exceptions, with its key scrubbed from messages. */
public final class ProviderErrors {
    private final String provider;
    private final String apiKey;

    public ProviderErrors(String provider, String apiKey) {
        this.provider = provider;
        this.apiKey = apiKey;
    }

    public String provider() {
        return provider;
    }

    /** The exception for an error status with its (already read) body. */
    public LlmException fromStatus(int status, Headers headers, String body, CallContext call) {
        return ErrorMapping.map(provider, status, headers, VendorErrors.parse(body), call.clock(), apiKey);
    }

    /** The exception for an error reported inside a 2xx body or stream. */
    public LlmException inBody(JsonNode node, Headers headers, CallContext call) {
        return ErrorMapping.map(provider, 200, headers, VendorErrors.fromNode(node), call.clock(), apiKey);
    }
}
