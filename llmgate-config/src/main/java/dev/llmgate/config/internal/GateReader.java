package dev.llmgate.config.internal;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.config.internal.GatePlan.AuditPlan;
import dev.llmgate.config.internal.GatePlan.CachePlan;
import dev.llmgate.config.internal.GatePlan.PolicyPlan;
import dev.llmgate.config.internal.GatePlan.ProviderPlan;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.routing.CircuitBreakerPolicy;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.ErrorClass;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Strategy;
import dev.llmgate.policy.Policy;
import dev.llmgate.providers.Timeouts;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a configuration tree into a {@link GatePlan}, collecting every problem (with its line when the tree has lines)
 * before failing with all of them. Values that could be secrets are never quoted in a message.
 */
public final class GateReader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> PROVIDER_TYPES =
            Set.of("openai", "azure-openai", "openai-compatible", "anthropic", "gemini", "ollama");
    private static final Map<String, Set<String>> ONLY_FOR = Map.of(
            "endpoint", Set.of("azure-openai"),
            "apiVersion", Set.of("azure-openai", "gemini"),
            "organization", Set.of("openai"),
            "project", Set.of("openai"),
            "beta", Set.of("anthropic"),
            "defaultMaxTokens", Set.of("anthropic"),
            "developerRole", Set.of("openai-compatible"),
            "maxTokensField", Set.of("openai-compatible"),
            "baseUrl", Set.of("openai", "openai-compatible", "anthropic", "gemini", "ollama"));

    private final String source;
    private final String prefix;
    private final Optional<Path> baseDir;
    private final List<String> problems = new ArrayList<>();

    /**
     * @param source  names the configuration in messages (a file name, or "Spring properties")
     * @param prefix  put before every key in messages ("" for a file, "llmgate." for properties)
     * @param baseDir relative paths resolve against it (the file's directory), else against the working directory
     */
    public GateReader(String source, String prefix, Optional<Path> baseDir) {
        this.source = source;
        this.prefix = prefix;
        this.baseDir = baseDir;
    }

    /**
     * Reads {@code root}; {@code inlinePolicy} reads the policy section's keys when the section is not a file
     * reference.
     *
     * @throws ConfigurationException listing every problem
     */
    public GatePlan read(ConfigNode root, Supplier<Policy.Builder> inlinePolicy) {
        Map<String, ConfigNode> top = fields(root, "", "(top level)");
        Optional<String> gateId = Optional.empty();
        Optional<Duration> closeTimeout = Optional.empty();
        ConfigNode n;
        if (top.containsKey("gate")) {
            Map<String, ConfigNode> g = fields(top.get("gate"), "gate", "gate");
            if ((n = g.get("id")) != null) {
                gateId = Optional.ofNullable(name(n, "gate.id"));
            }
            if ((n = g.get("closeTimeout")) != null) {
                closeTimeout = Optional.ofNullable(duration(n, "gate.closeTimeout", true));
            }
        }
        List<ProviderPlan> providers = new ArrayList<>();
        if ((n = top.get("providers")) != null) {
            for (Map.Entry<String, ConfigNode> e : named(n, "providers").entrySet()) {
                ProviderPlan p = provider(e.getKey(), e.getValue());
                if (p != null) {
                    providers.add(p);
                }
            }
        }
        Set<String> providerNames = new TreeSet<>();
        providers.forEach(p -> providerNames.add(p.name()));
        Map<String, String> aliases = new LinkedHashMap<>();
        if ((n = top.get("aliases")) != null) {
            for (Map.Entry<String, ConfigNode> e : named(n, "aliases").entrySet()) {
                String field = "aliases." + e.getKey();
                String target = string(e.getValue(), field);
                if (target != null && address(e.getValue(), field, target, providerNames)) {
                    aliases.put(e.getKey(), target);
                }
            }
        }
        List<Route> routes = new ArrayList<>();
        if ((n = top.get("routes")) != null) {
            for (Map.Entry<String, ConfigNode> e : named(n, "routes").entrySet()) {
                if (aliases.containsKey(e.getKey())) {
                    problem(
                            e.getValue(),
                            "routes." + e.getKey(),
                            "an alias has the same name; rename one (an alias would hide the route)");
                }
                Route r = route(e.getKey(), e.getValue(), providerNames);
                if (r != null) {
                    routes.add(r);
                }
            }
        }
        Optional<CircuitBreakerPolicy> breaker = Optional.empty();
        boolean noBreaker = false;
        if ((n = top.get("circuitBreaker")) != null) {
            if ("none".equals(n.value())) {
                noBreaker = true;
            } else {
                breaker = Optional.ofNullable(breaker(n));
            }
            if (routes.isEmpty()) {
                problem(n, "circuitBreaker", "applies to routes, and there are none; add routes or remove it");
            }
        }
        List<BudgetLimit> budgets = new ArrayList<>();
        if ((n = top.get("budgets")) != null) {
            List<ConfigNode> items = list(n, "budgets");
            for (int i = 0; i < items.size(); i++) {
                BudgetLimit l = budget(items.get(i), "budgets[" + i + "]");
                if (l != null) {
                    budgets.add(l);
                }
            }
        }
        Optional<CachePlan> cache = Optional.empty();
        if ((n = top.get("cache")) != null) {
            cache = Optional.of(cache(n));
        }
        Optional<PolicyPlan> policy = Optional.empty();
        if ((n = top.get("policy")) != null) {
            policy = Optional.ofNullable(policy(n, inlinePolicy));
        }
        Optional<AuditPlan> audit = Optional.empty();
        if ((n = top.get("audit")) != null) {
            audit = Optional.ofNullable(audit(n));
        }
        if (providers.isEmpty() && problems.isEmpty()) {
            problem(
                    root,
                    "providers",
                    "no provider is configured; add at least one under providers (see docs/configuration.md)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new GatePlan(
                gateId,
                closeTimeout,
                List.copyOf(providers),
                Map.copyOf(aliases),
                List.copyOf(routes),
                breaker,
                noBreaker,
                List.copyOf(budgets),
                cache,
                policy,
                audit);
    }

    // ---- sections

    private ProviderPlan provider(String name, ConfigNode node) {
        String field = "providers." + name;
        Map<String, ConfigNode> f = fields(node, "providers.<name>", field);
        ConfigNode t = f.get("type");
        String type = null;
        if (t == null) {
            problem(node, field + ".type", "missing; set one of " + ConfigSchema.PROVIDER_TYPES);
        } else {
            String s = string(t, field + ".type");
            if (s != null && PROVIDER_TYPES.contains(s.trim().toLowerCase(Locale.ROOT))) {
                type = s.trim().toLowerCase(Locale.ROOT);
            } else if (s != null) {
                problem(
                        t,
                        field + ".type",
                        "expected one of " + ConfigSchema.PROVIDER_TYPES + "; was " + ConfigNode.shown(s));
            }
        }
        if (type != null) {
            for (Map.Entry<String, Set<String>> e : ONLY_FOR.entrySet()) {
                if (f.containsKey(e.getKey()) && !e.getValue().contains(type)) {
                    problem(
                            f.get(e.getKey()),
                            field + "." + e.getKey(),
                            "does not apply to type " + type + " (only to " + new TreeSet<>(e.getValue()) + ")");
                }
            }
            if (type.equals("openai-compatible") && !f.containsKey("baseUrl")) {
                problem(node, field + ".baseUrl", "missing; an openai-compatible provider needs the server's base URL");
            }
        }
        if (f.containsKey("apiKeyEnv") && f.containsKey("apiKeyFile")) {
            problem(f.get("apiKeyFile"), field + ".apiKeyFile", "set apiKeyEnv or apiKeyFile, not both");
        }
        Optional<String> keyEnv = Optional.ofNullable(f.get("apiKeyEnv")).map(v -> envName(v, field + ".apiKeyEnv"));
        Optional<Path> keyFile = Optional.ofNullable(f.get("apiKeyFile")).map(v -> path(v, field + ".apiKeyFile"));
        Map<String, String> strings = new LinkedHashMap<>();
        for (String k :
                List.of("baseUrl", "endpoint", "apiVersion", "organization", "project", "beta", "maxTokensField")) {
            ConfigNode v = f.get(k);
            if (v != null) {
                String s = string(v, field + "." + k);
                if (s != null) {
                    strings.put(k, s);
                }
            }
        }
        Optional<Integer> maxTokens = Optional.ofNullable(f.get("defaultMaxTokens"))
                .map(v -> intValue(v, field + ".defaultMaxTokens", 1, Integer.MAX_VALUE));
        Optional<Boolean> developerRole =
                Optional.ofNullable(f.get("developerRole")).map(v -> bool(v, field + ".developerRole"));
        Map<String, String> headers = new LinkedHashMap<>();
        if (f.containsKey("headers")) {
            named(f.get("headers"), field + ".headers").forEach((h, v) -> {
                String s = string(v, field + ".headers." + h);
                if (s != null) {
                    headers.put(h, s);
                }
            });
        }
        Optional<Timeouts> timeouts = Optional.empty();
        if (f.containsKey("timeouts")) {
            Map<String, ConfigNode> tf = fields(f.get("timeouts"), "providers.<name>.timeouts", field + ".timeouts");
            Timeouts.Builder tb = Timeouts.builder();
            ConfigNode v;
            if ((v = tf.get("connect")) != null) {
                tb.connect(orDefault(duration(v, field + ".timeouts.connect", true), Timeouts.DEFAULTS.connect()));
            }
            if ((v = tf.get("call")) != null) {
                tb.call(orDefault(duration(v, field + ".timeouts.call", true), Timeouts.DEFAULTS.call()));
            }
            if ((v = tf.get("read")) != null) {
                tb.read(orDefault(duration(v, field + ".timeouts.read", true), Timeouts.DEFAULTS.read()));
            }
            if ((v = tf.get("timeToFirstToken")) != null) {
                tb.timeToFirstToken(orDefault(
                        duration(v, field + ".timeouts.timeToFirstToken", true), Timeouts.DEFAULTS.timeToFirstToken()));
            }
            timeouts = Optional.of(tb.build());
        }
        if (type == null) {
            return null;
        }
        return new ProviderPlan(
                name,
                type,
                where(node) + prefix + field,
                keyEnv,
                keyFile,
                Map.copyOf(strings),
                maxTokens,
                developerRole,
                Map.copyOf(headers),
                timeouts);
    }

    private Route route(String alias, ConfigNode node, Set<String> providerNames) {
        String field = "routes." + alias;
        Map<String, ConfigNode> f = fields(node, "routes.<alias>", field);
        Route.Builder b = Route.builder(alias);
        int ok = 0;
        ConfigNode deployments = f.get("deployments");
        if (deployments == null) {
            problem(node, field + ".deployments", "missing; list at least one provider:model");
        } else {
            List<ConfigNode> items = list(deployments, field + ".deployments");
            if (items.isEmpty()) {
                problem(deployments, field + ".deployments", "empty; list at least one provider:model");
            }
            for (int i = 0; i < items.size(); i++) {
                Deployment d = deployment(items.get(i), field + ".deployments[" + i + "]", providerNames);
                if (d != null) {
                    b.deployment(d);
                    ok++;
                }
            }
        }
        ConfigNode n;
        if ((n = f.get("strategy")) != null) {
            Strategy s = enumValue(n, field + ".strategy", Strategy.class);
            if (s != null) {
                b.strategy(s);
            }
        }
        if ((n = f.get("retry")) != null) {
            RetryPolicy p = "none".equals(n.value()) ? RetryPolicy.NONE : retry(n, field + ".retry");
            if (p != null) {
                b.retry(p);
            }
        }
        if ((n = f.get("maxAttempts")) != null) {
            Integer v = intValue(n, field + ".maxAttempts", 1, 1000);
            if (v != null) {
                b.maxAttempts(v);
            }
        }
        if ((n = f.get("deadline")) != null) {
            Duration d = duration(n, field + ".deadline", true);
            if (d != null) {
                b.deadline(d);
            }
        }
        if ((n = f.get("hedgeAfter")) != null) {
            Duration d = duration(n, field + ".hedgeAfter", true);
            if (d != null) {
                b.hedgeAfter(d);
            }
        }
        if (ok == 0) {
            return null;
        }
        try {
            return b.build();
        } catch (ConfigurationException | IllegalArgumentException e) {
            problem(node, field, message(e));
            return null;
        }
    }

    private Deployment deployment(ConfigNode node, String field, Set<String> providerNames) {
        if (node.value() instanceof String s) {
            return address(node, field, s, providerNames) ? Deployment.of(s) : null;
        }
        Map<String, ConfigNode> f = fields(node, "routes.<alias>.deployments[]", field);
        ConfigNode a = f.get("address");
        if (a == null) {
            problem(node, field + ".address", "missing; give provider:model");
            return null;
        }
        String address = string(a, field + ".address");
        if (address == null || !address(a, field + ".address", address, providerNames)) {
            return null;
        }
        int colon = address.indexOf(':');
        Deployment.Builder b = Deployment.builder(address.substring(0, colon), address.substring(colon + 1));
        ConfigNode n;
        if ((n = f.get("weight")) != null) {
            Integer v = intValue(n, field + ".weight", 1, 1_000_000);
            if (v != null) {
                b.weight(v);
            }
        }
        if ((n = f.get("contextWindow")) != null) {
            Integer v = intValue(n, field + ".contextWindow", 1, Integer.MAX_VALUE);
            if (v != null) {
                b.contextWindow(v);
            }
        }
        if ((n = f.get("catalogProvider")) != null) {
            String v = string(n, field + ".catalogProvider");
            if (v != null) {
                b.catalogProvider(v);
            }
        }
        try {
            return b.build();
        } catch (ConfigurationException | IllegalArgumentException e) {
            problem(node, field, message(e));
            return null;
        }
    }

    private RetryPolicy retry(ConfigNode node, String field) {
        Map<String, ConfigNode> f = fields(node, "routes.<alias>.retry", field);
        RetryPolicy.Builder b = RetryPolicy.DEFAULT.toBuilder();
        ConfigNode n;
        if ((n = f.get("retriesPerDeployment")) != null) {
            Integer v = intValue(n, field + ".retriesPerDeployment", 0, 100);
            if (v != null) {
                b.retriesPerDeployment(v);
            }
        }
        if ((n = f.get("baseDelay")) != null) {
            Duration d = duration(n, field + ".baseDelay", false);
            if (d != null) {
                b.baseDelay(d);
            }
        }
        if ((n = f.get("multiplier")) != null) {
            BigDecimal v = decimal(n, field + ".multiplier");
            if (v != null) {
                b.multiplier(v.doubleValue());
            }
        }
        if ((n = f.get("maxDelay")) != null) {
            Duration d = duration(n, field + ".maxDelay", false);
            if (d != null) {
                b.maxDelay(d);
            }
        }
        if ((n = f.get("maxRetryAfter")) != null) {
            Duration d = duration(n, field + ".maxRetryAfter", false);
            if (d != null) {
                b.maxRetryAfter(d);
            }
        }
        if ((n = f.get("retryOn")) != null) {
            Set<ErrorClass> on = EnumSet.noneOf(ErrorClass.class);
            for (ConfigNode item : list(n, field + ".retryOn")) {
                ErrorClass c = enumValue(item, field + ".retryOn[]", ErrorClass.class);
                if (c != null) {
                    on.add(c);
                }
            }
            b.retryOn(on);
        }
        try {
            return b.build();
        } catch (ConfigurationException | IllegalArgumentException e) {
            problem(node, field, message(e));
            return null;
        }
    }

    private CircuitBreakerPolicy breaker(ConfigNode node) {
        String field = "circuitBreaker";
        Map<String, ConfigNode> f = fields(node, field, field);
        CircuitBreakerPolicy d = CircuitBreakerPolicy.DEFAULT;
        Integer consecutive = f.containsKey("consecutiveFailures")
                ? intValue(f.get("consecutiveFailures"), field + ".consecutiveFailures", 1, 1_000_000)
                : Integer.valueOf(d.consecutiveFailures());
        BigDecimal rate = f.containsKey("failureRateThreshold")
                ? decimal(f.get("failureRateThreshold"), field + ".failureRateThreshold")
                : BigDecimal.valueOf(d.failureRateThreshold());
        Integer window = f.containsKey("windowSize")
                ? intValue(f.get("windowSize"), field + ".windowSize", 1, 64)
                : Integer.valueOf(d.windowSize());
        Integer minimum = f.containsKey("minimumCalls")
                ? intValue(f.get("minimumCalls"), field + ".minimumCalls", 1, 64)
                : Integer.valueOf(d.minimumCalls());
        Duration open = f.containsKey("openDuration")
                ? duration(f.get("openDuration"), field + ".openDuration", true)
                : d.openDuration();
        if (consecutive == null || rate == null || window == null || minimum == null || open == null) {
            return null;
        }
        try {
            return new CircuitBreakerPolicy(consecutive, rate.doubleValue(), window, minimum, open);
        } catch (ConfigurationException | IllegalArgumentException e) {
            problem(node, field, message(e));
            return null;
        }
    }

    private BudgetLimit budget(ConfigNode node, String field) {
        Map<String, ConfigNode> f = fields(node, "budgets[]", field);
        ConfigNode m = f.get("metric");
        ConfigNode max = f.get("max");
        if (m == null || max == null) {
            problem(node, field, "needs metric (requests, tokens, usd or inFlight) and max");
            return null;
        }
        String metric = lower(string(m, field + ".metric"));
        BigDecimal amount = decimal(max, field + ".max");
        if (metric == null || amount == null) {
            return null;
        }
        if (amount.signum() <= 0) {
            problem(max, field + ".max", "must be positive; was " + amount.toPlainString());
            return null;
        }
        boolean inFlight = metric.equals("inflight") || metric.equals("in-flight") || metric.equals("in_flight");
        ConfigNode w = f.get(inFlight ? "lease" : "window");
        if (w == null) {
            problem(
                    node,
                    field + (inFlight ? ".lease" : ".window"),
                    inFlight
                            ? "missing; an inFlight limit needs a lease longer than your longest call, e.g. 10m"
                            : "missing; e.g. 1m, 1h or 1d");
            return null;
        }
        if (f.containsKey(inFlight ? "window" : "lease")) {
            problem(
                    f.get(inFlight ? "window" : "lease"),
                    field + (inFlight ? ".window" : ".lease"),
                    inFlight ? "an inFlight limit has a lease, not a window" : "only an inFlight limit has a lease");
        }
        Duration window = duration(w, field + (inFlight ? ".lease" : ".window"), true);
        if (window == null) {
            return null;
        }
        BudgetLimit.Builder b;
        try {
            switch (metric) {
                case "requests":
                    b = BudgetLimit.requests(amount.longValueExact(), window);
                    break;
                case "tokens":
                    b = BudgetLimit.tokens(amount.longValueExact(), window);
                    break;
                case "usd":
                    b = BudgetLimit.usd(amount.toPlainString(), window);
                    break;
                case "inflight":
                case "in-flight":
                case "in_flight":
                    b = BudgetLimit.inFlight(amount.longValueExact(), window);
                    break;
                default:
                    problem(
                            m,
                            field + ".metric",
                            "expected one of requests, tokens, usd, inFlight; was " + ConfigNode.shown(metric));
                    return null;
            }
        } catch (ArithmeticException e) {
            problem(max, field + ".max", "must be a whole number for " + metric + "; was " + amount.toPlainString());
            return null;
        }
        ConfigNode n;
        String scope = "tenant";
        if ((n = f.get("scope")) != null) {
            scope = lower(string(n, field + ".scope"));
            if (scope == null) {
                return null;
            }
            switch (scope) {
                case "tenant":
                    b.perTenant();
                    break;
                case "user":
                    b.perUser();
                    break;
                case "global":
                    b.global();
                    break;
                case "key": {
                    String attribute = BudgetLimit.DEFAULT_KEY_ATTRIBUTE;
                    if (f.containsKey("keyAttribute")) {
                        attribute = string(f.get("keyAttribute"), field + ".keyAttribute");
                    }
                    if (attribute != null) {
                        b.perKey(attribute);
                    }
                    break;
                }
                default:
                    problem(
                            n,
                            field + ".scope",
                            "expected one of tenant, user, key, global; was " + ConfigNode.shown(scope));
                    return null;
            }
        }
        if (f.containsKey("keyAttribute") && !scope.equals("key")) {
            problem(f.get("keyAttribute"), field + ".keyAttribute", "applies to scope key only");
        }
        if ((n = f.get("only")) != null) {
            String v = string(n, field + ".only");
            if (v != null) {
                b.only(v);
            }
        }
        Boolean smooth = f.containsKey("smooth") ? bool(f.get("smooth"), field + ".smooth") : Boolean.FALSE;
        if ((n = f.get("burst")) != null && !Boolean.TRUE.equals(smooth)) {
            problem(n, field + ".burst", "applies with smooth: true only");
        }
        try {
            if (Boolean.TRUE.equals(smooth)) {
                if (!metric.equals("requests")) {
                    problem(f.get("smooth"), field + ".smooth", "applies to a requests limit only");
                } else if ((n = f.get("burst")) != null) {
                    Integer burst = intValue(n, field + ".burst", 1, Integer.MAX_VALUE);
                    if (burst != null) {
                        b.smooth(burst);
                    }
                } else {
                    b.smooth();
                }
            }
            return b.build();
        } catch (ConfigurationException | IllegalArgumentException e) {
            problem(node, field, message(e));
            return null;
        }
    }

    private CachePlan cache(ConfigNode node) {
        Map<String, ConfigNode> f = fields(node, "cache", "cache");
        return new CachePlan(
                Optional.ofNullable(f.get("ttl")).map(v -> duration(v, "cache.ttl", true)),
                Optional.ofNullable(f.get("maximumEntries"))
                        .map(v -> longValue(v, "cache.maximumEntries", 1, Long.MAX_VALUE)),
                Optional.ofNullable(f.get("maximumWeightBytes"))
                        .map(v -> longValue(v, "cache.maximumWeightBytes", 1, Long.MAX_VALUE)),
                Optional.ofNullable(f.get("maximumAnswerChars"))
                        .map(v -> intValue(v, "cache.maximumAnswerChars", 1, Integer.MAX_VALUE)));
    }

    private PolicyPlan policy(ConfigNode node, Supplier<Policy.Builder> inline) {
        if (!(node.value() instanceof Map<?, ?> m)) {
            problem(
                    node,
                    "policy",
                    "expected a mapping (file: ..., or the keys of a policy file); was " + node.describe(false));
            return null;
        }
        if (m.containsKey("file")) {
            @SuppressWarnings("unchecked")
            Map<String, ConfigNode> f = (Map<String, ConfigNode>) m;
            for (String k : f.keySet()) {
                if (!k.equals("file") && !k.equals("reloadEvery")) {
                    problem(
                            f.get(k),
                            "policy." + k,
                            "not with policy.file: put the policy in the file, or drop file and write it here");
                }
            }
            Path file = path(f.get("file"), "policy.file");
            Optional<Duration> every =
                    Optional.ofNullable(f.get("reloadEvery")).map(v -> duration(v, "policy.reloadEvery", true));
            return file == null ? null : new PolicyPlan(Optional.empty(), Optional.of(file), every);
        }
        if (m.containsKey("reloadEvery")) {
            problem(
                    (ConfigNode) m.get("reloadEvery"),
                    "policy.reloadEvery",
                    "applies to a policy file (policy.file) only");
        }
        try {
            Policy.Builder unused = inline.get(); // read once now, for its problems; each start reads a fresh one
            return new PolicyPlan(Optional.of(inline), Optional.empty(), Optional.empty());
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    private AuditPlan audit(ConfigNode node) {
        String field = "audit";
        Map<String, ConfigNode> f = fields(node, field, field);
        ConfigNode dir = f.get("directory");
        if (dir == null) {
            problem(node, field + ".directory", "missing; name the directory the audit files are written to");
        }
        if (!f.containsKey("signingKeyFile") && !f.containsKey("signingKeyEnv")) {
            problem(
                    node,
                    field + ".signingKeyFile",
                    "missing; the log is signed: name a file (or with signingKeyEnv an environment variable) holding"
                            + " the Ed25519 seed in 64 hex digits (the verifier CLI's keygen writes one)");
        } else if (f.containsKey("signingKeyFile") && f.containsKey("signingKeyEnv")) {
            problem(f.get("signingKeyEnv"), field + ".signingKeyEnv", "set signingKeyFile or signingKeyEnv, not both");
        }
        Optional<String> fsync = Optional.ofNullable(f.get("fsync"))
                .map(v -> lower(string(v, field + ".fsync")))
                .map(v -> v.replace('_', '-'));
        if (fsync.isPresent() && !Set.of("every-record", "group-commit", "none").contains(fsync.get())) {
            problem(
                    f.get("fsync"),
                    field + ".fsync",
                    "expected one of every-record, group-commit, none; was " + ConfigNode.shown(fsync.get()));
        }
        if (f.containsKey("fsyncInterval") && !fsync.equals(Optional.of("group-commit"))) {
            problem(f.get("fsyncInterval"), field + ".fsyncInterval", "applies with fsync: group-commit only");
        }
        Optional<String> ack = Optional.ofNullable(f.get("acknowledgement"))
                .map(v -> enumValue(v, field + ".acknowledgement", dev.llmgate.core.audit.Acknowledgement.class))
                .map(Enum::name);
        Optional<String> back = Optional.ofNullable(f.get("backPressure"))
                .map(v -> enumValue(v, field + ".backPressure", dev.llmgate.core.audit.BackPressure.class))
                .map(Enum::name);
        AuditPlan plan = new AuditPlan(
                where(node) + prefix + field,
                dir == null ? Path.of(".") : orDefault(path(dir, field + ".directory"), Path.of(".")),
                Optional.ofNullable(f.get("signingKeyFile")).map(v -> path(v, field + ".signingKeyFile")),
                Optional.ofNullable(f.get("signingKeyEnv")).map(v -> envName(v, field + ".signingKeyEnv")),
                Optional.ofNullable(f.get("logId"))
                        .map(v -> matching(v, field + ".logId", "[0-9a-f]{16}", "16 lowercase hex digits")),
                Optional.ofNullable(f.get("filePrefix"))
                        .map(v -> matching(
                                v, field + ".filePrefix", "[A-Za-z0-9._-]+", "letters, digits, '.', '_' or '-'")),
                Optional.ofNullable(f.get("maxFileBytes"))
                        .map(v -> longValue(v, field + ".maxFileBytes", 1024, Long.MAX_VALUE)),
                Optional.ofNullable(f.get("maxFileAge")).map(v -> duration(v, field + ".maxFileAge", true)),
                fsync,
                Optional.ofNullable(f.get("fsyncInterval")).map(v -> duration(v, field + ".fsyncInterval", true)),
                Optional.ofNullable(f.get("checkpointEveryRecords"))
                        .map(v -> intValue(v, field + ".checkpointEveryRecords", 1, Integer.MAX_VALUE)),
                Optional.ofNullable(f.get("checkpointInterval"))
                        .map(v -> duration(v, field + ".checkpointInterval", true)),
                Optional.ofNullable(f.get("captureContent")).map(v -> bool(v, field + ".captureContent")),
                ack,
                back,
                Optional.ofNullable(f.get("queueCapacity"))
                        .map(v -> intValue(v, field + ".queueCapacity", 1, Integer.MAX_VALUE)));
        return dir == null ? null : plan;
    }

    // ---- values

    private void problem(ConfigNode at, String field, String what) {
        problems.add(where(at) + prefix + field + ": " + what);
    }

    private String where(ConfigNode at) {
        return at.line() > 0 ? source + " line " + at.line() + ", " : source + ", ";
    }

    private static String message(RuntimeException e) {
        return e instanceof ConfigurationException c ? String.join("; ", c.problems()) : e.getMessage();
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static <T> T orDefault(T value, T otherwise) {
        return value == null ? otherwise : value;
    }

    /** The entries of a fixed-key mapping; unknown keys are problems that list the known ones. */
    @SuppressWarnings("unchecked")
    private Map<String, ConfigNode> fields(ConfigNode node, String schemaPath, String field) {
        if (!(node.value() instanceof Map<?, ?>)) {
            problem(node, field, "expected a mapping (key: value); was " + node.describe(false));
            return Map.of();
        }
        Map<String, ConfigNode> m = (Map<String, ConfigNode>) node.value();
        Set<String> known = ConfigSchema.children(schemaPath);
        for (Map.Entry<String, ConfigNode> e : m.entrySet()) {
            if (!known.contains(e.getKey())) {
                String at = field.equals("(top level)") ? e.getKey() : field + "." + e.getKey();
                problem(e.getValue(), at, "unknown key; expected one of " + String.join(", ", known));
            }
        }
        return m;
    }

    /** The entries of a mapping whose keys are names you choose (providers, routes, aliases). */
    @SuppressWarnings("unchecked")
    private Map<String, ConfigNode> named(ConfigNode node, String field) {
        if (!(node.value() instanceof Map<?, ?>)) {
            problem(node, field, "expected a mapping of names; was " + node.describe(false));
            return Map.of();
        }
        Map<String, ConfigNode> m = new LinkedHashMap<>();
        ((Map<String, ConfigNode>) node.value()).forEach((k, v) -> {
            if (!field.endsWith(".headers") && !NAME.matcher(k).matches()) {
                problem(v, field + "." + k, "not a valid name: use letters, digits, '.', '_' or '-' (no ':')");
            } else {
                m.put(k, v);
            }
        });
        return m;
    }

    @SuppressWarnings("unchecked")
    private List<ConfigNode> list(ConfigNode node, String field) {
        if (node.value() instanceof List<?>) {
            return (List<ConfigNode>) node.value();
        }
        problem(node, field, "expected a list; was " + node.describe(false));
        return List.of();
    }

    private String string(ConfigNode node, String field) {
        if (node.value() instanceof String s && !s.isBlank()) {
            return s;
        }
        problem(node, field, "expected a non-empty string; was " + node.describe(false));
        return null;
    }

    /** An environment variable's name; a value that is not one (perhaps the secret itself) is never quoted. */
    private String envName(ConfigNode node, String field) {
        if (node.value() instanceof String s && s.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return s;
        }
        problem(
                node,
                field,
                "expected the name of an environment variable (letters, digits, '_'); the value is not"
                        + " one and is not shown: name the variable that holds the secret, never the secret");
        return null;
    }

    private String matching(ConfigNode node, String field, String regex, String what) {
        String s = string(node, field);
        if (s != null && !s.matches(regex)) {
            problem(node, field, "expected " + what + "; was " + ConfigNode.shown(s));
            return null;
        }
        return s;
    }

    private String name(ConfigNode node, String field) {
        String s = string(node, field);
        if (s != null && !NAME.matcher(s).matches()) {
            problem(node, field, "use letters, digits, '.', '_' or '-'; was " + ConfigNode.shown(s));
            return null;
        }
        return s;
    }

    /** A provider:model address whose provider is configured. */
    private boolean address(ConfigNode node, String field, String address, Set<String> providerNames) {
        int colon = address.indexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            problem(node, field, "expected provider:model (e.g. openai:gpt-4o-mini); was " + ConfigNode.shown(address));
            return false;
        }
        String provider = address.substring(0, colon);
        if (!providerNames.contains(provider)) {
            problem(
                    node,
                    field,
                    "names provider '" + provider + "', which is not configured; configured: "
                            + (providerNames.isEmpty() ? "none" : String.join(", ", providerNames)));
            return false;
        }
        return true;
    }

    private Path path(ConfigNode node, String field) {
        String s = string(node, field);
        if (s == null) {
            return null;
        }
        try {
            Path p = Path.of(s);
            return p.isAbsolute() || baseDir.isEmpty() ? p : baseDir.get().resolve(p);
        } catch (java.nio.file.InvalidPathException e) {
            problem(node, field, "not a valid path: " + e.getReason());
            return null;
        }
    }

    private Boolean bool(ConfigNode node, String field) {
        if (node.value() instanceof Boolean b) {
            return b;
        }
        if (node.line() == 0 && node.value() instanceof String s && (s.equals("true") || s.equals("false"))) {
            return Boolean.valueOf(s);
        }
        problem(node, field, "expected true or false; was " + node.describe(true));
        return null;
    }

    private BigDecimal decimal(ConfigNode node, String field) {
        Object v = node.value();
        try {
            if (v instanceof Number || (v instanceof String && node.line() == 0)) {
                return new BigDecimal(String.valueOf(v).trim());
            }
            if (v instanceof String s && field.endsWith(".max")) { // usd: "25.00" quoted to keep its decimals
                return new BigDecimal(s.trim());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(node, field, "expected a number; was " + node.describe(true));
        return null;
    }

    private Long longValue(ConfigNode node, String field, long min, long max) {
        BigDecimal d = decimal(node, field);
        if (d == null) {
            return null;
        }
        try {
            long v = d.longValueExact();
            if (v >= min && v <= max) {
                return v;
            }
        } catch (ArithmeticException e) {
            // reported below
        }
        problem(
                node,
                field,
                "expected a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max) + "; was "
                        + d.toPlainString());
        return null;
    }

    private Integer intValue(ConfigNode node, String field, int min, int max) {
        Long v = longValue(node, field, min, max);
        return v == null ? null : Integer.valueOf(v.intValue());
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30S}). */
    private Duration duration(ConfigNode node, String field, boolean positive) {
        if (node.value() instanceof String s) {
            String t = s.trim();
            Duration d = null;
            Matcher m = DURATION.matcher(t);
            if (m.matches()) {
                try {
                    long n = Long.parseLong(m.group(1));
                    switch (m.group(2)) {
                        case "ms":
                            d = Duration.ofMillis(n);
                            break;
                        case "s":
                            d = Duration.ofSeconds(n);
                            break;
                        case "m":
                            d = Duration.ofMinutes(n);
                            break;
                        case "h":
                            d = Duration.ofHours(n);
                            break;
                        default:
                            d = Duration.ofDays(n);
                    }
                } catch (ArithmeticException | NumberFormatException e) {
                    d = null;
                }
            } else if (t.startsWith("P") || t.startsWith("p")) {
                try {
                    d = Duration.parse(t);
                } catch (DateTimeParseException e) {
                    d = null;
                }
            }
            if (d != null && !d.isNegative() && !(positive && d.isZero())) {
                return d;
            }
        }
        problem(
                node,
                field,
                "expected a " + (positive ? "positive " : "") + "duration such as 500ms, 30s, 5m, 1h, 1d"
                        + " or PT30S; was " + node.describe(true));
        return null;
    }

    private <E extends Enum<E>> E enumValue(ConfigNode node, String field, Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name());
        }
        if (node.value() instanceof String s) {
            String wanted = s.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(wanted)) {
                    return e;
                }
            }
        }
        problem(node, field, "expected one of " + String.join(", ", names) + "; was " + node.describe(true));
        return null;
    }
}
