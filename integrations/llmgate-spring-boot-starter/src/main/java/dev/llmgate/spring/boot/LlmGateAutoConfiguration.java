package dev.llmgate.spring.boot;

import dev.llmgate.config.ConfiguredGate;
import dev.llmgate.config.GateConfig;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Router;
import dev.llmgate.spring.boot.internal.GateSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configures an {@link LlmGate} from {@code llmgate.*} properties (the keys of docs/configuration.md, camelCase or
 * kebab-case) or from the file named by {@code llmgate.config-file} (a path, or {@code classpath:...}), never both.
 * Backs off when the application defines its own {@code LlmGate}, when {@code llmgate.enabled=false}, and when
 * nothing is configured. Exposes the gate's {@link AuditLog}, {@link Router} and {@link ResponseCache} as beans when
 * the configuration has them. Bad configuration fails start-up with every problem listed. On shutdown the gate is
 * closed (calls in flight finish first), then the audit log (its final signed checkpoint).
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "llmgate", name = "enabled", havingValue = "true", matchIfMissing = true)
@Conditional(GateConditions.Configured.class)
public class LlmGateAutoConfiguration {

    /** The gate and what the configuration built with it; closed on shutdown. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({LlmGate.class, ConfiguredGate.class})
    public ConfiguredGate llmgateConfiguredGate(
            Environment environment, ResourceLoader resourceLoader, ObjectProvider<LlmGateCustomizer> customizers) {
        GateConfig config = GateSource.load(environment, resourceLoader);
        return config.start(builder -> customizers.orderedStream().forEach(c -> c.customize(builder)));
    }

    /** The gate (closed with its {@link ConfiguredGate}). */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean(LlmGate.class)
    @ConditionalOnBean(ConfiguredGate.class)
    public LlmGate llmGate(ConfiguredGate configured) {
        return configured.gate();
    }

    /** The router, when the configuration has routes. */
    @Bean(destroyMethod = "")
    @ConditionalOnBean(ConfiguredGate.class)
    @Conditional(GateConditions.HasRoutes.class)
    public Router llmgateRouter(ConfiguredGate configured) {
        return configured.router().orElseThrow();
    }

    /** The audit log, when the configuration has an audit section. */
    @Bean(destroyMethod = "")
    @ConditionalOnBean(ConfiguredGate.class)
    @Conditional(GateConditions.HasAudit.class)
    public AuditLog llmgateAuditLog(ConfiguredGate configured) {
        return configured.auditLog().orElseThrow();
    }

    /** The response cache, when the configuration has a cache section. */
    @Bean(destroyMethod = "")
    @ConditionalOnBean(ConfiguredGate.class)
    @Conditional(GateConditions.HasCache.class)
    public ResponseCache llmgateResponseCache(ConfiguredGate configured) {
        return configured.cache().orElseThrow();
    }
}
