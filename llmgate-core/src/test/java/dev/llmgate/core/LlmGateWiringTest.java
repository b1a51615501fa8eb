package dev.llmgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatResult;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.StagedInterceptor;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.InMemoryAuditSink;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.testing.ScriptedProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Wiring traps a gate's builder refuses: an alias that hides a route, a built-in stage component at
 * the wrong stage or among the attempt interceptors, one component registered twice; and typed
 * registration, which places each built-in at its own stage.
 */
class LlmGateWiringTest {
    private final ScriptedProvider provider = ScriptedProvider.answering(LlmGateChainTest::echo);
    private final AuditLog audit = AuditLog.builder(new InMemoryAuditSink(), AuditSigningKey.fromSeed(new byte[32]))
            .scheduleCheckpoints(false)
            .build();
    private final Router router = Router.builder()
            .route(Route.builder("fast").deployment("p:routed-model").build())
            .build();
    private final BudgetInterceptor budgets = BudgetInterceptor.builder()
            .limit(BudgetLimit.requests(100, Duration.ofMinutes(1)).perTenant().build())
            .build();
    private final ResponseCache cache = ResponseCache.builder().build();

    @AfterEach
    void closeLog() {
        audit.close();
    }

    private LlmGate.Builder gate() {
        return LlmGate.builder().provider("p", provider);
    }

    private static ConfigurationException buildFails(LlmGate.Builder builder) {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, builder::build);
        assertThat(e).as("build() must fail").isNotNull();
        return e;
    }

    // --- an alias that hides a route ---

    @Test
    void anAliasNamedLikeARouteFailsAtBuildNamingBothAndTheFix() {
        ConfigurationException e =
                buildFails(gate().alias("fast", "p:aliased-model").addInterceptor(Stage.ROUTING, router));

        assertThat(e.problems())
                .singleElement()
                .asString()
                .contains("alias 'fast'")
                .contains("route 'fast' of Router[fast]")
                .contains("aliases are resolved before routing")
                .contains("deployments would never be used")
                .contains("remove .alias(\"fast\", ...)");
    }

    @Test
    void theConflictIsFoundWhicheverWayTheRouterIsRegistered() {
        assertThat(buildFails(gate().addInterceptor(router).alias("fast", "p:aliased-model"))
                        .getMessage())
                .contains("alias 'fast'")
                .contains("route 'fast'");
    }

    @Test
    void aRouteAndAnAliasOfDifferentNamesEachResolve() {
        try (LlmGate gate =
                gate().alias("cheap", "p:aliased-model").addInterceptor(router).build()) {
            gate.chat("fast", "hi");
            gate.chat("cheap", "hi");
        }
        assertThat(provider.requests()).extracting(r -> r.model()).containsExactly("routed-model", "aliased-model");
    }

    // --- built-ins at the wrong stage ---

    @Test
    void theRouterAtTheAuditStageFailsAtBuild() {
        ConfigurationException e = buildFails(gate().addInterceptor(Stage.AUDIT, router));

        assertThat(e.problems())
                .singleElement()
                .asString()
                .isEqualTo("Router[fast] was added at stage AUDIT, but it belongs at stage ROUTING: add it with"
                        + " .addInterceptor(component), without a stage, and the gate places it at ROUTING");
    }

    @Test
    void everyBuiltInOfTheCoreRefusesEveryOtherStage() {
        Map<Interceptor, Stage> own = Map.of(
                router,
                Stage.ROUTING,
                budgets,
                Stage.BUDGET,
                cache.interceptor(),
                Stage.CACHE,
                audit.interceptor(),
                Stage.AUDIT,
                audit.redactedRequestCapture(),
                Stage.BUDGET);
        own.forEach((component, stage) -> {
            for (Stage wrong : Stage.values()) {
                if (wrong != stage) {
                    assertThat(buildFails(gate().addInterceptor(wrong, component))
                                    .getMessage())
                            .as(component + " at " + wrong)
                            .contains("was added at stage " + wrong + ", but it belongs at stage " + stage);
                }
            }
            gate().addInterceptor(stage, component).build().close();
        });
    }

    @Test
    void aBuiltInAmongTheAttemptInterceptorsFailsAtBuild() {
        ConfigurationException e = buildFails(gate().addAttemptInterceptor(cache.interceptor()));

        assertThat(e.problems())
                .singleElement()
                .asString()
                .contains("was added as an attempt interceptor, but it belongs at stage CACHE")
                .contains(".addInterceptor(component)");
    }

    @Test
    void everyMisplacedComponentIsReportedAtOnce() {
        ConfigurationException e = buildFails(gate().addInterceptor(Stage.AUDIT, router)
                .addInterceptor(Stage.CACHE, budgets)
                .addAttemptInterceptor(audit.interceptor())
                .alias("x", "nope:m"));

        assertThat(e.problems()).hasSize(4);
    }

    @Test
    void oneComponentRegisteredTwiceFailsAtBuild() {
        ConfigurationException e =
                buildFails(gate().addInterceptor(Stage.ROUTING, router).addInterceptor(router));

        assertThat(e.problems()).singleElement().asString().contains("Router[fast] is registered twice");
    }

    // --- typed registration ---

    @Test
    void addInterceptorWithoutAStagePlacesEachBuiltInAtItsOwnStage() {
        Interceptor timing = chain -> chain.proceed(chain.request());
        try (LlmGate gate = gate().addInterceptor(cache.interceptor())
                .addInterceptor(router)
                .addInterceptor(budgets)
                .addInterceptor(timing)
                .addInterceptor(audit.interceptor())
                .addInterceptor(audit.redactedRequestCapture())
                .addAttemptInterceptor(timing)
                .build()) {
            List<String> expected = List.of(
                    "application: lambda interceptor",
                    "AUDIT: AuditInterceptor[",
                    "BUDGET: BudgetInterceptor[",
                    "BUDGET: AuditRedactedRequestCapture[",
                    "ROUTING: AliasResolver{}",
                    "ROUTING: Router[fast]",
                    "CACHE: " + cache,
                    "attempt: lambda interceptor",
                    "provider: ");
            List<String> chain = gate.describeChain();
            assertThat(chain).hasSameSizeAs(expected);
            for (int i = 0; i < chain.size(); i++) {
                assertThat(chain.get(i)).startsWith(expected.get(i));
            }
            gate.chat("fast", "hi");
        }
        assertThat(provider.requests()).extracting(r -> r.model()).containsExactly("routed-model");
    }

    @Test
    void anInterceptorOfYourOwnCanBelongAtAStage() {
        StagedInterceptor tenantCheck = new Named("TenantCheck", "POLICY");
        try (LlmGate gate = gate().addInterceptor(tenantCheck).build()) {
            assertThat(gate.describeChain()).contains("POLICY: TenantCheck");
        }
        assertThat(buildFails(gate().addInterceptor(Stage.CACHE, tenantCheck)).getMessage())
                .contains("TenantCheck was added at stage CACHE, but it belongs at stage POLICY");
    }

    @Test
    void aStageNameThatIsNoStageFailsAtBuild() {
        ConfigurationException e = buildFails(gate().addInterceptor(new Named("TenantCheck", "POLICIES")));

        assertThat(e.problems())
                .singleElement()
                .asString()
                .isEqualTo(
                        "TenantCheck names stage 'POLICIES' in stageName(), which a gate does not have: return one of"
                                + " [AUDIT, POLICY, BUDGET, ROUTING, CACHE]");
    }

    @Test
    void theStyleWithAStageKeepsWorkingForABuiltInAtItsOwnStage() {
        try (LlmGate gate = gate().addInterceptor(Stage.ROUTING, router)
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build()) {
            gate.chat("fast", "hi");
        }
        assertThat(provider.requests()).extracting(r -> r.model()).containsExactly("routed-model");
    }

    /** A staged interceptor of the application's own. */
    private record Named(String name, String stageName) implements StagedInterceptor {
        @Override
        public ChatResult intercept(Chain chain) {
            return chain.proceed(chain.request());
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
