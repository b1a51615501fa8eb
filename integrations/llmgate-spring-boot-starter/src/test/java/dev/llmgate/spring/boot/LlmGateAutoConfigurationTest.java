package dev.llmgate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.config.ConfiguredGate;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.AuditVerifier;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Router;
import dev.llmgate.springai.GateAdvisor;
import dev.llmgate.springai.GateChatModel;
import dev.llmgate.testing.LocalModelServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class LlmGateAutoConfigurationTest {
    @TempDir
    Path dir;

    LocalModelServer server;
    ApplicationContextRunner runner;

    @BeforeEach
    void start() {
        server = LocalModelServer.start();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        LlmGateAutoConfiguration.class,
                        LlmGateHealthAutoConfiguration.class,
                        LlmGateSpringAiAutoConfiguration.class));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String[] localProvider() {
        return new String[] {
            "llmgate.providers.local.type=openai-compatible", "llmgate.providers.local.base-url=" + server.baseUrl()
        };
    }

    @Test
    void propertiesConfigureTheGateWithItsRouterCacheAndHealth() {
        runner.withPropertyValues(localProvider())
                .withPropertyValues(
                        "llmgate.gate.close-timeout=5s",
                        "llmgate.aliases.fast=local:" + LocalModelServer.MODEL,
                        "llmgate.routes.assistant.deployments[0]=local:" + LocalModelServer.MODEL,
                        "llmgate.routes.assistant.max-attempts=2",
                        "llmgate.circuit-breaker.consecutive-failures=3",
                        "llmgate.budgets[0].metric=requests",
                        "llmgate.budgets[0].max=100",
                        "llmgate.budgets[0].window=1m",
                        "llmgate.budgets[0].scope=global",
                        "llmgate.cache.ttl=10m",
                        "llmgate.policy.presets[0]=PCI_DSS",
                        "llmgate.policy.default-threshold=0.5")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    LlmGate gate = context.getBean(LlmGate.class);
                    assertThat(gate.chat(ChatRequest.of("assistant", "hello")).text())
                            .isNotEmpty();
                    assertThat(gate.chat(ChatRequest.of("fast", "hello")).text())
                            .isNotEmpty();
                    assertThat(context.getBean(Router.class)
                                    .routes()
                                    .get("assistant")
                                    .maxAttempts())
                            .isEqualTo(2);
                    assertThat(context).hasSingleBean(ResponseCache.class);
                    assertThat(context).doesNotHaveBean(AuditLog.class);
                    HealthIndicator health = context.getBean("llmgateHealthIndicator", HealthIndicator.class);
                    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
                    assertThat(context).hasSingleBean(GateAdvisor.class);
                    assertThat(context).doesNotHaveBean(GateChatModel.class);
                });
    }

    @Test
    void aConfigurationFileIsTheSameModelAndTheAuditLogIsClosedOnShutdown() throws Exception {
        AuditSigningKey key = AuditSigningKey.generate();
        Files.writeString(dir.resolve("audit.seed"), HexFormat.of().formatHex(key.seed()));
        Path file = dir.resolve("llmgate.yaml");
        Files.writeString(file, """
                providers:
                  local: {type: openai-compatible, baseUrl: "%s"}
                routes:
                  assistant: {deployments: ["local:%s"]}
                audit:
                  directory: audit
                  signingKeyFile: audit.seed
                """.formatted(server.baseUrl(), LocalModelServer.MODEL));
        runner.withPropertyValues("llmgate.config-file=" + file, "llmgate.spring-ai.model=assistant")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(AuditLog.class).hasSingleBean(Router.class);
                    assertThat(context).doesNotHaveBean(ResponseCache.class);
                    GateChatModel model = context.getBean(GateChatModel.class);
                    assertThat(model.call("hello")).isNotEmpty();
                });
        // the context is closed: the audit log wrote its final checkpoint and verifies
        var report =
                AuditVerifier.builder().trustKey(key.publicKeyHex()).build().verify(List.of(dir.resolve("audit")));
        assertThat(report.result()).isEqualTo("VALID");
        assertThat(report.callRecords()).isEqualTo(1);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnGate {
        @Bean(destroyMethod = "close")
        LlmGate myGate() {
            return LlmGate.builder().build();
        }
    }

    @Test
    void backsOffWhenTheApplicationHasItsOwnGate() {
        runner.withUserConfiguration(OwnGate.class)
                .withPropertyValues(localProvider())
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(LlmGate.class);
                    assertThat(context).doesNotHaveBean(ConfiguredGate.class);
                    assertThat(context.getBean(LlmGate.class)).isSameAs(context.getBean("myGate"));
                });
    }

    @Test
    void nothingIsConfiguredWithoutLlmgateProperties() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmGate.class));
        runner.withPropertyValues(localProvider())
                .withPropertyValues("llmgate.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmGate.class));
    }

    @Test
    void badConfigurationFailsStartUpWithEveryProblem() {
        runner.withPropertyValues(
                        "llmgate.providers.local.type=bedrock",
                        "llmgate.routes.assistant.deployments[0]=nowhere:model",
                        "llmgate.cache.ttl=ten minutes",
                        "llmgate.providers.local.api-key=sk-never-echo-this-0123")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable root = context.getStartupFailure();
                    while (!(root instanceof ConfigurationException) && root.getCause() != null) {
                        root = root.getCause();
                    }
                    assertThat(root).isInstanceOf(ConfigurationException.class);
                    assertThat(((ConfigurationException) root).problems())
                            .anySatisfy(
                                    p -> assertThat(p).startsWith("Spring properties, llmgate.providers.local.type:"))
                            .anySatisfy(p -> assertThat(p)
                                    .startsWith("Spring properties, llmgate.routes.assistant.deployments[0]:"))
                            .anySatisfy(p -> assertThat(p).startsWith("Spring properties, llmgate.cache.ttl:"))
                            .anySatisfy(p -> assertThat(p).contains("llmgate.providers.local.api-key: unknown key"));
                    assertThat(root.getMessage()).doesNotContain("sk-never-echo-this-0123");
                });
    }

    @Test
    void aFileAndPropertiesTogetherAreRefused() {
        runner.withPropertyValues(localProvider())
                .withPropertyValues("llmgate.config-file=" + dir.resolve("x.yaml"))
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("configure the gate in the file or in properties, not both"));
    }

    @Test
    void llmgateEnvironmentVariablesOfOtherToolsNeitherConfigureNorBreakStartUp() {
        ApplicationContextRunner withEnvironment = runner.withInitializer(context -> context.getEnvironment()
                .getPropertySources()
                .replace(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of(
                                        "LLMGATE_TEST_PG_URL",
                                        "jdbc:postgresql://127.0.0.1/x",
                                        "LLMGATE_LLAMA_PORT",
                                        "18080"))));
        withEnvironment.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LlmGate.class));
        withEnvironment
                .withPropertyValues(localProvider())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(LlmGate.class));
    }

    @Test
    void aProfilesListReplacesTheBaseListAndBracketedNamesKeepTheirDots() {
        // two property sources as a base file and a profile give them: the profile's (first, higher precedence)
        // deployments must replace the base's, not be merged with its extra entries
        ApplicationContextRunner profiles = runner.withInitializer(context -> {
            var sources = context.getEnvironment().getPropertySources();
            sources.addLast(new org.springframework.core.env.MapPropertySource(
                    "application.yaml",
                    Map.of(
                            "llmgate.providers.local.type", "openai-compatible",
                            "llmgate.providers.local.base-url", server.baseUrl(),
                            "llmgate.providers.other.type", "openai-compatible",
                            "llmgate.providers.other.base-url", "http://127.0.0.1:9/v1",
                            "llmgate.routes.assistant.deployments[0]", "other:m",
                            "llmgate.routes.assistant.deployments[1]", "other:n",
                            "llmgate.aliases[gpt-4.1]", "local:" + LocalModelServer.MODEL)));
            sources.addFirst(new org.springframework.core.env.MapPropertySource(
                    "application-prod.yaml",
                    Map.of("llmgate.routes.assistant.deployments[0]", "local:" + LocalModelServer.MODEL)));
        });
        profiles.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Router.class).routes().get("assistant").deployments())
                    .extracting(d -> d.address())
                    .containsExactly("local:" + LocalModelServer.MODEL);
            assertThat(context.getBean(LlmGate.class).chat("gpt-4.1", "hello").text())
                    .isNotEmpty();
        });
    }
}
