package dev.llmgate.spring.boot;

import dev.llmgate.core.routing.Router;
import dev.llmgate.spring.boot.internal.RouterHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * An Actuator health indicator ({@code llmgate}) from {@link Router#health()}, when the application has Actuator and
 * a router: each deployment's circuit state, recent failures and when it is available again; DOWN when every
 * deployment of some route is open, else UP. Disable it with {@code management.health.llmgate.enabled=false}.
 */
@AutoConfiguration(after = LlmGateAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Router.class)
@ConditionalOnEnabledHealthIndicator("llmgate")
public class LlmGateHealthAutoConfiguration {

    /** The indicator. */
    @Bean
    @ConditionalOnMissingBean(name = "llmgateHealthIndicator")
    public HealthIndicator llmgateHealthIndicator(Router router) {
        return new RouterHealthIndicator(router);
    }
}
