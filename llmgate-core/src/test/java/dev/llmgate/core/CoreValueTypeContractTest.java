package dev.llmgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.Usage;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.VerificationReport;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.cache.CacheStats;
import dev.llmgate.core.catalog.ModelInfo;
import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.core.routing.DeploymentHealth;
import dev.llmgate.core.routing.ErrorClass;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Strategy;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The growing value types of llmgate-core are final classes without public constructors (so that a
 * value can be added without breaking a caller): built with builders where users build them
 * ({@link Route}, {@link RetryPolicy}, {@link BudgetLimit}, {@link ModelInfo}, {@link AttemptEvent} for listener
 * tests), created only by
 * llmgate where users only read them.
 */
class CoreValueTypeContractTest {

    @Test
    void growingTypesAreFinalClassesWithoutPublicConstructors() {
        for (Class<?> c : List.of(
                AttemptEvent.class,
                VerificationReport.class,
                Route.class,
                DeploymentHealth.class,
                ModelInfo.class,
                AuditLog.Stats.class,
                CacheStats.class,
                RetryPolicy.class,
                BudgetLimit.class)) {
            assertThat(c.isRecord())
                    .as(c + " is a record: adding a component would break every caller of its constructor")
                    .isFalse();
            assertThat(Modifier.isFinal(c.getModifiers())).as(c + " is final").isTrue();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                assertThat(Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers()))
                        .as(k + " is not public")
                        .isFalse();
            }
        }
    }

    @Test
    void anAttemptEventForAListenerTestNeedsModelOutcomeAndLatency() {
        AttemptEvent e = AttemptEvent.builder("call-1", "oai")
                .model("gpt-4o")
                .outcome("success")
                .latency(Duration.ofMillis(30))
                .usage(Usage.of(10, 2))
                .costUsd(Optional.of(new BigDecimal("0.001")))
                .build();
        assertThat(e.attempt()).isEqualTo(1);
        assertThat(e.reason()).isEqualTo("primary");
        assertThat(e.requestedModel()).as("the model unless set").isEqualTo("gpt-4o");
        assertThat(e.succeeded()).isTrue();
        assertThat(e.attributes())
                .containsEntry("gen_ai.request.model", "gpt-4o")
                .containsEntry("llmgate.cost.usd", "0.001");
        assertThat(e.toBuilder().build()).isEqualTo(e).hasSameHashCodeAs(e);
        assertThat(e.toBuilder().requestedModel("smart").build()).isNotEqualTo(e);
        assertThat(e.toBuilder().streaming(true).build()).isNotEqualTo(e);
        assertThatThrownBy(
                        () -> AttemptEvent.builder("call-1", "oai").attempt(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "invalid attempt event: model is not set: call model(\"...\"); outcome is not set: call outcome(\"success\")"
                                + " or outcome(<the exception's simple class name>); latency is not set: call latency(Duration); attempt must be"
                                + " at least 1 (the first attempt is 1), was 0");
        assertThatThrownBy(() -> e.toBuilder().latency(Duration.ofMillis(-5)).build())
                .hasMessageContaining("latency must not be negative");
    }

    @Test
    void aRouteCanBeRebuiltAndComparesByValue() {
        Route r = Route.builder("smart")
                .deployment("oai:gpt-4o")
                .deployment("ant:claude")
                .strategy(Strategy.WEIGHTED)
                .fallbackOn(ErrorClass.RATE_LIMITED)
                .maxAttempts(3)
                .deadline(Duration.ofSeconds(5))
                .build();
        assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
        assertThat(r.toBuilder().maxAttempts(4).build()).isNotEqualTo(r);
        assertThat(r.toBuilder().deployment("gem:flash").build().deployments()).hasSize(3);
        assertThat(r.deployments()).hasSize(2);
        assertThatThrownBy(() -> r.deployments().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.toString()).startsWith("Route[alias=smart, deployments=");
    }

    @Test
    void aModelInfoComparesNormalizedPrices() {
        ModelInfo a = ModelInfo.builder("openai", "gpt-4o")
                .inputUsdPerMillion("2.50")
                .outputUsdPerMillion("10")
                .contextWindow(128_000)
                .build();
        ModelInfo b = ModelInfo.builder("openai", "gpt-4o")
                .inputUsdPerMillion("2.5")
                .outputUsdPerMillion("10.00")
                .contextWindow(128_000)
                .build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toBuilder().build()).isEqualTo(a);
        assertThat(a.toBuilder().maxOutputTokens(16_384).build()).isNotEqualTo(a);
        assertThat(a.toString())
                .isEqualTo("ModelInfo[provider=openai, model=gpt-4o, contextWindow=OptionalInt[128000],"
                        + " maxOutputTokens=OptionalInt.empty, inputUsdPerMillion=Optional[2.5], cachedInputUsdPerMillion=Optional.empty,"
                        + " outputUsdPerMillion=Optional[10], cacheWriteUsdPerMillion=Optional.empty]");
    }

    @Test
    void retryPoliciesAndBudgetLimitsCompareByValue() {
        RetryPolicy p = RetryPolicy.builder()
                .retriesPerDeployment(2)
                .baseDelay(Duration.ofMillis(100))
                .build();
        assertThat(p.toBuilder().build()).isEqualTo(p).hasSameHashCodeAs(p);
        assertThat(p).isNotEqualTo(RetryPolicy.DEFAULT);
        assertThat(RetryPolicy.DEFAULT.toBuilder().build()).isEqualTo(RetryPolicy.DEFAULT);
        assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5).build())
                .hasMessageContaining("at least 1, was 0.5");
        BudgetLimit a = BudgetLimit.usd("25.00", Duration.ofDays(1)).perUser().build();
        assertThat(a)
                .isEqualTo(
                        BudgetLimit.usd("25.00", Duration.ofDays(1)).perUser().build());
        assertThat(a)
                .isNotEqualTo(
                        BudgetLimit.usd("25.00", Duration.ofDays(1)).perTenant().build());
        assertThat(a.toString())
                .isEqualTo("BudgetLimit[scope=USER, metric=USD, amount=25.00, window=PT24H, subject=Optional.empty,"
                        + " keyAttribute=api_key_id]");
    }
}
