package dev.llmgate.spring.boot;

import dev.llmgate.core.LlmGate;
import dev.llmgate.springai.GateAdvisor;
import dev.llmgate.springai.GateChatModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * With llmgate-spring-ai on the class path: a Spring AI {@code ChatModel} on the gate when
 * {@code llmgate.spring-ai.model} names the gate's model (a route, an alias or provider:model), and a
 * {@link GateAdvisor} to put in front of any other Spring AI model.
 */
@AutoConfiguration(after = LlmGateAutoConfiguration.class)
@ConditionalOnClass(GateChatModel.class)
@ConditionalOnBean(LlmGate.class)
public class LlmGateSpringAiAutoConfiguration {

    /** A ChatModel whose calls run through the gate. */
    @Bean
    @ConditionalOnMissingBean(GateChatModel.class)
    @ConditionalOnProperty(prefix = "llmgate.spring-ai", name = "model")
    public GateChatModel llmgateChatModel(LlmGate gate, Environment environment) {
        return GateChatModel.builder(gate)
                .model(environment.getRequiredProperty("llmgate.spring-ai.model"))
                .build();
    }

    /** An advisor that runs the gate's chain around whatever model a ChatClient calls. */
    @Bean
    @ConditionalOnMissingBean(GateAdvisor.class)
    public GateAdvisor llmgateAdvisor(LlmGate gate) {
        return GateAdvisor.builder(gate).build();
    }
}
