package dev.llmgate.providers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a wrapped client's calls enter a gate: the provider name they are recorded under, and which
 * of the gate's routes each requested model is sent to.
 *
 * <p>A requested model that is mapped to a route (by {@link Builder#route} or the
 * {@link Builder#defaultRoute default route}) reaches the chain as that route's alias, so the route's
 * retries, fallback, breakers and hedging apply; its deployments that name {@link #providerName()}
 * (e.g. {@code "openai:gpt-4o-mini"}) are sent through the wrapped client, deployments that name a
 * provider configured in the gate go to that provider. A model that is not mapped reaches the chain
 * as {@code "<providerName>:<model>"}: one attempt, no retries by the gate (the wrapped client's own
 * retries are then the one retry layer).
 *
 * <p>Requests the gate does not understand (anything but the chat endpoint of the wrapped client's
 * format: the OpenAI Responses API, embeddings, files, models, Anthropic token counting, ...) are
 * {@link OtherEndpoints#REFUSE refused} by default; {@link OtherEndpoints#PASS_AND_AUDIT} sends them on
 * unexamined and records each as a call in the chain (audit, budgets). Immutable.
 */
public final class WrapOptions {
    /** What a wrapped client's requests to endpoints the gate does not understand get. */
    public enum OtherEndpoints {
        /**
         * Refused without reaching upstream: a 403 in the client's wire format ({@code x-should-retry: false})
         * whose message names the method and path and this setting. The default: fails closed.
         */
        REFUSE,
        /**
         * Sent on unexamined (no policy can read them), each recorded as one call through the gate's
         * chain, addressed to {@code "<provider>:unexamined-<METHOD>-<path>"} (the path without its
         * query, {@code /} as {@code .}): audited, counted by budgets, never cached. A policy or budget
         * that refuses the call refuses the request.
         */
        PASS_AND_AUDIT
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String providerName;
    private final Map<String, String> routes;
    private final Optional<String> defaultRoute;
    private final OtherEndpoints otherEndpoints;

    private WrapOptions(Builder b) {
        this.providerName = b.providerName;
        this.routes = Collections.unmodifiableMap(new LinkedHashMap<>(b.routes));
        this.defaultRoute = b.defaultRoute;
        this.otherEndpoints = b.otherEndpoints;
    }

    /** Calls recorded as {@code providerName}, no model mapped to a route. */
    public static WrapOptions of(String providerName) {
        return builder(providerName).build();
    }

    /**
     * A builder for calls recorded as {@code providerName} (e.g. {@code "openai"}).
     *
     * @throws IllegalArgumentException if the name is not a provider name (letters, digits, {@code . _ -};
     *         no {@code ':'})
     */
    public static Builder builder(String providerName) {
        return new Builder(providerName);
    }

    /** The provider name the wrapped calls are recorded under. */
    public String providerName() {
        return providerName;
    }

    /** The explicit model-to-route map (requested model to route alias), in the order given. */
    public Map<String, String> routes() {
        return routes;
    }

    /** The route for models the map does not name, if any. */
    public Optional<String> defaultRoute() {
        return defaultRoute;
    }

    /** What requests to endpoints the gate does not understand get ({@link OtherEndpoints#REFUSE} by default). */
    public OtherEndpoints otherEndpoints() {
        return otherEndpoints;
    }

    /** The route a request for {@code model} goes to, if it is mapped to one. */
    public Optional<String> routeFor(String model) {
        String route = routes.get(model);
        return route != null ? Optional.of(route) : defaultRoute;
    }

    /** Every route these options name (explicit and default). */
    public Set<String> routeAliases() {
        Set<String> all = new LinkedHashSet<>(routes.values());
        defaultRoute.ifPresent(all::add);
        return Collections.unmodifiableSet(all);
    }

    @Override
    public String toString() {
        return "WrapOptions[" + providerName + ", routes=" + routes
                + defaultRoute.map(d -> ", default=" + d).orElse("") + "]";
    }

    /** Builds {@link WrapOptions}. */
    public static final class Builder {
        private final String providerName;
        private final Map<String, String> routes = new LinkedHashMap<>();
        private Optional<String> defaultRoute = Optional.empty();
        private OtherEndpoints otherEndpoints = OtherEndpoints.REFUSE;

        private Builder(String providerName) {
            Objects.requireNonNull(providerName, "providerName");
            if (!NAME.matcher(providerName).matches()) {
                throw new IllegalArgumentException("providerName must be a name of letters, digits, '.', '_' or '-'"
                        + " (no ':'), e.g. \"openai\"; was '" + providerName + "'");
            }
            this.providerName = providerName;
        }

        /** Sends requests for {@code model} (as the client names it) to the gate's route {@code routeAlias}. */
        public Builder route(String model, String routeAlias) {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(routeAlias, "routeAlias");
            if (model.isBlank() || routeAlias.isBlank()) {
                throw new IllegalArgumentException("route(model, routeAlias) needs a non-blank model and route alias");
            }
            routes.put(model, routeAlias);
            return this;
        }

        /** Sends requests for every model not named by {@link #route} to the gate's route {@code routeAlias}. */
        public Builder defaultRoute(String routeAlias) {
            Objects.requireNonNull(routeAlias, "routeAlias");
            if (routeAlias.isBlank()) {
                throw new IllegalArgumentException("defaultRoute needs a non-blank route alias");
            }
            this.defaultRoute = Optional.of(routeAlias);
            return this;
        }

        /** What requests to endpoints the gate does not understand get; {@link OtherEndpoints#REFUSE} by default. */
        public Builder otherEndpoints(OtherEndpoints value) {
            this.otherEndpoints = Objects.requireNonNull(value, "otherEndpoints");
            return this;
        }

        /** The options, immutable; later changes to this builder do not affect them. */
        public WrapOptions build() {
            return new WrapOptions(this);
        }
    }
}
