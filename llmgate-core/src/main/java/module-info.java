/**
 * The gate ({@code LlmGate}), its chain and the built-in stages: routing and fallback, budgets, the
 * response cache, the model catalog and the signed audit trail. The {@code ...internal} packages are
 * not exported.
 */
module dev.llmgate.core {
    requires transitive dev.llmgate.api;
    requires com.github.benmanes.caffeine;
    requires org.bouncycastle.provider;
    requires transitive java.sql;

    exports dev.llmgate.core;
    exports dev.llmgate.core.audit;
    exports dev.llmgate.core.budget;
    exports dev.llmgate.core.cache;
    exports dev.llmgate.core.catalog;
    exports dev.llmgate.core.events;
    exports dev.llmgate.core.routing;
}
