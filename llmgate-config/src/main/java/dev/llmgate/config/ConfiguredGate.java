package dev.llmgate.config;

import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A gate started from a configuration file, with the components the file configured (for health checks, metrics and
 * tests). {@link #close()} closes the gate (waiting for calls in flight), then the audit log (which writes its final
 * signed checkpoint); closing twice does nothing more.
 */
public final class ConfiguredGate implements AutoCloseable {
    private final LlmGate gate;
    private final Optional<Router> router;
    private final Optional<AuditLog> auditLog;
    private final Optional<ResponseCache> cache;
    private final Optional<BudgetInterceptor> budgets;
    private final Optional<Supplier<Policy>> policy;

    ConfiguredGate(
            LlmGate gate,
            Optional<Router> router,
            Optional<AuditLog> auditLog,
            Optional<ResponseCache> cache,
            Optional<BudgetInterceptor> budgets,
            Optional<Supplier<Policy>> policy) {
        this.gate = gate;
        this.router = router;
        this.auditLog = auditLog;
        this.cache = cache;
        this.budgets = budgets;
        this.policy = policy;
    }

    /** The gate: call {@code chat}, {@code stream} and {@code embed} on it. */
    public LlmGate gate() {
        return gate;
    }

    /** The router, when the file has routes (its {@code health()} feeds health checks). */
    public Optional<Router> router() {
        return router;
    }

    /** The audit log, when the file has an audit section. */
    public Optional<AuditLog> auditLog() {
        return auditLog;
    }

    /** The response cache, when the file has a cache section. */
    public Optional<ResponseCache> cache() {
        return cache;
    }

    /** The budgets, when the file has budgets. */
    public Optional<BudgetInterceptor> budgets() {
        return budgets;
    }

    /** The policy in force (re-read on each call when the file's policy reloads), when the file has a policy. */
    public Optional<Policy> policy() {
        return policy.map(Supplier::get);
    }

    @Override
    public void close() {
        try {
            gate.close();
        } finally {
            auditLog.ifPresent(AuditLog::close);
        }
    }

    @Override
    public String toString() {
        return "ConfiguredGate[router=" + router.isPresent() + ", audit=" + auditLog.isPresent() + ", cache="
                + cache.isPresent() + ", budgets=" + budgets.isPresent() + ", policy=" + policy.isPresent() + "]";
    }
}
