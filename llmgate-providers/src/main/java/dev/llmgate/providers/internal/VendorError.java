package dev.llmgate.providers.internal;

/**
 * An error as a vendor described it, already parsed from its body: message, type, code. Empty
 * strings for what the body did not say.
 */
public record VendorError(String message, String type, String code) {
    public static final VendorError NONE = new VendorError("", "", "");
}
