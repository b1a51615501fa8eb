package dev.llmgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelCatalogLookupTest {

    private final ModelCatalog catalog = ModelCatalog.defaults();

    @ParameterizedTest(name = "{0}/{1} -> {2}")
    @CsvSource({
        "openai,    gpt-4o,                        gpt-4o",
        "openai,    gpt-4o-2024-08-06,             gpt-4o",
        "openai,    gpt-4o-2024-11-20,             gpt-4o",
        "openai,    gpt-4o-2024-05-13,             gpt-4o-2024-05-13",
        "openai,    gpt-4o-mini-2024-07-18,        gpt-4o-mini",
        "openai,    gpt-4.1-2025-04-14,            gpt-4.1",
        "openai,    gpt-4.1-nano-2025-04-14,       gpt-4.1-nano",
        "openai,    o3-2025-04-16,                 o3",
        "openai,    o4-mini-2025-04-16,            o4-mini",
        "openai,    gpt-5-2025-08-07,              gpt-5",
        "openai,    gpt-5-mini-2025-08-07,         gpt-5-mini",
        "openai,    text-embedding-3-large,        text-embedding-3-large",
        "anthropic, claude-sonnet-4-5-20250929,    claude-sonnet-4-5",
        "anthropic, claude-sonnet-4-5@20250929,    claude-sonnet-4-5",
        "anthropic, claude-sonnet-4-20250514,      claude-sonnet-4",
        "anthropic, claude-opus-4-1-20250805,      claude-opus-4-1",
        "anthropic, claude-opus-4-20250514,        claude-opus-4",
        "anthropic, claude-opus-4-0,               claude-opus-4-0",
        "anthropic, claude-haiku-4-5-20251001,     claude-haiku-4-5",
        "anthropic, claude-3-7-sonnet-20250219,    claude-3-7-sonnet",
        "anthropic, claude-3-7-sonnet-latest,      claude-3-7-sonnet",
        "anthropic, claude-3-5-haiku-20241022,     claude-3-5-haiku",
        "gemini,    gemini-2.5-pro,                gemini-2.5-pro",
        "gemini,    models/gemini-2.5-flash,       gemini-2.5-flash",
        "gemini,    gemini-2.0-flash-001,          gemini-2.0-flash",
        "gemini,    gemini-2.5-flash-lite,         gemini-2.5-flash-lite",
        "gemini,    gemini-embedding-001,          gemini-embedding-001",
    })
    void findsExactIdsAndDatedSnapshotsByLongestKnownPrefix(String provider, String model, String expected) {
        assertThat(catalog.lookup(provider, model))
                .get()
                .extracting(ModelInfo::model)
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "o3-pro",
                "o3-mini",
                "o3-mini-2025-01-31",
                "gpt-5-pro",
                "gpt-5-codex",
                "gpt-4o-audio-preview",
                "gpt-4.1-mini-preview",
                "gpt-4",
                "gpt-4o-20",
                "gpt-4o-2024-08"
            })
    void aDifferentModelThatOnlyStartsLikeAKnownOneIsNotMatched(String model) {
        assertThat(catalog.lookup("openai", model)).isEmpty();
    }

    @Test
    void aNewerVersionIsNotMistakenForASnapshotOfAnOlderOne() {
        assertThat(catalog.lookup("anthropic", "claude-sonnet-4-6")).isEmpty();
        assertThat(catalog.lookup("anthropic", "claude-opus-4-5-20251101")).isEmpty();
        assertThat(catalog.lookup("gemini", "gemini-2.5-flash-preview-09-2025")).isEmpty();
        assertThat(catalog.lookup("gemini", "gemini-2.5-flash-image")).isEmpty();
    }

    @Test
    void aDatedSnapshotWithItsOwnEntryUsesItsOwnPrices() {
        assertThat(catalog.lookup("openai", "gpt-4o-2024-05-13").orElseThrow().inputUsdPerMillion())
                .contains(new BigDecimal("5"));
        assertThat(catalog.lookup("openai", "gpt-4o-2024-08-06").orElseThrow().inputUsdPerMillion())
                .contains(new BigDecimal("2.5"));
    }

    @Test
    void unknownProvidersAndModelsAreEmptyNotErrors() {
        assertThat(catalog.lookup("mistral", "mistral-large-latest")).isEmpty();
        assertThat(catalog.lookup("anthropic", "gpt-4o")).isEmpty();
        assertThat(catalog.lookup("openai", "")).isEmpty();
        assertThat(catalog.lookup("OpenAI", "gpt-4o"))
                .as("provider families are case-sensitive")
                .isEmpty();
    }

    @Test
    void azureOpenAiFallsBackToOpenAiData() {
        assertThat(catalog.fallbackProviders()).containsEntry("azure-openai", "openai");
        assertThat(catalog.lookup("azure-openai", "gpt-4o-2024-08-06")).get().satisfies(info -> {
            assertThat(info.provider()).isEqualTo("openai");
            assertThat(info.model()).isEqualTo("gpt-4o");
        });
    }

    @Test
    void anAzureEntryOfTheUserWinsOverTheOpenAiFallback() {
        ModelInfo azure = ModelInfo.builder("azure-openai", "gpt-4o")
                .inputUsdPerMillion("2.75")
                .outputUsdPerMillion("11")
                .build();
        ModelCatalog withAzure = catalog.with(azure);

        assertThat(withAzure.lookup("azure-openai", "gpt-4o-2024-11-20")).contains(azure);
        assertThat(withAzure.lookup("azure-openai", "gpt-4.1"))
                .get()
                .extracting(ModelInfo::provider)
                .isEqualTo("openai");
        assertThat(withAzure.lookup("openai", "gpt-4o"))
                .get()
                .extracting(ModelInfo::provider)
                .isEqualTo("openai");
    }

    @Test
    void userEntriesReplaceBundledOnesAndTheDefaultsStayUnchanged() {
        ModelInfo bundled = catalog.lookup("openai", "gpt-4o").orElseThrow();
        ModelInfo negotiated = bundled.toBuilder()
                .inputUsdPerMillion("2.00")
                .outputUsdPerMillion("8.00")
                .build();

        ModelCatalog mine = catalog.with(negotiated);

        assertThat(mine.lookup("openai", "gpt-4o")).contains(negotiated);
        assertThat(mine.lookup("openai", "gpt-4o-2024-08-06"))
                .as("snapshots find the override too")
                .contains(negotiated);
        assertThat(mine.size()).isEqualTo(catalog.size());
        assertThat(mine.entries().indexOf(negotiated))
                .as("replaced in place")
                .isEqualTo(catalog.entries().indexOf(bundled));
        assertThat(catalog.lookup("openai", "gpt-4o")).contains(bundled);
        assertThat(ModelCatalog.defaults().lookup("openai", "gpt-4o")).contains(bundled);
    }

    @Test
    void builderAddsRemovesAndLaterEntriesWin() {
        ModelInfo first = ModelInfo.builder("mistral", "mistral-small")
                .inputUsdPerMillion("0.2")
                .build();
        ModelInfo second = ModelInfo.builder("mistral", "mistral-small")
                .inputUsdPerMillion("0.1")
                .build();

        ModelCatalog built = catalog.toBuilder()
                .add(first)
                .add(second)
                .remove("openai", "o3")
                .build();

        assertThat(built.lookup("mistral", "mistral-small")).contains(second);
        assertThat(built.lookup("openai", "o3")).isEmpty();
        assertThat(built.lookup("openai", "o3-2025-04-16")).isEmpty();
        assertThat(built.providers()).contains("mistral", "openai", "anthropic", "gemini");
    }

    @Test
    void aUserTsvFileLayersOverTheBundledData() {
        String tsv = "provider\tmodel\tinput_usd_per_mtok\toutput_usd_per_mtok\n"
                + "openai\tgpt-4o-mini\t0.10\t0.50\n"
                + "deepseek\tdeepseek-chat\t0.28\t0.42\n";
        ModelCatalog mine = catalog.toBuilder()
                .addAll(ModelCatalog.fromTsv(new StringReader(tsv), "mine.tsv"))
                .build();

        assertThat(mine.lookup("openai", "gpt-4o-mini-2024-07-18").orElseThrow().inputUsdPerMillion())
                .contains(new BigDecimal("0.1"));
        assertThat(mine.lookup("openai", "gpt-4o-mini").orElseThrow().contextWindow())
                .as("the user's row replaces the whole entry")
                .isEmpty();
        assertThat(mine.lookup("deepseek", "deepseek-chat")).isPresent();
        assertThat(mine.lookup("openai", "gpt-5")).isPresent();
    }

    @Test
    void fallbacksCanBeConfiguredButNotInACycle() {
        ModelCatalog.Builder b = ModelCatalog.builder()
                .add(ModelInfo.builder("anthropic", "claude-haiku-4-5")
                        .inputUsdPerMillion("1")
                        .build())
                .fallbackProvider("bedrock-anthropic", "anthropic");
        assertThat(b.build().lookup("bedrock-anthropic", "claude-haiku-4-5-20251001"))
                .isPresent();

        assertThatThrownBy(() -> b.fallbackProvider("anthropic", "bedrock-anthropic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cycle")
                .hasMessageContaining("anthropic -> bedrock-anthropic -> anthropic");
        assertThatThrownBy(() -> b.fallbackProvider("x", "x")).isInstanceOf(IllegalArgumentException.class);

        ModelCatalog none = catalog.toBuilder().clearFallbackProviders().build();
        assertThat(none.lookup("azure-openai", "gpt-4o")).isEmpty();
    }

    @Test
    void defaultsAreLoadedOnceAndImmutable() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<ModelCatalog>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tasks.add(ModelCatalog::defaults);
            }
            for (Future<ModelCatalog> f : pool.invokeAll(tasks)) {
                assertThat(f.get()).isSameAs(ModelCatalog.defaults());
            }
        } finally {
            pool.shutdownNow();
        }
        ModelInfo any = catalog.entries().get(0);
        assertThatThrownBy(() -> catalog.entries().add(any)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> catalog.fallbackProviders().put("a", "b"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void bundledDataCoversTheDocumentedModelsCompletely() {
        assertThat(catalog.providers()).containsExactly("openai", "anthropic", "gemini");
        for (String model : List.of(
                "gpt-4o",
                "gpt-4o-mini",
                "gpt-4.1",
                "gpt-4.1-mini",
                "gpt-4.1-nano",
                "o3",
                "o4-mini",
                "gpt-5",
                "gpt-5-mini",
                "gpt-5-nano",
                "text-embedding-3-small",
                "text-embedding-3-large")) {
            assertThat(catalog.lookup("openai", model))
                    .as(model)
                    .get()
                    .extracting(ModelInfo::model)
                    .isEqualTo(model);
        }
        for (String model : List.of(
                "claude-opus-4-1",
                "claude-opus-4",
                "claude-sonnet-4-5",
                "claude-sonnet-4",
                "claude-3-7-sonnet",
                "claude-haiku-4-5",
                "claude-3-5-haiku")) {
            assertThat(catalog.lookup("anthropic", model))
                    .as(model)
                    .get()
                    .extracting(ModelInfo::model)
                    .isEqualTo(model);
        }
        for (String model : List.of(
                "gemini-2.5-pro",
                "gemini-2.5-flash",
                "gemini-2.5-flash-lite",
                "gemini-2.0-flash",
                "gemini-embedding-001")) {
            assertThat(catalog.lookup("gemini", model))
                    .as(model)
                    .get()
                    .extracting(ModelInfo::model)
                    .isEqualTo(model);
        }
        Set<String> embeddings = Set.of("text-embedding-3-small", "text-embedding-3-large", "gemini-embedding-001");
        for (ModelInfo info : catalog.entries()) {
            assertThat(info.inputUsdPerMillion()).as(info.key()).isPresent();
            if (!embeddings.contains(info.model())) {
                assertThat(info.outputUsdPerMillion()).as(info.key()).isPresent();
                assertThat(info.contextWindow()).as(info.key()).isPresent();
                assertThat(info.cachedInputUsdPerMillion().isPresent()
                                || info.model().equals("gpt-4o-2024-05-13"))
                        .as(info.key())
                        .isTrue();
            }
            if (info.provider().equals("anthropic")) {
                assertThat(info.cacheWriteUsdPerMillion()).as(info.key()).isPresent();
                assertThat(info.cacheWriteUsdPerMillion().get())
                        .as("%s: the 5-minute cache write is 1.25x input", info.key())
                        .isEqualByComparingTo(info.inputUsdPerMillion().get().multiply(new BigDecimal("1.25")));
            } else {
                assertThat(info.cacheWriteUsdPerMillion()).as(info.key()).isEmpty();
            }
        }
    }
}
