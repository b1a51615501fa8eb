package dev.llmgate.core.routing;

import dev.llmgate.api.exception.ConfigurationException;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One place a route can send a request: a registered provider and one of its models. A deployment
 * with its own API key or endpoint (a second OpenAI project, an Azure region) is simply another
 * provider registered on the gate under its own name, e.g. {@code builder.provider("azure-eu", ...)}.
 *
 * <p>Guarantees: immutable; {@link #address()} is the {@code "provider:model"} the provider stage
 * understands and identifies the deployment (breaker state, latency, listeners).
 *
 * @param provider        the provider name registered with {@code LlmGate.Builder.provider}
 * @param model           the model as that provider names it
 * @param catalogProvider the model catalog's provider family used to price this deployment and find its
 *                        context window, e.g. {@code "openai"}, {@code "anthropic"}, {@code "gemini"}
 * @param weight          relative share for {@link Strategy#WEIGHTED}; at least 1
 * @param contextWindow   the context window in tokens; empty: take it from the catalog
 */
public record Deployment(String provider, String model, String catalogProvider, int weight, OptionalInt contextWindow) {

    public Deployment {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(catalogProvider, "catalogProvider");
        Objects.requireNonNull(contextWindow, "contextWindow: use OptionalInt.empty()");
        if (provider.isBlank() || provider.indexOf(':') >= 0) {
            throw new ConfigurationException(
                    "deployment provider '" + provider + "' must be a registered provider name (no ':')");
        }
        if (model.isBlank()) {
            throw new ConfigurationException("deployment of provider '" + provider + "' needs a model name");
        }
        if (weight < 1) {
            throw new ConfigurationException(
                    "weight of deployment " + provider + ":" + model + " must be at least 1, was " + weight);
        }
        if (contextWindow.isPresent() && contextWindow.getAsInt() < 1) {
            throw new ConfigurationException(
                    "context window of deployment " + provider + ":" + model + " must be positive");
        }
    }

    /**
     * The deployment {@code "provider:model"} (split at the first colon), weight 1, priced as the
     * catalog's family of the same name as the provider.
     */
    public static Deployment of(String address) {
        Objects.requireNonNull(address, "address");
        int colon = address.indexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new ConfigurationException(
                    "deployment '" + address + "' must be \"provider:model\", e.g. \"openai:gpt-4o-mini\"");
        }
        return builder(address.substring(0, colon), address.substring(colon + 1))
                .build();
    }

    /** A builder for {@code provider}'s {@code model}. */
    public static Builder builder(String provider, String model) {
        return new Builder(provider, model);
    }

    /** {@code "provider:model"}. */
    public String address() {
        return provider + ":" + model;
    }

    @Override
    public String toString() {
        return address();
    }

    /** Builds a {@link Deployment}. */
    public static final class Builder {
        private final String provider;
        private final String model;
        private String catalogProvider;
        private int weight = 1;
        private OptionalInt contextWindow = OptionalInt.empty();

        private Builder(String provider, String model) {
            this.provider = provider;
            this.model = model;
        }

        /** The catalog family to price this deployment with; default: the provider name. */
        public Builder catalogProvider(String family) {
            this.catalogProvider = Objects.requireNonNull(family, "catalogProvider");
            return this;
        }

        /** Relative share for weighted routing; default 1. */
        public Builder weight(int value) {
            this.weight = value;
            return this;
        }

        /** The context window in tokens, overriding the catalog. */
        public Builder contextWindow(int tokens) {
            this.contextWindow = OptionalInt.of(tokens);
            return this;
        }

        public Deployment build() {
            return new Deployment(
                    provider, model, catalogProvider == null ? provider : catalogProvider, weight, contextWindow);
        }
    }
}
