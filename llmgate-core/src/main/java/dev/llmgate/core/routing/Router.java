package dev.llmgate.core.routing;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.StagedInterceptor;
import dev.llmgate.core.Stage;
import dev.llmgate.core.catalog.ModelCatalog;
import dev.llmgate.core.events.CallListener;
import dev.llmgate.core.internal.ThreadPools;
import dev.llmgate.core.routing.internal.Breakers;
import dev.llmgate.core.routing.internal.CallRun;
import dev.llmgate.core.routing.internal.RouterCore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The ROUTING stage: resolves the aliases of its {@link Route}s to deployments and owns retries,
 * fallback, circuit breaking and hedging. Register it with {@code LlmGate.builder().addInterceptor(router)},
 * which places it at {@link Stage#ROUTING}; a gate whose {@code builder.alias(...)} has the name of one
 * of its routes fails to build (aliases are resolved before routing and would hide the route).
 *
 * <p>Guarantees:
 * <ul>
 *   <li>every attempt is appended to {@code CallFacts.ATTEMPTS}, reported to the listeners, and priced
 *       into {@code CallFacts.COST_USD} (the sum of all attempts' catalog costs, present when every
 *       attempt that used tokens is priced);</li>
 *   <li>a call makes at most its route's {@code maxAttempts} attempts and respects its deadline
 *       between attempts and in backoff waits;</li>
 *   <li>a stream is retried or falls over transparently until its first token; after that a failure
 *       reaches the consumer as an exception, never as a clean end;</li>
 *   <li>requests for other models (e.g. {@code "openai:gpt-4o"}) pass through with one attempt,
 *       recorded and priced the same way (the catalog family is the provider name).</li>
 * </ul>
 * Thread-safe; one instance serves every call of a gate (or of several gates).
 */
public final class Router implements StagedInterceptor {
    private final RouterCore core;
    private final Map<String, Route> routes;
    private final Clock clock;
    private final ConcurrentHashMap<String, Route> passThrough = new ConcurrentHashMap<>();

    private Router(Builder b) {
        this.routes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.routes));
        Executor executor = b.executor;
        Supplier<Executor> executorSupplier = executor != null ? () -> executor : HedgeExecutor::get;
        this.core = new RouterCore(
                routes,
                b.catalog,
                new Breakers(b.store, b.breaker, b.listeners),
                b.sleeper,
                b.random,
                b.scheduler,
                executorSupplier,
                b.listeners,
                b.assumedOutputTokens);
        this.clock = b.clock;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        Route route = routes.get(request.model());
        if (route == null) {
            route = passThroughRoute(request.model());
            if (route == null) {
                return chain.proceed(request);
            }
        }
        CallRun run = new CallRun(core, route, chain);
        return chain.call().streaming() ? run.runStreaming() : run.runBlocking();
    }

    private Route passThroughRoute(String model) {
        Route cached = passThrough.get(model);
        if (cached != null) {
            return cached;
        }
        int colon = model.indexOf(':');
        if (colon <= 0 || colon == model.length() - 1) {
            return null;
        }
        Route r = Route.builder(model.replace(':', '/'))
                .deployment(Deployment.of(model))
                .retry(RetryPolicy.NONE)
                .fallbackOn(java.util.Set.of())
                .maxAttempts(1)
                .build();
        if (passThrough.size() < 1024) {
            passThrough.put(model, r);
        }
        return r;
    }

    /** {@code "ROUTING"}: a gate's builder places this interceptor at {@link Stage#ROUTING}. */
    @Override
    public String stageName() {
        return Stage.ROUTING.name();
    }

    /** The routes, by alias. */
    public Map<String, Route> routes() {
        return routes;
    }

    /** What this router knows about every deployment of every route, in route order. */
    public List<DeploymentHealth> health() {
        List<DeploymentHealth> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Route r : routes.values()) {
            for (Deployment d : r.deployments()) {
                if (seen.add(d.address())) {
                    out.add(health(d));
                }
            }
        }
        return out;
    }

    /** What this router knows about the deployment at {@code address} ({@code "provider:model"}), if it is in a route. */
    public Optional<DeploymentHealth> health(String address) {
        for (Route r : routes.values()) {
            for (Deployment d : r.deployments()) {
                if (d.address().equals(address)) {
                    return Optional.of(health(d));
                }
            }
        }
        return Optional.empty();
    }

    private DeploymentHealth health(Deployment d) {
        long now = clock.millis();
        Breakers.State s = core.breakers().state(d.address());
        long at = core.breakers().availableAt(d.address(), now);
        double lat = core.latency().average(d.address(), false);
        double ttft = core.latency().average(d.address(), true);
        return new DeploymentHealth(
                d,
                s.state(),
                s.consecutive(),
                s.calls(),
                Long.bitCount(s.bits()),
                at > now ? Optional.of(Instant.ofEpochMilli(at)) : Optional.empty(),
                lat < 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) (lat * 1_000_000))),
                ttft < 0 ? Optional.empty() : Optional.of(Duration.ofNanos((long) (ttft * 1_000_000))));
    }

    /** The context window the router assumes for {@code d} (its own, else the catalog's). */
    public OptionalInt contextWindow(Deployment d) {
        return core.contextWindow(d);
    }

    /**
     * The estimated cost of one attempt of {@code request}: for an alias, the most expensive eligible
     * deployment (so a reservation covers whichever answers); for {@code "provider:model"}, that model
     * priced as the provider's catalog family. Input from {@link TokenEstimator}, output the request's
     * {@code maxOutputTokens} or the router's assumed output. Empty if nothing is priced.
     */
    public Optional<BigDecimal> estimateCost(ChatRequest request) {
        long input = TokenEstimator.inputTokens(request);
        long output = request.maxOutputTokens().isPresent()
                ? request.maxOutputTokens().getAsInt()
                : core.assumedOutputTokens();
        Route route = routes.get(request.model());
        if (route == null) {
            route = passThroughRoute(request.model());
            if (route == null) {
                return Optional.empty();
            }
        }
        Optional<BigDecimal> max = Optional.empty();
        List<Deployment> candidates;
        try {
            candidates = core.candidates(route, request, input, false);
        } catch (RuntimeException noneFits) {
            candidates = route.deployments();
        }
        for (Deployment d : candidates) {
            Optional<BigDecimal> c = core.estimate(d, input, output);
            if (c.isPresent() && (max.isEmpty() || c.get().compareTo(max.get()) > 0)) {
                max = c;
            }
        }
        return max;
    }

    @Override
    public String toString() {
        return "Router" + routes.keySet();
    }

    /** The default hedge executor, created on first use: virtual threads on JDK 21+, else daemon threads. */
    private static final class HedgeExecutor {
        static final Executor INSTANCE = ThreadPools.newCallExecutor("llmgate-hedge");

        static Executor get() {
            return INSTANCE;
        }
    }

    /** Configures a {@link Router}; {@link #build()} reports every problem as a {@link ConfigurationException}. */
    public static final class Builder {
        private final Map<String, Route> routes = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private ModelCatalog catalog = ModelCatalog.defaults();
        private Optional<CircuitBreakerPolicy> breaker = Optional.of(CircuitBreakerPolicy.DEFAULT);
        private StateStore store;
        private Sleeper sleeper = Sleeper.system();
        private Random random = new Random();
        private Scheduler scheduler = Scheduler.system();
        private Executor executor;
        private final List<CallListener> listeners = new ArrayList<>();
        private long assumedOutputTokens = 512;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Adds a route; aliases must be unique. */
        public Builder route(Route route) {
            Objects.requireNonNull(route, "route");
            if (routes.putIfAbsent(route.alias(), route) != null) {
                problems.add("route '" + route.alias() + "' is defined twice: define each alias once");
            }
            return this;
        }

        /** The catalog for prices and context windows; default {@link ModelCatalog#defaults()}. */
        public Builder catalog(ModelCatalog value) {
            this.catalog = Objects.requireNonNull(value, "catalog");
            return this;
        }

        /** The circuit breaker of every deployment; default {@link CircuitBreakerPolicy#DEFAULT}. */
        public Builder circuitBreaker(CircuitBreakerPolicy value) {
            this.breaker = Optional.of(Objects.requireNonNull(value, "circuitBreaker"));
            return this;
        }

        /** No circuit breaker (Retry-After cool-downs still apply). */
        public Builder noCircuitBreaker() {
            this.breaker = Optional.empty();
            return this;
        }

        /** Where breaker state lives; default an in-memory store on the router's clock. Share one store to share breakers. */
        public Builder stateStore(StateStore value) {
            this.store = Objects.requireNonNull(value, "stateStore");
            return this;
        }

        /** Waits between retries; default {@link Sleeper#system()}. */
        public Builder sleeper(Sleeper value) {
            this.sleeper = Objects.requireNonNull(value, "sleeper");
            return this;
        }

        /** Randomness for jitter and weighted routing; inject a seeded one in tests. */
        public Builder random(Random value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        /** Schedules hedges; default {@link Scheduler#system()}. */
        public Builder scheduler(Scheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** Runs hedged attempts; default virtual threads on JDK 21+, else daemon threads. */
        public Builder executor(Executor value) {
            this.executor = Objects.requireNonNull(value, "executor");
            return this;
        }

        /** Adds a listener that sees every attempt. */
        public Builder listener(CallListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /** Output tokens assumed for cost estimates when a request sets no {@code maxOutputTokens}; default 512. */
        public Builder assumedOutputTokens(long value) {
            if (value < 0) {
                problems.add("assumedOutputTokens must not be negative, was " + value);
            } else {
                this.assumedOutputTokens = value;
            }
            return this;
        }

        /** The clock of {@link #health()} and of the default state store; calls use the gate's clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** @throws ConfigurationException listing every problem */
        public Router build() {
            List<String> found = new ArrayList<>(problems);
            if (routes.isEmpty()) {
                found.add(
                        "a router needs at least one route: add one with route(Route.builder(\"alias\").deployment(\"provider:model\").build())");
            }
            if (!found.isEmpty()) {
                throw new ConfigurationException(found);
            }
            if (store == null) {
                store = StateStore.inMemory(clock);
            }
            return new Router(this);
        }
    }
}
