package dev.llmgate.spring.boot;

import dev.llmgate.spring.boot.internal.GateSource;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The starter's conditions: is a gate configured, and which sections does its configuration have. */
final class GateConditions {
    private GateConditions() {}

    /** A gate is configured: {@code llmgate.config-file} or any of the gate's {@code llmgate.*} keys is set. */
    static final class Configured extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return GateSource.configured(context.getEnvironment())
                    ? ConditionOutcome.match("llmgate.* configures a gate")
                    : ConditionOutcome.noMatch("neither llmgate.config-file nor any llmgate.* gate key is set");
        }
    }

    /** The configuration has a given top-level section. */
    abstract static class HasSection extends SpringBootCondition {
        private final String section;

        HasSection(String section) {
            this.section = section;
        }

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            boolean has = GateSource.sections(context.getEnvironment(), context.getResourceLoader())
                    .contains(section);
            return has
                    ? ConditionOutcome.match("the gate's configuration has " + section)
                    : ConditionOutcome.noMatch("the gate's configuration has no " + section);
        }
    }

    static final class HasRoutes extends HasSection {
        HasRoutes() {
            super("routes");
        }
    }

    static final class HasAudit extends HasSection {
        HasAudit() {
            super("audit");
        }
    }

    static final class HasCache extends HasSection {
        HasCache() {
            super("cache");
        }
    }
}
