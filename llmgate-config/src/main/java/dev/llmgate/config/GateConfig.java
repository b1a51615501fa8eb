package dev.llmgate.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.config.internal.ConfigNode;
import dev.llmgate.config.internal.ConfigSchema;
import dev.llmgate.config.internal.GatePlan;
import dev.llmgate.config.internal.GatePlan.AuditPlan;
import dev.llmgate.config.internal.GatePlan.ProviderPlan;
import dev.llmgate.config.internal.GateReader;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.Acknowledgement;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.BackPressure;
import dev.llmgate.core.audit.FsyncPolicy;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyInterceptor;
import dev.llmgate.policy.config.PolicyLoader;
import dev.llmgate.policy.config.ReloadingPolicy;
import dev.llmgate.providers.HttpProviderBuilder;
import dev.llmgate.providers.anthropic.AnthropicProvider;
import dev.llmgate.providers.gemini.GeminiProvider;
import dev.llmgate.providers.ollama.OllamaProvider;
import dev.llmgate.providers.openai.AzureOpenAiProvider;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A whole gate from one YAML or JSON file: providers (keys from environment variables or files, never from the file
 * itself), aliases, routes with retries, fallback, hedging and a circuit breaker, budgets, the response cache, the
 * policy (inline, or a policy file that can be re-read when it changes) and the signed audit log. Every key is in
 * {@link #keys()} and docs/configuration.md.
 *
 * <pre>{@code
 * try (ConfiguredGate configured = GateConfig.load(Path.of("llmgate.yaml")).start()) {
 *     ChatResponse answer = configured.gate().chat(ChatRequest.of("assistant", "Hello"));
 * }
 * }</pre>
 *
 * <p>Loading reads and checks the whole file and fails with a {@link ConfigurationException} listing every problem,
 * each with its line, the key and what is expected ({@code llmgate.yaml line 12, routes.assistant.deployments[1]:
 * names provider 'anthropic', which is not configured; configured: openai}); unknown keys are problems, and a value
 * that may be a secret is never quoted. {@link #start()} reads keys and files and builds the gate; its problems are
 * reported the same way. A {@code GateConfig} is immutable: the {@code with...} methods return a copy.
 */
public final class GateConfig {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final GatePlan plan;
    private final Map<String, String> environment;
    private final UnaryOperator<Policy.Builder> policyCustomizer;
    private final Clock clock;

    private GateConfig(
            GatePlan plan, Map<String, String> environment, UnaryOperator<Policy.Builder> policy, Clock clock) {
        this.plan = plan;
        this.environment = environment;
        this.policyCustomizer = policy;
        this.clock = clock;
    }

    /**
     * Reads and checks a configuration file ({@code .yaml}, {@code .yml} or {@code .json}); relative paths in it
     * (key files, the policy file, the audit directory) are resolved against the file's directory.
     *
     * @throws ConfigurationException listing every problem
     */
    public static GateConfig load(Path file) {
        Objects.requireNonNull(file, "file");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        if (!yaml && !name.endsWith(".json")) {
            throw new ConfigurationException(
                    "configuration file " + file + " must end in .yaml, .yml or .json (the format is chosen by it)");
        }
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read configuration file " + file + ": "
                    + e.getClass().getSimpleName());
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(content, yaml, file.getFileName().toString(), Optional.ofNullable(dir));
    }

    /**
     * Reads and checks configuration text; {@code source} names it in messages, and relative paths resolve against
     * the working directory.
     *
     * @throws ConfigurationException listing every problem
     */
    public static GateConfig parse(String content, boolean yaml, String source) {
        return parse(content, yaml, source, Optional.empty());
    }

    private static GateConfig parse(String content, boolean yaml, String source, Optional<Path> baseDir) {
        ConfigNode root;
        try (JsonParser p = (yaml ? YAML : JSON).createParser(content)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ConfigurationException(source + ": the configuration is empty; see docs/configuration.md");
            }
            root = ConfigNode.read(p);
            if (p.nextToken() != null) {
                throw new ConfigurationException(
                        source + " line " + p.currentTokenLocation().getLineNr()
                                + ": more than one document; put the whole configuration in one");
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ConfigurationException(source + " line " + line + ": not valid " + (yaml ? "YAML" : "JSON") + ": "
                    + withoutQuotedValues(e.getOriginalMessage().split("\n", 2)[0]));
        } catch (IOException e) {
            throw new ConfigurationException(
                    "cannot parse " + source + ": " + e.getClass().getSimpleName());
        }
        GatePlan plan = new GateReader(source, "", baseDir)
                .read(root, () -> PolicyLoader.parseSection(content, yaml, source, "policy"));
        return new GateConfig(plan, System.getenv(), UnaryOperator.identity(), Clock.systemUTC());
    }

    /**
     * Reads and checks a configuration given as a tree of maps, lists and scalars (what a framework's property binder
     * produces: strings for numbers and booleans are accepted; a map with the keys 0..n-1 is a list), with the same
     * keys as the file. Messages name each key with {@code keyPrefix} in front (e.g. {@code "llmgate."}).
     *
     * @throws ConfigurationException listing every problem
     */
    public static GateConfig fromTree(Map<String, ?> tree, String source, String keyPrefix) {
        Objects.requireNonNull(tree, "tree");
        ConfigNode root = ConfigNode.of(tree);
        GatePlan plan = new GateReader(source, keyPrefix, Optional.empty()).read(root, () -> {
            @SuppressWarnings("unchecked")
            Map<String, ?> section = (Map<String, ?>) toPlain(ConfigNode.of(tree.get("policy")));
            return PolicyLoader.fromTree(section, source, keyPrefix + "policy.");
        });
        return new GateConfig(plan, System.getenv(), UnaryOperator.identity(), Clock.systemUTC());
    }

    /** A parser's message without the text it quotes (a mistyped line may hold a secret). */
    static String withoutQuotedValues(String message) {
        if (message.startsWith("Duplicate field")) { // a key's name, not a value
            return message + " (each key at most once)";
        }
        return message.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
    }

    private static Object toPlain(ConfigNode n) {
        if (n.value() instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), toPlain((ConfigNode) v)));
            return out;
        }
        if (n.value() instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(toPlain((ConfigNode) v)));
            return out;
        }
        return n.value();
    }

    /** Every key the file may hold, with its type and meaning (the source of docs/configuration.md). */
    public static List<ConfigKey> keys() {
        return ConfigSchema.keys();
    }

    /** A copy that reads API keys and the signing key from {@code variables} instead of the process environment. */
    public GateConfig withEnvironment(Map<String, String> variables) {
        return new GateConfig(plan, Map.copyOf(variables), policyCustomizer, clock);
    }

    /**
     * A copy that adds to the policy what a file cannot hold (an approval handler, a custom detector), applied to
     * every (re)load: {@code withPolicy(b -> b.approval(handler))}.
     */
    public GateConfig withPolicy(UnaryOperator<Policy.Builder> customizer) {
        return new GateConfig(plan, environment, Objects.requireNonNull(customizer, "customizer"), clock);
    }

    /** A copy whose gate, router, budgets and policy reloads use {@code value} (a test's clock). */
    public GateConfig withClock(Clock value) {
        return new GateConfig(plan, environment, policyCustomizer, Objects.requireNonNull(value, "clock"));
    }

    /** {@link #start(Consumer)} with nothing added in code. */
    public ConfiguredGate start() {
        return start(b -> {});
    }

    /**
     * Builds the providers (reading their keys), the policy, the audit log (opening its directory) and the gate;
     * {@code customizer} adds what the file cannot hold (observers, interceptors of your own, an executor) to the
     * gate's builder before it is built.
     *
     * @throws ConfigurationException listing every problem (nothing is left open)
     */
    public ConfiguredGate start(Consumer<LlmGate.Builder> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        List<String> problems = new ArrayList<>();
        Map<String, ModelProvider> providers = new LinkedHashMap<>();
        for (ProviderPlan p : plan.providers()) {
            try {
                providers.put(p.name(), provider(p));
            } catch (ConfigurationException e) {
                e.problems().forEach(m -> problems.add(p.where() + ": " + m));
            } catch (IllegalArgumentException | IllegalStateException e) {
                problems.add(p.where() + ": " + e.getMessage());
            }
        }
        Optional<AuditSigningKey> key = Optional.empty();
        if (plan.audit().isPresent()) {
            try {
                key = Optional.of(signingKey(plan.audit().get()));
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
            }
        }
        Optional<Supplier<Policy>> policy = Optional.empty();
        try {
            policy = plan.policy().map(this::policy);
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            providers.values().forEach(GateConfig::closeQuietly);
            throw new ConfigurationException(problems);
        }
        AuditLog audit = null;
        try {
            if (key.isPresent()) {
                audit = auditLog(plan.audit().get(), key.get());
            }
            LlmGate.Builder b = LlmGate.builder().clock(clock);
            providers.forEach(b::provider);
            plan.aliases().forEach(b::alias);
            plan.gateId().ifPresent(b::gateId);
            plan.closeTimeout().ifPresent(b::closeTimeout);
            Optional<Router> router = Optional.empty();
            if (!plan.routes().isEmpty()) {
                Router.Builder rb = Router.builder().clock(clock);
                plan.routes().forEach(rb::route);
                plan.circuitBreaker().ifPresent(rb::circuitBreaker);
                if (plan.noCircuitBreaker()) {
                    rb.noCircuitBreaker();
                }
                router = Optional.of(rb.build());
                b.addInterceptor(router.get());
            }
            Optional<BudgetInterceptor> budgets = Optional.empty();
            if (!plan.budgets().isEmpty()) {
                BudgetInterceptor.Builder bb = BudgetInterceptor.builder().clock(clock);
                plan.budgets().forEach(bb::limit);
                budgets = Optional.of(bb.build());
                b.addInterceptor(budgets.get());
            }
            Optional<ResponseCache> cache = plan.cache().map(c -> {
                ResponseCache.Builder cb = ResponseCache.builder();
                c.ttl().ifPresent(cb::ttl);
                c.maximumEntries().ifPresent(cb::maximumEntries);
                c.maximumWeightBytes().ifPresent(cb::maximumWeightBytes);
                c.maximumAnswerChars().ifPresent(cb::maximumAnswerChars);
                return cb.build();
            });
            cache.ifPresent(c -> b.addInterceptor(c.interceptor()));
            policy.ifPresent(p -> b.addInterceptor(PolicyInterceptor.of(p)));
            if (audit != null) {
                b.addInterceptor(audit.interceptor());
                if (plan.audit().get().captureContent().orElse(false)) {
                    b.addInterceptor(audit.redactedRequestCapture()); // the request as the policy left it
                }
            }
            customizer.accept(b);
            LlmGate gate = b.build();
            return new ConfiguredGate(gate, router, Optional.ofNullable(audit), cache, budgets, policy);
        } catch (RuntimeException e) {
            providers.values().forEach(GateConfig::closeQuietly);
            if (audit != null) {
                audit.close();
            }
            throw e;
        }
    }

    private Supplier<Policy> policy(GatePlan.PolicyPlan p) {
        if (p.inline().isPresent()) {
            Policy built = policyCustomizer.apply(p.inline().get().get()).build();
            return () -> built;
        }
        Path file = p.file().orElseThrow();
        if (p.reloadEvery().isPresent()) {
            return ReloadingPolicy.watch(
                    file, policyCustomizer, clock, p.reloadEvery().get());
        }
        Policy built = policyCustomizer.apply(PolicyLoader.load(file)).build();
        return () -> built;
    }

    private AuditSigningKey signingKey(AuditPlan a) {
        String seed;
        String from;
        if (a.signingKeyFile().isPresent()) {
            Path f = a.signingKeyFile().get();
            from = "the file " + f + " (audit.signingKeyFile)";
            try {
                seed = Files.readString(f, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new ConfigurationException(a.where() + ".signingKeyFile: " + unreadable(e));
            }
        } else {
            String var = a.signingKeyEnv().orElseThrow();
            from = "the environment variable " + var + " (audit.signingKeyEnv)";
            seed = environment.getOrDefault(var, "").trim();
            if (seed.isEmpty()) {
                throw new ConfigurationException(a.where() + ".signingKeyEnv: the environment variable " + var
                        + " is not set; set it to the Ed25519 seed in 64 hex digits");
            }
        }
        if (!seed.matches("[0-9a-fA-F]{64}")) {
            throw new ConfigurationException(a.where() + ": " + from + " does not hold an Ed25519 seed in 64 hex"
                    + " digits (its content is not shown); generate one with the verifier CLI's keygen");
        }
        return AuditSigningKey.fromSeedHex(seed);
    }

    private AuditLog auditLog(AuditPlan a, AuditSigningKey key) {
        JsonLinesFileSink.Builder sb = JsonLinesFileSink.builder(a.directory());
        a.filePrefix().ifPresent(sb::prefix);
        a.maxFileBytes().ifPresent(sb::maxFileBytes);
        a.maxFileAge().ifPresent(sb::maxFileAge);
        a.fsync()
                .ifPresent(f -> sb.fsync(
                        switch (f) {
                            case "every-record" -> FsyncPolicy.everyRecord();
                            case "group-commit" ->
                                FsyncPolicy.groupCommit(a.fsyncInterval().orElse(Duration.ofMillis(10)));
                            default -> FsyncPolicy.none();
                        }));
        JsonLinesFileSink sink;
        try {
            sink = sb.build();
        } catch (RuntimeException e) {
            throw new ConfigurationException(a.where() + ": cannot open the audit log in " + a.directory() + ": "
                    + (e instanceof ConfigurationException c ? String.join("; ", c.problems()) : e.getMessage()));
        }
        AuditLog.Builder lb = AuditLog.builder(sink, key).clock(clock);
        a.logId().ifPresent(lb::logId);
        a.checkpointEveryRecords().ifPresent(lb::checkpointEveryRecords);
        a.checkpointInterval().ifPresent(lb::checkpointInterval);
        a.captureContent().ifPresent(lb::captureContent);
        a.acknowledgement().ifPresent(v -> lb.acknowledgement(Acknowledgement.valueOf(v)));
        a.backPressure().ifPresent(v -> lb.backPressure(BackPressure.valueOf(v)));
        a.queueCapacity().ifPresent(lb::queueCapacity);
        return lb.build();
    }

    private ModelProvider provider(ProviderPlan p) {
        Map<String, String> s = p.strings();
        switch (p.type()) {
            case "openai": {
                OpenAiProvider.Builder b = common(OpenAiProvider.builder(), p);
                Optional.ofNullable(s.get("baseUrl")).ifPresent(b::baseUrl);
                Optional.ofNullable(s.get("organization")).ifPresent(b::organization);
                Optional.ofNullable(s.get("project")).ifPresent(b::project);
                return b.build();
            }
            case "azure-openai": {
                AzureOpenAiProvider.Builder b = common(AzureOpenAiProvider.builder(), p);
                Optional.ofNullable(s.get("endpoint")).ifPresent(b::endpoint);
                Optional.ofNullable(s.get("apiVersion")).ifPresent(b::apiVersion);
                return b.build();
            }
            case "openai-compatible": {
                OpenAiCompatibleProvider.Builder b = common(OpenAiCompatibleProvider.builder(s.get("baseUrl")), p);
                Optional.ofNullable(s.get("maxTokensField")).ifPresent(b::maxTokensField);
                p.developerRole().ifPresent(b::developerRole);
                return b.build();
            }
            case "anthropic": {
                AnthropicProvider.Builder b = common(AnthropicProvider.builder(), p);
                Optional.ofNullable(s.get("baseUrl")).ifPresent(b::baseUrl);
                Optional.ofNullable(s.get("beta")).ifPresent(b::beta);
                p.defaultMaxTokens().ifPresent(b::defaultMaxTokens);
                return b.build();
            }
            case "gemini": {
                GeminiProvider.Builder b = common(GeminiProvider.builder(), p);
                Optional.ofNullable(s.get("baseUrl")).ifPresent(b::baseUrl);
                Optional.ofNullable(s.get("apiVersion")).ifPresent(b::apiVersion);
                return b.build();
            }
            default: {
                OllamaProvider.Builder b = common(OllamaProvider.builder(), p);
                Optional.ofNullable(s.get("baseUrl")).ifPresent(b::baseUrl);
                return b.build();
            }
        }
    }

    private <B extends HttpProviderBuilder<B>> B common(B b, ProviderPlan p) {
        b.name(p.name()).environment(environment);
        if (p.apiKeyEnv().isPresent()) {
            String var = p.apiKeyEnv().get();
            String value = environment.getOrDefault(var, "").trim();
            if (value.isEmpty()) {
                throw new ConfigurationException("apiKeyEnv: the environment variable " + var + " is not set");
            }
            b.apiKey(value);
        } else if (p.apiKeyFile().isPresent()) {
            Path f = p.apiKeyFile().get();
            String value;
            try {
                value = Files.readString(f, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new ConfigurationException("apiKeyFile: " + unreadable(e));
            }
            if (value.isEmpty()) {
                throw new ConfigurationException("apiKeyFile: " + f + " is empty");
            }
            b.apiKey(value);
        }
        p.headers().forEach(b::header);
        p.timeouts().ifPresent(b::timeouts);
        return b;
    }

    /**
     * Why a key file could not be read, without its path: a key pasted where the path belongs would be
     * echoed (the same rule as the {@code *Env} fields, whose values are never shown).
     */
    private static String unreadable(IOException e) {
        return "cannot read the file (" + e.getClass().getSimpleName() + "); its path is not shown, because it"
                + " may be a key pasted in place of a path: name a readable file that holds the key";
    }

    private static void closeQuietly(ModelProvider p) {
        try {
            p.close();
        } catch (RuntimeException e) {
            // closing what was built for a failed start: the start's problem is what the caller needs
        }
    }

    @Override
    public String toString() {
        return "GateConfig[providers=" + plan.providers().size() + ", routes="
                + plan.routes().size() + "]";
    }
}
