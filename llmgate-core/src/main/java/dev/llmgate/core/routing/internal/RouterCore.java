package dev.llmgate.core.routing.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.core.catalog.ModelCatalog;
import dev.llmgate.core.catalog.ModelInfo;
import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.core.events.CallListener;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.RouteRule;
import dev.llmgate.core.routing.Scheduler;
import dev.llmgate.core.routing.Sleeper;
import dev.llmgate.core.routing.Strategy;
import dev.llmgate.core.routing.TokenEstimator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Everything a router knows and decides outside one call: ordering, pricing, health, listeners. Immutable apart from its trackers. */
public final class RouterCore {
    private static final System.Logger LOG = System.getLogger("dev.llmgate.core.routing.Router");

    final Map<String, Route> routes;
    final Map<String, Map<String, Deployment>> deploymentsByRoute;
    final ModelCatalog catalog;
    final Breakers breakers;
    final LatencyTracker latency = new LatencyTracker();
    final Sleeper sleeper;
    final Random random;
    final Scheduler scheduler;
    final Supplier<Executor> executor;
    final List<CallListener> listeners;
    final long assumedOutputTokens;

    public RouterCore(
            Map<String, Route> routes,
            ModelCatalog catalog,
            Breakers breakers,
            Sleeper sleeper,
            Random random,
            Scheduler scheduler,
            Supplier<Executor> executor,
            List<CallListener> listeners,
            long assumedOutputTokens) {
        this.routes = routes;
        Map<String, Map<String, Deployment>> byRoute = new HashMap<>();
        for (Route r : routes.values()) {
            Map<String, Deployment> m = new HashMap<>();
            for (Deployment d : r.deployments()) {
                m.put(d.address(), d);
            }
            byRoute.put(r.alias(), m);
        }
        this.deploymentsByRoute = byRoute;
        this.catalog = catalog;
        this.breakers = breakers;
        this.sleeper = sleeper;
        this.random = random;
        this.scheduler = scheduler;
        this.executor = executor;
        this.listeners = List.copyOf(listeners);
        this.assumedOutputTokens = assumedOutputTokens;
    }

    public Optional<Route> route(String alias) {
        return Optional.ofNullable(routes.get(alias));
    }

    public Breakers breakers() {
        return breakers;
    }

    public LatencyTracker latency() {
        return latency;
    }

    /** The deployment's context window: its own, else the catalog's. */
    public OptionalInt contextWindow(Deployment d) {
        if (d.contextWindow().isPresent()) {
            return d.contextWindow();
        }
        return catalog.lookup(d.catalogProvider(), d.model())
                .map(ModelInfo::contextWindow)
                .orElse(OptionalInt.empty());
    }

    /** The deployments of the first rule that holds (else all), without those whose window cannot take the request. */
    List<Deployment> eligible(Route route, ChatRequest request, long inputTokens) {
        List<Deployment> pool = route.deployments();
        for (RouteRule rule : route.rules()) {
            if (rule.condition().test(request)) {
                Map<String, Deployment> byAddress = deploymentsByRoute.get(route.alias());
                pool = new ArrayList<>(rule.deployments().size());
                for (String a : rule.deployments()) {
                    pool.add(byAddress.get(a));
                }
                break;
            }
        }
        long needed = inputTokens + request.maxOutputTokens().orElse(0);
        List<Deployment> fits = new ArrayList<>(pool.size());
        int largest = 0;
        Deployment largestAt = null;
        for (Deployment d : pool) {
            OptionalInt window = contextWindow(d);
            if (window.isEmpty() || needed <= window.getAsInt()) {
                fits.add(d);
            } else if (window.getAsInt() > largest) {
                largest = window.getAsInt();
                largestAt = d;
            }
        }
        if (fits.isEmpty()) {
            throw new ContextLengthExceededException(
                    "route '" + route.alias() + "': the request's estimated " + inputTokens
                            + " input tokens"
                            + (request.maxOutputTokens().isPresent()
                                    ? " plus " + request.maxOutputTokens().getAsInt() + " requested output tokens"
                                    : "")
                            + " fit no deployment; the largest window is " + largest + " tokens ("
                            + largestAt
                            + "). Shorten the input, lower maxOutputTokens, or add a deployment with a larger window",
                    ErrorDetails.NONE);
        }
        return fits;
    }

    /** The eligible deployments in the order the route's strategy gives for this request. */
    public List<Deployment> candidates(Route route, ChatRequest request, long inputTokens, boolean streaming) {
        return candidates(route, request, inputTokens, inputTokens, streaming);
    }

    /**
     * As above, with {@code windowTokens} the input that must fit a deployment's context window (for
     * an embedding call, its largest input: each input is embedded on its own) and
     * {@code inputTokens} the input that is priced.
     */
    public List<Deployment> candidates(
            Route route, ChatRequest request, long inputTokens, long windowTokens, boolean streaming) {
        List<Deployment> fits = eligible(route, request, windowTokens);
        if (fits.size() < 2) {
            return fits;
        }
        Strategy s = route.strategy();
        if (s == Strategy.PRIORITY) {
            return fits;
        }
        List<Deployment> ordered = new ArrayList<>(fits);
        if (s == Strategy.WEIGHTED) {
            Map<Deployment, Double> keys = new HashMap<>();
            for (Deployment d : ordered) {
                double u = random.nextDouble();
                keys.put(d, -Math.log(1.0 - u) / d.weight());
            }
            ordered.sort(Comparator.comparingDouble(keys::get));
        } else if (s == Strategy.LEAST_LATENCY) {
            ordered.sort(Comparator.comparingDouble(d -> latency.average(d.address(), streaming)));
        } else {
            long output = request.maxOutputTokens().isPresent()
                    ? request.maxOutputTokens().getAsInt()
                    : assumedOutputTokens;
            Map<Deployment, BigDecimal> costs = new HashMap<>();
            for (Deployment d : ordered) {
                costs.put(d, estimate(d, inputTokens, output).orElse(null));
            }
            ordered.sort(Comparator.comparing(costs::get, Comparator.nullsLast(Comparator.naturalOrder())));
        }
        return ordered;
    }

    /** The catalog price of {@code usage} on {@code d}, looking up the answering model first. */
    public Optional<BigDecimal> cost(Deployment d, Optional<String> responseModel, Usage usage) {
        Optional<ModelInfo> info = responseModel.flatMap(m -> catalog.lookup(d.catalogProvider(), m));
        if (info.isEmpty()) {
            info = catalog.lookup(d.catalogProvider(), d.model());
        }
        if (info.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(info.get().cost(usage));
        } catch (RuntimeException unpriced) {
            return Optional.empty();
        }
    }

    /** The estimated cost of one attempt at {@code d}. */
    public Optional<BigDecimal> estimate(Deployment d, long inputTokens, long outputTokens) {
        return cost(d, Optional.empty(), Usage.of(inputTokens, outputTokens));
    }

    void publish(AttemptEvent event) {
        for (CallListener l : listeners) {
            try {
                l.onAttempt(event);
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "call listener " + l.getClass().getName() + " failed; ignored",
                        e);
            }
        }
    }

    boolean hasListeners() {
        return !listeners.isEmpty();
    }

    public long assumedOutputTokens() {
        return assumedOutputTokens;
    }

    static long inputTokens(ChatRequest request) {
        return TokenEstimator.inputTokens(request);
    }
}
