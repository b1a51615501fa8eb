package dev.llmgate.core.internal;

/**
 * A parsed {@code "provider:model"} address. The provider is everything before the first colon, so
 * model names with colons (Ollama's {@code llama3.2:1b}) survive.
 */
public record ModelAddress(String provider, String model) {

    /** Parses {@code address}; empty provider or model parts make it not an address. */
    public static java.util.Optional<ModelAddress> parse(String address) {
        int colon = address.indexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new ModelAddress(address.substring(0, colon), address.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return provider + ":" + model;
    }
}
