package dev.llmgate.core.routing;

import dev.llmgate.api.exception.ConfigurationException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link Router} does with calls to one alias: its deployments, the strategy that orders them,
 * rules that narrow them by request, which error classes fall over, retries, the attempt cap, the
 * call deadline, an answer check and optional hedging. Build one with {@link #builder(String)}.
 *
 * <p>Guarantees: immutable and validated on {@link Builder#build()} (every problem reported
 * together as a {@link ConfigurationException}). A call to the alias makes at most
 * {@code maxAttempts} attempts in all (retries, fallbacks and hedges together), so no
 * configuration can loop.
 *
 * @param alias         the model name callers use, e.g. {@code "smart"}
 * @param deployments   where calls can go, at least one, unique addresses
 * @param strategy      how they are ordered per call
 * @param rules         rule-based narrowing, first match wins
 * @param fallbackOn    error classes that move on to the next deployment
 * @param retry         retries on the same deployment
 * @param maxAttempts   the most attempts of one call, at least 1
 * @param deadline      the whole call's time limit (backoff waits included), if any
 * @param responseCheck judges answers; a rejected one moves on to the next deployment
 * @param hedgeAfter    if set, a second request goes to the next deployment when the first has not answered
 *                      (streams: not produced its first token) within this delay; the first success wins
 */
public record Route(String alias, List<Deployment> deployments, Strategy strategy, List<RouteRule> rules, Set<ErrorClass> fallbackOn,
                    RetryPolicy retry, int maxAttempts, Optional<Duration> deadline, Optional<ResponseCheck> responseCheck,
                    Optional<Duration> hedgeAfter) {

    public Route {
        Objects.requireNonNull(alias, "alias");
        deployments = List.copyOf(deployments);
        Objects.requireNonNull(strategy, "strategy");
        rules = List.copyOf(rules);
        fallbackOn = Set.copyOf(fallbackOn);
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(deadline, "deadline: use Optional.empty()");
        Objects.requireNonNull(responseCheck, "responseCheck: use Optional.empty()");
        Objects.requireNonNull(hedgeAfter, "hedgeAfter: use Optional.empty()");
        List<String> problems = new ArrayList<>();
        if (alias.isBlank() || alias.indexOf(':') >= 0) {
            problems.add("route alias '" + alias + "' must be a non-blank name without ':' (\"provider:model\" addresses are not aliases)");
        }
        if (deployments.isEmpty()) {
            problems.add("route '" + alias + "' has no deployments: add one with deployment(\"provider:model\")");
        }
        Set<String> addresses = new HashSet<>();
        for (Deployment d : deployments) {
            if (!addresses.add(d.address())) {
                problems.add("route '" + alias + "' lists deployment " + d.address() + " twice: list each deployment once");
            }
        }
        for (RouteRule rule : rules) {
            if (rule.deployments().isEmpty()) {
                problems.add("rule '" + rule.name() + "' of route '" + alias + "' names no deployments");
            }
            for (String a : rule.deployments()) {
                if (!addresses.contains(a)) {
                    problems.add("rule '" + rule.name() + "' of route '" + alias + "' names deployment '" + a
                            + "', which is not in the route; its deployments: " + addresses);
                }
            }
        }
        if (maxAttempts < 1) {
            problems.add("maxAttempts of route '" + alias + "' must be at least 1, was " + maxAttempts);
        }
        if (deadline.isPresent() && (deadline.get().isNegative() || deadline.get().isZero())) {
            problems.add("deadline of route '" + alias + "' must be positive, was " + deadline.get());
        }
        if (hedgeAfter.isPresent() && hedgeAfter.get().isNegative()) {
            problems.add("hedgeAfter of route '" + alias + "' must not be negative, was " + hedgeAfter.get());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** A builder for the route of {@code alias}. */
    public static Builder builder(String alias) {
        return new Builder(alias);
    }

    /** Builds a {@link Route}. Defaults: priority order, default fallback classes, {@link RetryPolicy#DEFAULT}, 5 attempts. */
    public static final class Builder {
        private final String alias;
        private final List<Deployment> deployments = new ArrayList<>();
        private Strategy strategy = Strategy.PRIORITY;
        private final List<RouteRule> rules = new ArrayList<>();
        private Set<ErrorClass> fallbackOn = ErrorClass.DEFAULT_FALLBACK;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private int maxAttempts = 5;
        private Optional<Duration> deadline = Optional.empty();
        private Optional<ResponseCheck> responseCheck = Optional.empty();
        private Optional<Duration> hedgeAfter = Optional.empty();

        private Builder(String alias) {
            this.alias = alias;
        }

        /** Adds the deployment {@code "provider:model"}. */
        public Builder deployment(String address) {
            return deployment(Deployment.of(address));
        }

        /** Adds a deployment. */
        public Builder deployment(Deployment deployment) {
            deployments.add(Objects.requireNonNull(deployment, "deployment"));
            return this;
        }

        public Builder strategy(Strategy value) {
            this.strategy = Objects.requireNonNull(value, "strategy");
            return this;
        }

        /** When {@code condition} holds, use only the deployments with these addresses. */
        public Builder rule(String name, RequestCondition condition, String... deploymentAddresses) {
            rules.add(new RouteRule(name, condition, List.of(deploymentAddresses)));
            return this;
        }

        /** The error classes that fall over to the next deployment (replaces the default set). */
        public Builder fallbackOn(ErrorClass first, ErrorClass... rest) {
            this.fallbackOn = EnumSet.of(first, rest);
            return this;
        }

        /** The error classes that fall over to the next deployment (replaces the default set; empty: never). */
        public Builder fallbackOn(Set<ErrorClass> value) {
            this.fallbackOn = Objects.requireNonNull(value, "fallbackOn");
            return this;
        }

        public Builder retry(RetryPolicy value) {
            this.retry = Objects.requireNonNull(value, "retry");
            return this;
        }

        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        public Builder deadline(Duration value) {
            this.deadline = Optional.of(Objects.requireNonNull(value, "deadline"));
            return this;
        }

        public Builder responseCheck(ResponseCheck value) {
            this.responseCheck = Optional.of(Objects.requireNonNull(value, "responseCheck"));
            return this;
        }

        public Builder hedgeAfter(Duration value) {
            this.hedgeAfter = Optional.of(Objects.requireNonNull(value, "hedgeAfter"));
            return this;
        }

        /** @throws ConfigurationException listing every problem */
        public Route build() {
            return new Route(alias, deployments, strategy, rules, fallbackOn, retry, maxAttempts, deadline, responseCheck, hedgeAfter);
        }
    }
}
