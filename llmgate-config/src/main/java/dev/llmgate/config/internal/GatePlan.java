package dev.llmgate.config.internal;

import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.routing.CircuitBreakerPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.policy.Policy;
import dev.llmgate.providers.Timeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A configuration file read and checked: everything but what needs the environment, files or sockets. */
public record GatePlan(
        Optional<String> gateId,
        Optional<Duration> closeTimeout,
        List<ProviderPlan> providers,
        Map<String, String> aliases,
        List<Route> routes,
        Optional<CircuitBreakerPolicy> circuitBreaker,
        boolean noCircuitBreaker,
        List<BudgetLimit> budgets,
        Optional<CachePlan> cache,
        Optional<PolicyPlan> policy,
        Optional<AuditPlan> audit) {

    /** A provider to build; {@code where} names it in messages ({@code gate.yaml line 4, providers.openai}). */
    public record ProviderPlan(
            String name,
            String type,
            String where,
            Optional<String> apiKeyEnv,
            Optional<Path> apiKeyFile,
            Map<String, String> strings,
            Optional<Integer> defaultMaxTokens,
            Optional<Boolean> developerRole,
            Map<String, String> headers,
            Optional<Timeouts> timeouts) {}

    /** The response cache's settings. */
    public record CachePlan(
            Optional<Duration> ttl,
            Optional<Long> maximumEntries,
            Optional<Long> maximumWeightBytes,
            Optional<Integer> maximumAnswerChars) {}

    /** A policy read inline, or a file (re-read when it changes if {@code reloadEvery} is set). */
    public record PolicyPlan(
            Optional<java.util.function.Supplier<Policy.Builder>> inline,
            Optional<Path> file,
            Optional<Duration> reloadEvery) {}

    /** The audit log's settings. */
    public record AuditPlan(
            String where,
            Path directory,
            Optional<Path> signingKeyFile,
            Optional<String> signingKeyEnv,
            Optional<String> logId,
            Optional<String> filePrefix,
            Optional<Long> maxFileBytes,
            Optional<Duration> maxFileAge,
            Optional<String> fsync,
            Optional<Duration> fsyncInterval,
            Optional<Integer> checkpointEveryRecords,
            Optional<Duration> checkpointInterval,
            Optional<Boolean> captureContent,
            Optional<String> acknowledgement,
            Optional<String> backPressure,
            Optional<Integer> queueCapacity) {}
}
