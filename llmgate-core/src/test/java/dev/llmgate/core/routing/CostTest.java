package dev.llmgate.core.routing;

import static dev.llmgate.core.routing.Fakes.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.catalog.ModelCatalog;
import dev.llmgate.core.catalog.ModelInfo;
import dev.llmgate.testing.ScriptedProvider;
import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The call's cost from the catalog, for each vendor's way of counting cached, reasoning and cache-write tokens. */
class CostTest {
    private final Fakes.ContextSpy spy = new Fakes.ContextSpy();

    private Optional<BigDecimal> costOf(String family, String model, Usage usage, ModelCatalog catalog) {
        ScriptedProvider p = ScriptedProvider.replying(answer("ok", usage));
        Router r = Router.builder()
                .catalog(catalog)
                .route(Route.builder("m")
                        .deployment(Deployment.builder("my-deployment", model)
                                .catalogProvider(family)
                                .build())
                        .build())
                .build();
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(spy)
                .addInterceptor(Stage.ROUTING, r)
                .provider("my-deployment", p)
                .build()) {
            gate.chat("m", "hi");
            return spy.last.get().get(CallFacts.COST_USD);
        }
    }

    private Optional<BigDecimal> costOf(String family, String model, Usage usage) {
        return costOf(family, model, usage, ModelCatalog.defaults());
    }

    @Test
    void openAiCachedInputAndReasoning() {
        // 600 uncached x 2.50 + 400 cached x 1.25 + 200 output (50 reasoning inside) x 10, per million
        assertThat(costOf("openai", "gpt-4o-2024-08-06", new Usage(1000, 200, 400, 50, 0)))
                .contains(new BigDecimal("0.004"));
    }

    @Test
    void anthropicCacheReadsAndWrites() {
        // 7000 x 3 + 2000 x 0.30 + 1000 x 3.75 + 500 x 15, per million
        assertThat(costOf("anthropic", "claude-sonnet-4-5-20250929", new Usage(10_000, 500, 2000, 100, 1000)))
                .contains(new BigDecimal("0.03285"));
    }

    @Test
    void geminiThinkingTokensAtTheOutputPrice() {
        // 800 x 0.30 + 200 x 0.03 + 300 (100 thinking) x 2.50, per million
        assertThat(costOf("gemini", "gemini-2.5-flash", new Usage(1000, 300, 200, 100, 0)))
                .contains(new BigDecimal("0.000996"));
    }

    @Test
    void azureFallsBackToOpenAiPrices() {
        assertThat(costOf("azure-openai", "gpt-4o-mini", Usage.of(1_000_000, 1_000_000)))
                .contains(new BigDecimal("0.75"));
    }

    @Test
    void anUnknownModelLeavesTheCostUnsetAndACustomEntryPricesIt() {
        assertThat(costOf("local", "sim", Usage.of(1000, 1000))).isEmpty();
        ModelCatalog custom = ModelCatalog.defaults()
                .with(ModelInfo.builder("local", "sim")
                        .inputUsdPerMillion("1")
                        .outputUsdPerMillion("2")
                        .build());
        assertThat(costOf("local", "sim", Usage.of(1000, 1000), custom)).contains(new BigDecimal("0.003"));
    }
}
