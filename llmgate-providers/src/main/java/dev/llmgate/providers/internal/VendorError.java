package dev.llmgate.providers.internal;

/**
 * An error as a vendor described it, already parsed from its body: message, type, code, and the
 * retry delay some vendors put in the body (Gemini's {@code RetryInfo.retryDelay}). Empty strings
 * for what the body did not say.
 */
record VendorError(String message, String type, String code, java.util.Optional<java.time.Duration> retryDelay) {
    public static final VendorError NONE = new VendorError("", "", "");

    /** An error without a retry delay in its body. */
    public VendorError(String message, String type, String code) {
        this(message, type, code, java.util.Optional.empty());
    }
}
