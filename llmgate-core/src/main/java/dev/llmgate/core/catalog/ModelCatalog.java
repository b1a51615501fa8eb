package dev.llmgate.core.catalog;

import dev.llmgate.api.Usage;
import dev.llmgate.core.catalog.internal.CatalogTsv;
import dev.llmgate.core.catalog.internal.SnapshotIds;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Known models with their limits and list prices, to estimate and account for what calls cost.
 * {@link #defaults()} is the catalog bundled with llmgate (OpenAI, Anthropic and Gemini models; see
 * {@code docs/model-catalog.md} for the data, its sources and the date it was checked). Override or add
 * entries with {@link #with(ModelInfo...)} or {@link #toBuilder()}, or load your own file with
 * {@link #fromTsv(Reader, String)}.
 *
 * <p>Lookup: {@link #lookup(String, String)} finds a model by provider family and id. A dated snapshot
 * id finds its base entry by the longest known prefix ({@code gpt-4o-2024-08-06} finds {@code gpt-4o},
 * {@code claude-sonnet-4-5-20250929} finds {@code claude-sonnet-4-5}), unless the snapshot has an entry
 * of its own. A provider without an entry for a model falls back to another provider's entries where one
 * is configured: by default {@code azure-openai} falls back to {@code openai} (Azure's list prices for
 * OpenAI models are close to, not always equal to, OpenAI's; add {@code azure-openai} entries for
 * exact ones).
 *
 * <p>Guarantees: a catalog is immutable and thread-safe; {@link #defaults()} parses the bundled file
 * once, on first use, and returns the same instance afterwards; an entry added later (by a builder or
 * {@link #with}) replaces an entry with the same provider and model, so your entries always win over
 * the bundled ones; lookups never throw for unknown models, they return empty.
 *
 * <p>Prices are the vendors' standard (pay-as-you-go, non-batch) list prices in USD per million
 * tokens; see {@link ModelInfo} for how a {@link Usage} is priced.
 */
public final class ModelCatalog {

    /** The bundled catalog resource, next to this class. */
    public static final String BUNDLED_RESOURCE = "models.tsv";

    private static final Map<String, String> DEFAULT_FALLBACKS = Map.of("azure-openai", "openai");

    private final Map<String, Map<String, ModelInfo>> byProvider;
    private final List<ModelInfo> entries;
    private final Map<String, String> fallbacks;

    private ModelCatalog(Map<String, ModelInfo> entries, Map<String, String> fallbacks) {
        Map<String, Map<String, ModelInfo>> grouped = new LinkedHashMap<>();
        for (ModelInfo info : entries.values()) {
            grouped.computeIfAbsent(info.provider(), p -> new LinkedHashMap<>()).put(info.model(), info);
        }
        Map<String, Map<String, ModelInfo>> frozen = new LinkedHashMap<>();
        grouped.forEach((provider, models) -> frozen.put(provider, Collections.unmodifiableMap(models)));
        this.byProvider = Collections.unmodifiableMap(frozen);
        this.entries = List.copyOf(entries.values());
        this.fallbacks = Collections.unmodifiableMap(new LinkedHashMap<>(fallbacks));
    }

    /**
     * The catalog bundled with llmgate, parsed once on first use.
     *
     * @throws IllegalStateException if the bundled resource is missing or broken (a packaging error)
     */
    public static ModelCatalog defaults() {
        return Bundled.INSTANCE;
    }

    /** A catalog without entries (with the default provider fallbacks). */
    public static ModelCatalog empty() {
        return builder().build();
    }

    /** A builder for an empty catalog, with the default provider fallback {@code azure-openai -> openai}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Shorthand for {@code fromTsv(reader, "model catalog")}. */
    public static ModelCatalog fromTsv(Reader reader) {
        return fromTsv(reader, "model catalog");
    }

    /**
     * Reads a catalog from a TSV file in the format of the bundled {@code models.tsv} (described in
     * {@code docs/model-catalog.md}): {@code #} comment lines, a header line naming the columns, one
     * entry per line, tab-separated, empty values for unknowns. The reader is read to the end, not closed.
     * To use your file on top of the bundled data, write
     * {@code ModelCatalog.defaults().toBuilder().addAll(ModelCatalog.fromTsv(reader, "my-models.tsv")).build()}.
     *
     * @param source a name for the file, used in error messages
     * @throws ModelCatalogParseException naming the line number, the column and what was expected
     * @throws UncheckedIOException       if reading fails
     */
    public static ModelCatalog fromTsv(Reader reader, String source) {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(source, "source");
        return builder().addAll(CatalogTsv.read(reader, source)).build();
    }

    /**
     * The entry for {@code model} of provider family {@code provider}: the exact entry; else, for a
     * snapshot id, the entry of its longest known prefix followed only by date or version segments
     * ({@code -2024-08-06}, {@code -20250929}, {@code @20250929}, {@code -001}, {@code -latest}); else the
     * same search in the provider's fallback. A leading {@code "models/"} (as Gemini returns ids) is
     * ignored. Ids are case-sensitive, as the vendors' APIs are.
     */
    public Optional<ModelInfo> lookup(String provider, String model) {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
        Set<String> visited = new LinkedHashSet<>();
        for (String p = provider; p != null && visited.add(p); p = fallbacks.get(p)) {
            Map<String, ModelInfo> models = byProvider.get(p);
            if (models != null) {
                Optional<ModelInfo> found = SnapshotIds.find(models, id);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The cost of {@code usage} on {@code provider}'s {@code model} in USD, if the model is known and
     * priced for every kind of token in {@code usage}; see {@link ModelInfo#cost(Usage)}.
     *
     * @throws IllegalArgumentException if {@code usage} breaks the convention documented on {@link ModelInfo}
     */
    public Optional<BigDecimal> cost(String provider, String model, Usage usage) {
        Objects.requireNonNull(usage, "usage");
        Optional<ModelInfo> info = lookup(provider, model);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(info.get().cost(usage));
        } catch (IllegalStateException missingPrice) {
            return Optional.empty();
        }
    }

    /** Every entry, in the order added (bundled file order for {@link #defaults()}). */
    public List<ModelInfo> entries() {
        return entries;
    }

    /** How many entries. */
    public int size() {
        return entries.size();
    }

    /** The provider families with at least one entry. */
    public Set<String> providers() {
        return byProvider.keySet();
    }

    /** The configured provider fallbacks, e.g. {@code azure-openai -> openai}. */
    public Map<String, String> fallbackProviders() {
        return fallbacks;
    }

    /** This catalog with {@code overrides} added; each replaces an entry with the same provider and model. */
    public ModelCatalog with(ModelInfo... overrides) {
        Objects.requireNonNull(overrides, "overrides");
        return toBuilder().addAll(List.of(overrides)).build();
    }

    /** A builder that starts with this catalog's entries and fallbacks. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.fallbacks.clear();
        b.fallbacks.putAll(fallbacks);
        b.addAll(entries);
        return b;
    }

    /**
     * Writes this catalog in the TSV format {@link #fromTsv(Reader, String)} reads (header line and
     * every column; no comments), e.g. to start your own file from the bundled one. Does not close the writer.
     *
     * @throws UncheckedIOException if writing fails
     */
    public void writeTsv(Writer out) {
        CatalogTsv.write(entries, Objects.requireNonNull(out, "out"));
    }

    @Override
    public String toString() {
        return "ModelCatalog[" + entries.size() + " entries, providers " + byProvider.keySet() + "]";
    }

    /**
     * Builds a {@link ModelCatalog}. Entries are kept in the order first added; adding an entry whose
     * provider and model are already present replaces it in place.
     */
    public static final class Builder {
        private final Map<String, ModelInfo> entries = new LinkedHashMap<>();
        private final Map<String, String> fallbacks = new LinkedHashMap<>(DEFAULT_FALLBACKS);

        private Builder() {}

        /** Adds {@code info}, replacing any entry with the same provider and model. */
        public Builder add(ModelInfo info) {
            Objects.requireNonNull(info, "info");
            entries.put(key(info.provider(), info.model()), info);
            return this;
        }

        /** Adds every entry in order; later ones replace earlier ones with the same provider and model. */
        public Builder addAll(Collection<ModelInfo> infos) {
            Objects.requireNonNull(infos, "infos");
            for (ModelInfo info : infos) {
                add(info);
            }
            return this;
        }

        /** Adds every entry of {@code catalog} (its fallbacks are not copied); they replace entries with the same key. */
        public Builder addAll(ModelCatalog catalog) {
            Objects.requireNonNull(catalog, "catalog");
            return addAll(catalog.entries());
        }

        /** Removes the entry for {@code provider}'s {@code model}, if any. */
        public Builder remove(String provider, String model) {
            entries.remove(key(Objects.requireNonNull(provider, "provider"), Objects.requireNonNull(model, "model")));
            return this;
        }

        /**
         * Makes lookups for {@code provider} that find nothing continue in {@code fallback}'s entries,
         * e.g. {@code fallbackProvider("azure-openai", "openai")} (configured by default).
         *
         * @throws IllegalArgumentException if this would make a cycle of fallbacks
         */
        public Builder fallbackProvider(String provider, String fallback) {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(fallback, "fallback");
            if (provider.equals(fallback)) {
                throw new IllegalArgumentException("provider '" + provider + "' cannot fall back to itself");
            }
            List<String> chain = new ArrayList<>(List.of(provider));
            for (String p = fallback; p != null; p = fallbacks.get(p)) {
                chain.add(p);
                if (p.equals(provider)) {
                    throw new IllegalArgumentException(
                            "falling back from '" + provider + "' to '" + fallback + "' would make a cycle: "
                                    + String.join(" -> ", chain) + ". Remove one of these fallbacks first");
                }
            }
            fallbacks.put(provider, fallback);
            return this;
        }

        /** Removes every provider fallback, including the default {@code azure-openai -> openai}. */
        public Builder clearFallbackProviders() {
            fallbacks.clear();
            return this;
        }

        /** Builds the catalog. */
        public ModelCatalog build() {
            return new ModelCatalog(entries, fallbacks);
        }

        private static String key(String provider, String model) {
            return provider + "\t" + model;
        }
    }

    /** Holds the bundled catalog; the JVM initializes it once, thread-safely, on first use. */
    private static final class Bundled {
        static final ModelCatalog INSTANCE = load();

        private static ModelCatalog load() {
            try (InputStream in = ModelCatalog.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled model catalog "
                            + ModelCatalog.class.getPackageName().replace('.', '/')
                            + "/" + BUNDLED_RESOURCE
                            + " is missing from the classpath: the llmgate-core jar is incomplete,"
                            + " rebuild or re-download it");
                }
                return fromTsv(new InputStreamReader(in, StandardCharsets.UTF_8), BUNDLED_RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the bundled model catalog " + BUNDLED_RESOURCE + " failed", e);
            } catch (ModelCatalogParseException e) {
                throw new IllegalStateException(
                        "the bundled model catalog is broken (a packaging error): " + e.getMessage(), e);
            }
        }
    }
}
