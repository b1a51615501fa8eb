package dev.llmgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.Usage;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Cost arithmetic with exact values. Usage convention: inputTokens includes cache reads and cache writes;
 * outputTokens includes reasoning tokens.
 */
class ModelInfoCostTest {

    private static final ModelCatalog CATALOG = ModelCatalog.defaults();

    private static ModelInfo model(String provider, String model) {
        return CATALOG.lookup(provider, model).orElseThrow();
    }

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }

    // ---- OpenAI ----

    @Test
    void openAiPlainInputAndOutput() {
        // 1,000 x $2.50/M + 500 x $10/M
        assertThat(model("openai", "gpt-4o").cost(Usage.of(1_000, 500))).isEqualTo(usd("0.0075"));
    }

    @Test
    void openAiCachedInputIsPartOfInputAndBilledAtTheCachedPrice() {
        // prompt_tokens 10,000 of which cached_tokens 4,000: 6,000 x $2.50 + 4,000 x $1.25 + 1,000 x $10 (per million)
        Usage usage = new Usage(10_000, 1_000, 4_000, 0, 0);
        assertThat(model("openai", "gpt-4o-2024-08-06").cost(usage)).isEqualTo(usd("0.03"));
        assertThat(model("openai", "gpt-4o").costBreakdown(usage))
                .isEqualTo(new CostBreakdown(usd("0.015"), usd("0.005"), BigDecimal.ZERO, usd("0.01")));
    }

    @Test
    void openAiReasoningTokensAreBilledAsOutputNotOnTop() {
        // completion_tokens 3,000 of which reasoning_tokens 2,500: 2,000 x $1.10 + 3,000 x $4.40 (per million)
        Usage usage = new Usage(2_000, 3_000, 0, 2_500, 0);
        assertThat(model("openai", "o4-mini").cost(usage)).isEqualTo(usd("0.0154"));
        assertThat(model("openai", "o4-mini").cost(usage))
                .isEqualTo(model("openai", "o4-mini").cost(Usage.of(2_000, 3_000)));
    }

    @Test
    void tinyAmountsStayExact() {
        // $0.05/M + $0.40/M for one token each: 0.00000045, which no double represents exactly
        assertThat(model("openai", "gpt-5-nano").cost(Usage.of(1, 1))).isEqualTo(usd("0.00000045"));
        assertThat(model("openai", "gpt-5").cost(new Usage(1_000_000, 0, 1_000_000, 0, 0)))
                .isEqualTo(usd("0.125"));
    }

    @Test
    void aModelWithoutCachedPriceBillsCachedTokensAtTheInputPrice() {
        assertThat(model("openai", "gpt-4o-2024-05-13").cost(new Usage(1_000, 0, 400, 0, 0)))
                .isEqualTo(usd("0.005"));
    }

    @Test
    void embeddingsCostInputOnly() {
        assertThat(model("openai", "text-embedding-3-small").cost(Usage.of(12_345, 0)))
                .isEqualTo(usd("0.0002469"));
        assertThat(model("gemini", "gemini-embedding-001").cost(Usage.of(2_000, 0)))
                .isEqualTo(usd("0.0003"));
    }

    @Test
    void aMissingPriceIsAnErrorThatSaysHowToFixIt() {
        ModelInfo embedding = model("openai", "text-embedding-3-small");
        assertThatThrownBy(() -> embedding.cost(Usage.of(10, 5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no output price is known for openai/text-embedding-3-small")
                .hasMessageContaining("5 output tokens")
                .hasMessageContaining("outputUsdPerMillion");
        assertThat(CATALOG.cost("openai", "text-embedding-3-small", Usage.of(10, 5)))
                .isEmpty();
        assertThat(CATALOG.cost("openai", "no-such-model", Usage.of(10, 5))).isEmpty();
        assertThat(CATALOG.cost("azure-openai", "gpt-4o-2024-11-20", Usage.of(1_000, 500)))
                .contains(usd("0.0075"));

        ModelInfo unpriced = ModelInfo.builder("custom", "m").build();
        assertThat(unpriced.cost(Usage.ZERO)).isEqualTo(BigDecimal.ZERO);
        assertThatThrownBy(() -> unpriced.cost(Usage.of(1, 0)))
                .hasMessageContaining("no input price is known for custom/m");
    }

    // ---- Anthropic ----

    @Test
    void anthropicPlainInputAndOutput() {
        assertThat(model("anthropic", "claude-opus-4-1-20250805").cost(Usage.of(1_000_000, 1_000_000)))
                .isEqualTo(usd("90"));
        assertThat(model("anthropic", "claude-haiku-4-5").cost(Usage.of(2_000, 300)))
                .isEqualTo(usd("0.0035"));
    }

    @Test
    void anthropicCacheReadsAndWritesAreIncludedInInputTokens() {
        // The API reported input_tokens=100 (excluding cache), cache_read_input_tokens=5,000,
        // cache_creation_input_tokens=2,000, output_tokens=800. Normalized: inputTokens = 100 + 5,000 + 2,000.
        Usage usage = new Usage(100 + 5_000 + 2_000, 800, 5_000, 0, 2_000);
        // 100 x $3 + 5,000 x $0.30 + 2,000 x $3.75 + 800 x $15 (per million)
        CostBreakdown breakdown =
                model("anthropic", "claude-sonnet-4-5-20250929").costBreakdown(usage);

        assertThat(breakdown).isEqualTo(new CostBreakdown(usd("0.0003"), usd("0.0015"), usd("0.0075"), usd("0.012")));
        assertThat(breakdown.input()).isEqualTo(usd("0.0093"));
        assertThat(breakdown.total()).isEqualTo(usd("0.0213"));
    }

    @Test
    void anthropicCacheWriteOnly() {
        // first call of a cached prompt: everything written to the cache, at $1.00/M for Haiku 3.5
        assertThat(model("anthropic", "claude-3-5-haiku").cost(new Usage(3_000, 0, 0, 0, 3_000)))
                .isEqualTo(usd("0.003"));
        // Opus 4: 10,000 written at $18.75/M, 200 output at $75/M
        assertThat(model("anthropic", "claude-opus-4").cost(new Usage(10_000, 200, 0, 0, 10_000)))
                .isEqualTo(usd("0.2025"));
    }

    @Test
    void anthropicExtendedThinkingIsOutput() {
        Usage usage = new Usage(1_000, 4_000, 0, 3_000, 0);
        assertThat(model("anthropic", "claude-3-7-sonnet-latest").cost(usage)).isEqualTo(usd("0.063"));
    }

    @Test
    void usageThatCountsCacheTokensOutsideInputIsRejected() {
        // An adapter that copied Anthropic's input_tokens (100) without adding reads and writes
        Usage wrong = new Usage(100, 800, 5_000, 0, 2_000);
        assertThatThrownBy(() -> model("anthropic", "claude-sonnet-4-5").cost(wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cachedInputTokens (5000) + cacheWriteTokens (2000) exceed inputTokens (100)")
                .hasMessageContaining(
                        "inputTokens = input_tokens + cache_read_input_tokens + cache_creation_input_tokens");
        assertThatThrownBy(() -> CATALOG.cost("anthropic", "claude-sonnet-4-5", wrong))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void usageWithMoreReasoningThanOutputIsRejected() {
        // A Gemini adapter that forgot to add thoughtsTokenCount to outputTokens
        assertThatThrownBy(() -> model("gemini", "gemini-2.5-flash").cost(new Usage(10, 5, 0, 50, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reasoningTokens (50) exceed outputTokens (5)")
                .hasMessageContaining("thoughtsTokenCount");
    }

    // ---- Gemini ----

    @Test
    void geminiProWithCachedContentAndThinking() {
        // promptTokenCount 100,000 incl. cachedContentTokenCount 60,000; candidates 15,000 + thoughts 5,000
        Usage usage = new Usage(100_000, 20_000, 60_000, 5_000, 0);
        // 40,000 x $1.25 + 60,000 x $0.125 + 20,000 x $10 (per million), the <=200k tier
        assertThat(model("gemini", "gemini-2.5-pro").cost(usage)).isEqualTo(usd("0.2575"));
    }

    @Test
    void geminiFlashLiteOddTokenCounts() {
        // 1,234,567 x $0.10 + 7,654,321 x $0.40 (per million)
        assertThat(model("gemini", "models/gemini-2.5-flash-lite").cost(Usage.of(1_234_567, 7_654_321)))
                .isEqualTo(usd("3.1851851"));
        // cached at $0.03/M on 2.5 Flash
        assertThat(model("gemini", "gemini-2.5-flash").cost(new Usage(1_000_000, 0, 1_000_000, 0, 0)))
                .isEqualTo(usd("0.03"));
    }

    // ---- ModelInfo values ----

    @Test
    void pricesAreNormalizedSoEqualValuesMakeEqualEntries() {
        ModelInfo a = ModelInfo.builder("p", "m")
                .inputUsdPerMillion("2.50")
                .outputUsdPerMillion("10.00")
                .build();
        ModelInfo b = ModelInfo.builder("p", "m")
                .inputUsdPerMillion(new BigDecimal("2.5"))
                .outputUsdPerMillion(BigDecimal.TEN)
                .build();
        assertThat(a).isEqualTo(b);
        assertThat(a.outputUsdPerMillion()).contains(new BigDecimal("10"));
        assertThat(a.cost(Usage.of(1_000_000, 0))).isEqualTo(usd("2.5"));
        assertThat(a.cost(Usage.of(400_000, 0))).isEqualTo(usd("1"));
    }

    @Test
    void invalidValuesAreRejectedWithTheirName() {
        assertThatThrownBy(() ->
                        ModelInfo.builder("p", "m").inputUsdPerMillion("-1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputUsdPerMillion of p/m must not be negative");
        assertThatThrownBy(() -> ModelInfo.builder("p", "m").contextWindow(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contextWindow of p/m must be at least 1");
        assertThatThrownBy(() -> ModelInfo.builder("p", "a\tb").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tab or line break");
        assertThatThrownBy(() -> ModelInfo.builder(" ", "m").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider must not be blank");
        assertThatThrownBy(() -> ModelInfo.builder("p", "m").outputUsdPerMillion("ten"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputUsdPerMillion must be a decimal number");
        assertThatThrownBy(() -> ModelInfo.builder("p", "m").contextWindow((OptionalInt) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("OptionalInt.empty()");
        assertThatThrownBy(() -> ModelInfo.builder("p", "m").inputUsdPerMillion((Optional<BigDecimal>) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Optional.empty()");
    }

    @Test
    void breakdownsAddUp() {
        CostBreakdown one = new CostBreakdown(usd("0.10"), usd("0.02"), usd("0.003"), usd("0.5"));
        CostBreakdown sum = one.plus(one);
        assertThat(sum).isEqualTo(new CostBreakdown(usd("0.2"), usd("0.04"), usd("0.006"), usd("1")));
        assertThat(sum.total()).isEqualTo(usd("1.246"));
        assertThat(CostBreakdown.ZERO.total()).isEqualTo(BigDecimal.ZERO);
    }
}
