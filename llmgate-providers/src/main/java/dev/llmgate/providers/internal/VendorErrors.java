package dev.llmgate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the error bodies of every supported vendor into a {@link VendorError}:
 * OpenAI/Azure/compatible {@code {"error":{"message","type","code"}}}, Anthropic
 * {@code {"type":"error","error":{"type","message"}}}, Gemini
 * {@code {"error":{"code","message","status","details":[{"reason"}]}}} and Ollama
 * {@code {"error":"message"}}. A body that is not JSON becomes a message of its first characters.
 */
public final class VendorErrors {
    private VendorErrors() {}

    public static VendorError parse(String body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            return new VendorError(body.strip(), "", "");
        }
        if (root == null) {
            return VendorError.NONE;
        }
        return fromNode(root);
    }

    /** Reads an already-parsed error body (or stream event). */
    public static VendorError fromNode(JsonNode root) {
        if (root.isArray() && root.size() > 0) {
            root = root.get(0);
        }
        JsonNode error = root.get("error");
        if (error == null) {
            return new VendorError(Json.text(root, "message"), Json.text(root, "type"), Json.text(root, "code"));
        }
        if (error.isTextual()) {
            return new VendorError(error.asText(), "", "");
        }
        String type = Json.text(error, "type");
        if (type.isEmpty()) {
            type = Json.text(error, "status");
        }
        String code = Json.text(error, "code");
        java.util.Optional<java.time.Duration> retryDelay = java.util.Optional.empty();
        JsonNode details = error.get("details");
        if (details != null && details.isArray()) {
            boolean reasonFound = false;
            for (JsonNode d : details) {
                String reason = Json.text(d, "reason");
                if (!reason.isEmpty() && !reasonFound) {
                    code = reason;
                    reasonFound = true;
                }
                String delay = Json.text(d, "retryDelay");
                if (!delay.isEmpty()) {
                    retryDelay = RetryAfter.goDuration(delay);
                }
            }
        }
        return new VendorError(Json.text(error, "message"), type, code, retryDelay);
    }
}
