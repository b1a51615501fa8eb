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
 * <p>A final class rather than a record so that settings can be added in later versions without
 * breaking callers (docs/api-stability.md).
 */
public final class Route {
    private final String alias;
    private final List<Deployment> deployments;
    private final Strategy strategy;
    private final List<RouteRule> rules;
    private final Set<ErrorClass> fallbackOn;
    private final RetryPolicy retry;
    private final int maxAttempts;
    private final Optional<Duration> deadline;
    private final Optional<ResponseCheck> responseCheck;
    private final Optional<Duration> hedgeAfter;

    private Route(Builder b) {
        this.alias = Objects.requireNonNull(b.alias, "alias: the model name callers use, e.g. \"smart\"");
        this.deployments = List.copyOf(b.deployments);
        this.strategy = b.strategy;
        this.rules = List.copyOf(b.rules);
        this.fallbackOn = Set.copyOf(b.fallbackOn);
        this.retry = b.retry;
        this.maxAttempts = b.maxAttempts;
        this.deadline = b.deadline;
        this.responseCheck = b.responseCheck;
        this.hedgeAfter = b.hedgeAfter;
        List<String> problems = new ArrayList<>();
        if (alias.isBlank() || alias.indexOf(':') >= 0) {
            problems.add("route alias '" + alias
                    + "' must be a non-blank name without ':' (\"provider:model\" addresses are not aliases)");
        }
        if (deployments.isEmpty()) {
            problems.add("route '" + alias + "' has no deployments: add one with deployment(\"provider:model\")");
        }
        Set<String> addresses = new HashSet<>();
        for (Deployment d : deployments) {
            if (!addresses.add(d.address())) {
                problems.add(
                        "route '" + alias + "' lists deployment " + d.address() + " twice: list each deployment once");
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
        if (deadline.isPresent()
                && (deadline.get().isNegative() || deadline.get().isZero())) {
            problems.add("deadline of route '" + alias + "' must be positive, was " + deadline.get());
        }
        if (hedgeAfter.isPresent() && hedgeAfter.get().isNegative()) {
            problems.add("hedgeAfter of route '" + alias + "' must not be negative, was " + hedgeAfter.get());
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** The model name callers use, e.g. {@code "smart"}: not blank, no {@code ':'}. */
    public String alias() {
        return alias;
    }

    /** Where calls can go: at least one, unique addresses. */
    public List<Deployment> deployments() {
        return deployments;
    }

    /** How the deployments are ordered per call. */
    public Strategy strategy() {
        return strategy;
    }

    /** Rule-based narrowing, first match wins; every rule names deployments of this route. */
    public List<RouteRule> rules() {
        return rules;
    }

    /** The error classes that move on to the next deployment (empty: never). */
    public Set<ErrorClass> fallbackOn() {
        return fallbackOn;
    }

    /** Retries on the same deployment. */
    public RetryPolicy retry() {
        return retry;
    }

    /** The most attempts of one call (retries, fallbacks and hedges together), at least 1. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The whole call's time limit (backoff waits included), positive, if any. */
    public Optional<Duration> deadline() {
        return deadline;
    }

    /** Judges answers; a rejected one moves on to the next deployment. */
    public Optional<ResponseCheck> responseCheck() {
        return responseCheck;
    }

    /**
     * If set, a second request goes to the next deployment when the first has not answered (streams: not
     * produced its first token) within this delay; the first success wins.
     */
    public Optional<Duration> hedgeAfter() {
        return hedgeAfter;
    }

    /** A builder that starts from this route, e.g. to add a deployment. */
    public Builder toBuilder() {
        Builder b = new Builder(alias);
        b.deployments.addAll(deployments);
        b.strategy = strategy;
        b.rules.addAll(rules);
        b.fallbackOn = fallbackOn;
        b.retry = retry;
        b.maxAttempts = maxAttempts;
        b.deadline = deadline;
        b.responseCheck = responseCheck;
        b.hedgeAfter = hedgeAfter;
        return b;
    }

    /** Equal when every setting is equal (a response check by identity). */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof Route r
                        && alias.equals(r.alias)
                        && deployments.equals(r.deployments)
                        && strategy.equals(r.strategy)
                        && rules.equals(r.rules)
                        && fallbackOn.equals(r.fallbackOn)
                        && retry.equals(r.retry)
                        && maxAttempts == r.maxAttempts
                        && deadline.equals(r.deadline)
                        && responseCheck.equals(r.responseCheck)
                        && hedgeAfter.equals(r.hedgeAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                alias,
                deployments,
                strategy,
                rules,
                fallbackOn,
                retry,
                maxAttempts,
                deadline,
                responseCheck,
                hedgeAfter);
    }

    @Override
    public String toString() {
        return "Route[alias=" + alias + ", deployments=" + deployments + ", strategy=" + strategy + ", rules=" + rules
                + ", fallbackOn="
                + fallbackOn + ", retry=" + retry + ", maxAttempts=" + maxAttempts + ", deadline=" + deadline
                + ", responseCheck="
                + responseCheck + ", hedgeAfter=" + hedgeAfter + "]";
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
            return new Route(this);
        }
    }
}
