package com.example.springconsumer;

import dev.llmgate.core.LlmGate;
import dev.llmgate.core.routing.Router;
import dev.llmgate.springai.GateChatModel;
import dev.llmgate.testing.LocalModelServer;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application whose gate comes from llmgate.* properties: one call through the starter's gate and its
 * Spring AI ChatModel, and the llmgate health indicator; exits 1 if anything is missing.
 */
@SpringBootApplication
public class SpringConsumer {
    public static void main(String[] args) {
        try (LocalModelServer model = LocalModelServer.start()) {
            SpringApplication app = new SpringApplication(SpringConsumer.class);
            app.setWebApplicationType(WebApplicationType.NONE);
            app.setDefaultProperties(Map.of(
                    "llmgate.providers.local.type", "openai-compatible",
                    "llmgate.providers.local.base-url", model.baseUrl(),
                    "llmgate.routes.assistant.deployments[0]", "local:" + LocalModelServer.MODEL,
                    "llmgate.policy.presets[0]", "HIPAA",
                    "llmgate.spring-ai.model", "assistant"));
            try (ConfigurableApplicationContext context = app.run(args)) {
                String direct = context.getBean(LlmGate.class).chat("assistant", "Hello").text();
                String springAi = context.getBean(GateChatModel.class).call("Hello");
                String health = context.getBean("llmgateHealthIndicator", HealthIndicator.class)
                        .health()
                        .getStatus()
                        .getCode();
                int routes = context.getBean(Router.class).routes().size();
                System.out.println("spring-boot consumer: gate answered " + !direct.isEmpty() + ", Spring AI answered "
                        + !springAi.isEmpty() + ", llmgate health " + health + ", routes " + routes);
                if (direct.isEmpty() || springAi.isEmpty() || !"UP".equals(health) || routes != 1) {
                    System.exit(1);
                }
            }
        }
    }
}
