package dev.llmgate.core.catalog;

import dev.llmgate.api.Usage;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the catalog knows about one model of one provider family: its limits and its list prices in
 * USD per million tokens. A value the vendor does not publish, or that could not be verified, is
 * empty, never guessed.
 *
 * <p>Guarantees: immutable; every price is exact ({@link BigDecimal}, never a {@code double}),
 * non-negative and normalized (trailing zeros stripped, so {@code "2.50"} and {@code "2.5"} make equal
 * records); limits are positive; provider and model are non-blank and contain no tab, carriage return
 * or line feed (so every entry can be written back as one TSV line).
 *
 * <h2>Pricing convention</h2>
 * {@link #cost(Usage)} prices a {@link Usage} by llmgate's normalized convention, which is the same
 * for every provider:
 * <ul>
 *   <li>{@code inputTokens} counts <em>every</em> prompt token: uncached ones, cache reads
 *       ({@code cachedInputTokens}) and cache writes ({@code cacheWriteTokens}). Reads and writes are
 *       disjoint parts of it, so {@code cachedInputTokens + cacheWriteTokens <= inputTokens}.</li>
 *   <li>{@code outputTokens} counts every generated token, hidden reasoning included
 *       ({@code reasoningTokens <= outputTokens}); reasoning is billed at the output price.</li>
 * </ul>
 * The cost is then
 * <pre>
 *   (inputTokens - cachedInputTokens - cacheWriteTokens) x input price
 * + cachedInputTokens                                    x cached-input price
 * + cacheWriteTokens                                     x cache-write price
 * + outputTokens                                         x output price      (all prices per 1,000,000 tokens)
 * </pre>
 * Provider adapters translate to this convention. Anthropic reports {@code input_tokens}
 * <em>excluding</em> cache reads and writes, so its adapter sets
 * {@code inputTokens = input_tokens + cache_read_input_tokens + cache_creation_input_tokens},
 * {@code cachedInputTokens = cache_read_input_tokens} and
 * {@code cacheWriteTokens = cache_creation_input_tokens}. OpenAI's {@code prompt_tokens} and Gemini's
 * {@code promptTokenCount} already include cached tokens; Gemini reports thinking tokens
 * ({@code thoughtsTokenCount}) apart from {@code candidatesTokenCount}, so its adapter adds them to
 * {@code outputTokens}.
 *
 * <p>An empty cached-input price means the vendor gives no discount for cache reads: they are billed
 * at the input price. An empty cache-write price means the vendor does not charge extra for writing
 * the cache: written tokens are billed at the input price.
 *
 * <p>A final class rather than a record so that values can be added in later versions without breaking
 * callers: create entries with {@link #builder(String, String)} (docs/api-stability.md).
 */
public final class ModelInfo {
    private final String provider;
    private final String model;
    private final OptionalInt contextWindow;
    private final OptionalInt maxOutputTokens;
    private final Optional<BigDecimal> inputUsdPerMillion;
    private final Optional<BigDecimal> cachedInputUsdPerMillion;
    private final Optional<BigDecimal> outputUsdPerMillion;
    private final Optional<BigDecimal> cacheWriteUsdPerMillion;

    private ModelInfo(Builder b) {
        this.provider = checkId("provider", b.provider);
        this.model = checkId("model", b.model);
        this.contextWindow = b.contextWindow;
        this.maxOutputTokens = b.maxOutputTokens;
        checkPositive(provider, model, "contextWindow", contextWindow);
        checkPositive(provider, model, "maxOutputTokens", maxOutputTokens);
        this.inputUsdPerMillion = checkPrice(provider, model, "inputUsdPerMillion", b.input);
        this.cachedInputUsdPerMillion = checkPrice(provider, model, "cachedInputUsdPerMillion", b.cachedInput);
        this.outputUsdPerMillion = checkPrice(provider, model, "outputUsdPerMillion", b.output);
        this.cacheWriteUsdPerMillion = checkPrice(provider, model, "cacheWriteUsdPerMillion", b.cacheWrite);
    }

    /** The provider family, e.g. {@code "openai"}, {@code "anthropic"}, {@code "gemini"}. */
    public String provider() {
        return provider;
    }

    /** The model id as the vendor's API names it, without a snapshot date, e.g. {@code "gpt-4o"}. */
    public String model() {
        return model;
    }

    /** The most tokens (prompt plus output) one call may use, if known. */
    public OptionalInt contextWindow() {
        return contextWindow;
    }

    /** The most tokens one answer may have, if known. */
    public OptionalInt maxOutputTokens() {
        return maxOutputTokens;
    }

    /** USD per million uncached prompt tokens, if known. */
    public Optional<BigDecimal> inputUsdPerMillion() {
        return inputUsdPerMillion;
    }

    /** USD per million prompt tokens read from the provider's cache, if the vendor discounts them. */
    public Optional<BigDecimal> cachedInputUsdPerMillion() {
        return cachedInputUsdPerMillion;
    }

    /** USD per million generated tokens, reasoning included, if known. */
    public Optional<BigDecimal> outputUsdPerMillion() {
        return outputUsdPerMillion;
    }

    /**
     * USD per million prompt tokens written to the cache, where the vendor charges for that (Anthropic: the
     * 5-minute cache write price).
     */
    public Optional<BigDecimal> cacheWriteUsdPerMillion() {
        return cacheWriteUsdPerMillion;
    }

    /** Equal when every value is equal (prices are normalized, so {@code 2.50} equals {@code 2.5}). */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof ModelInfo m
                        && provider.equals(m.provider)
                        && model.equals(m.model)
                        && contextWindow.equals(m.contextWindow)
                        && maxOutputTokens.equals(m.maxOutputTokens)
                        && inputUsdPerMillion.equals(m.inputUsdPerMillion)
                        && cachedInputUsdPerMillion.equals(m.cachedInputUsdPerMillion)
                        && outputUsdPerMillion.equals(m.outputUsdPerMillion)
                        && cacheWriteUsdPerMillion.equals(m.cacheWriteUsdPerMillion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                provider,
                model,
                contextWindow,
                maxOutputTokens,
                inputUsdPerMillion,
                cachedInputUsdPerMillion,
                outputUsdPerMillion,
                cacheWriteUsdPerMillion);
    }

    @Override
    public String toString() {
        return "ModelInfo[provider=" + provider + ", model=" + model + ", contextWindow=" + contextWindow
                + ", maxOutputTokens="
                + maxOutputTokens + ", inputUsdPerMillion=" + inputUsdPerMillion + ", cachedInputUsdPerMillion="
                + cachedInputUsdPerMillion + ", outputUsdPerMillion=" + outputUsdPerMillion
                + ", cacheWriteUsdPerMillion="
                + cacheWriteUsdPerMillion + "]";
    }

    /** A builder for {@code provider}'s {@code model}; every limit and price starts empty. */
    public static Builder builder(String provider, String model) {
        return new Builder(provider, model);
    }

    /** A builder that starts from this entry, e.g. to correct one price. */
    public Builder toBuilder() {
        Builder b = new Builder(provider, model);
        b.contextWindow = contextWindow;
        b.maxOutputTokens = maxOutputTokens;
        b.input = inputUsdPerMillion;
        b.cachedInput = cachedInputUsdPerMillion;
        b.output = outputUsdPerMillion;
        b.cacheWrite = cacheWriteUsdPerMillion;
        return b;
    }

    /** {@code "provider/model"}, for messages and logs. */
    public String key() {
        return provider + "/" + model;
    }

    /**
     * The cost of {@code usage} in USD, exact, by the convention in the type's documentation. The result
     * carries no trailing zeros; compare it with {@link BigDecimal#compareTo}.
     *
     * @throws IllegalArgumentException if {@code usage} breaks the convention (cache reads plus writes
     *                                  exceed {@code inputTokens}, or reasoning exceeds {@code outputTokens})
     * @throws IllegalStateException    if {@code usage} has tokens of a kind this entry has no price for
     */
    public BigDecimal cost(Usage usage) {
        return costBreakdown(usage).total();
    }

    /**
     * The cost of {@code usage} in USD, split by kind of token. Same rules and exceptions as
     * {@link #cost(Usage)}.
     */
    public CostBreakdown costBreakdown(Usage usage) {
        Objects.requireNonNull(usage, "usage");
        long cached = usage.cachedInputTokens();
        long written = usage.cacheWriteTokens();
        long uncached = usage.inputTokens() - cached - written;
        if (uncached < 0) {
            throw new IllegalArgumentException(
                    "usage cannot be priced: cachedInputTokens (" + cached + ") + cacheWriteTokens ("
                            + written + ") exceed inputTokens (" + usage.inputTokens()
                            + "). Usage counts cache reads and cache writes"
                            + " inside inputTokens; an Anthropic adapter must set inputTokens = input_tokens + cache_read_input_tokens"
                            + " + cache_creation_input_tokens");
        }
        if (usage.reasoningTokens() > usage.outputTokens()) {
            throw new IllegalArgumentException(
                    "usage cannot be priced: reasoningTokens (" + usage.reasoningTokens()
                            + ") exceed outputTokens (" + usage.outputTokens()
                            + "). Usage counts reasoning tokens inside"
                            + " outputTokens; a Gemini adapter must set outputTokens = candidatesTokenCount + thoughtsTokenCount");
        }
        BigDecimal uncachedCost = uncached == 0
                ? BigDecimal.ZERO
                : times(
                        uncached,
                        require(
                                inputUsdPerMillion,
                                "input",
                                "inputUsdPerMillion",
                                uncached + " uncached input tokens"));
        BigDecimal cachedCost = cached == 0
                ? BigDecimal.ZERO
                : times(
                        cached,
                        cachedInputUsdPerMillion.isPresent()
                                ? cachedInputUsdPerMillion.get()
                                : require(
                                        inputUsdPerMillion,
                                        "input (used for cache reads, as no cached-input price is known)",
                                        "inputUsdPerMillion",
                                        cached + " cached input tokens"));
        BigDecimal writeCost = written == 0
                ? BigDecimal.ZERO
                : times(
                        written,
                        cacheWriteUsdPerMillion.isPresent()
                                ? cacheWriteUsdPerMillion.get()
                                : require(
                                        inputUsdPerMillion,
                                        "input (used for cache writes, as no cache-write price is known)",
                                        "inputUsdPerMillion",
                                        written + " cache write tokens"));
        BigDecimal outputCost = usage.outputTokens() == 0
                ? BigDecimal.ZERO
                : times(
                        usage.outputTokens(),
                        require(
                                outputUsdPerMillion,
                                "output",
                                "outputUsdPerMillion",
                                usage.outputTokens() + " output tokens"));
        return new CostBreakdown(uncachedCost, cachedCost, writeCost, outputCost);
    }

    private BigDecimal require(Optional<BigDecimal> price, String what, String setter, String tokens) {
        if (price.isEmpty()) {
            throw new IllegalStateException("no " + what + " price is known for " + key() + ", but the usage has "
                    + tokens + ": add the price, e.g. catalog.with(info.toBuilder()." + setter + "(\"...\").build())");
        }
        return price.get();
    }

    private static BigDecimal times(long tokens, BigDecimal usdPerMillion) {
        return normalize(BigDecimal.valueOf(tokens).multiply(usdPerMillion).movePointLeft(6));
    }

    static BigDecimal normalize(BigDecimal value) {
        BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private static String checkId(String what, String value) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (!value.equals(value.strip())) {
            throw new IllegalArgumentException(what + " '" + value + "' must not start or end with whitespace");
        }
        if (value.indexOf('\t') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must not contain a tab or line break, was '"
                    + value.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r") + "'");
        }
        return value;
    }

    private static void checkPositive(String provider, String model, String what, OptionalInt value) {
        if (value.isPresent() && value.getAsInt() < 1) {
            throw new IllegalArgumentException(what + " of " + provider + "/" + model
                    + " must be at least 1 token, was " + value.getAsInt() + ": leave it empty if unknown");
        }
    }

    private static Optional<BigDecimal> checkPrice(
            String provider, String model, String what, Optional<BigDecimal> value) {
        Objects.requireNonNull(value, what + ": use Optional.empty()");
        if (value.isPresent() && value.get().signum() < 0) {
            throw new IllegalArgumentException(what + " of " + provider + "/" + model + " must not be negative, was "
                    + value.get().toPlainString());
        }
        return value.map(ModelInfo::normalize);
    }

    /** Builds a {@link ModelInfo}; {@link #build()} checks every value. */
    public static final class Builder {
        private final String provider;
        private final String model;
        private OptionalInt contextWindow = OptionalInt.empty();
        private OptionalInt maxOutputTokens = OptionalInt.empty();
        private Optional<BigDecimal> input = Optional.empty();
        private Optional<BigDecimal> cachedInput = Optional.empty();
        private Optional<BigDecimal> output = Optional.empty();
        private Optional<BigDecimal> cacheWrite = Optional.empty();

        private Builder(String provider, String model) {
            this.provider = provider;
            this.model = model;
        }

        /** The context window in tokens. */
        public Builder contextWindow(int tokens) {
            this.contextWindow = OptionalInt.of(tokens);
            return this;
        }

        /** The context window, or empty if unknown. */
        public Builder contextWindow(OptionalInt tokens) {
            this.contextWindow = Objects.requireNonNull(tokens, "contextWindow: use OptionalInt.empty()");
            return this;
        }

        /** The most output tokens of one answer. */
        public Builder maxOutputTokens(int tokens) {
            this.maxOutputTokens = OptionalInt.of(tokens);
            return this;
        }

        /** The most output tokens of one answer, or empty if unknown. */
        public Builder maxOutputTokens(OptionalInt tokens) {
            this.maxOutputTokens = Objects.requireNonNull(tokens, "maxOutputTokens: use OptionalInt.empty()");
            return this;
        }

        /** USD per million uncached input tokens. */
        public Builder inputUsdPerMillion(BigDecimal usd) {
            this.input = Optional.of(Objects.requireNonNull(usd, "inputUsdPerMillion: use Optional.empty()"));
            return this;
        }

        /** USD per million uncached input tokens, as a decimal string such as {@code "2.50"}. */
        public Builder inputUsdPerMillion(String usd) {
            return inputUsdPerMillion(parse("inputUsdPerMillion", usd));
        }

        /** USD per million uncached input tokens, or empty if unknown. */
        public Builder inputUsdPerMillion(Optional<BigDecimal> usd) {
            this.input = Objects.requireNonNull(usd, "inputUsdPerMillion: use Optional.empty()");
            return this;
        }

        /** USD per million cached (cache read) input tokens. */
        public Builder cachedInputUsdPerMillion(BigDecimal usd) {
            this.cachedInput =
                    Optional.of(Objects.requireNonNull(usd, "cachedInputUsdPerMillion: use Optional.empty()"));
            return this;
        }

        /** USD per million cached input tokens, as a decimal string such as {@code "0.125"}. */
        public Builder cachedInputUsdPerMillion(String usd) {
            return cachedInputUsdPerMillion(parse("cachedInputUsdPerMillion", usd));
        }

        /** USD per million cached input tokens, or empty if unknown or not discounted. */
        public Builder cachedInputUsdPerMillion(Optional<BigDecimal> usd) {
            this.cachedInput = Objects.requireNonNull(usd, "cachedInputUsdPerMillion: use Optional.empty()");
            return this;
        }

        /** USD per million output tokens, reasoning included. */
        public Builder outputUsdPerMillion(BigDecimal usd) {
            this.output = Optional.of(Objects.requireNonNull(usd, "outputUsdPerMillion: use Optional.empty()"));
            return this;
        }

        /** USD per million output tokens, as a decimal string such as {@code "10"}. */
        public Builder outputUsdPerMillion(String usd) {
            return outputUsdPerMillion(parse("outputUsdPerMillion", usd));
        }

        /** USD per million output tokens, or empty if unknown. */
        public Builder outputUsdPerMillion(Optional<BigDecimal> usd) {
            this.output = Objects.requireNonNull(usd, "outputUsdPerMillion: use Optional.empty()");
            return this;
        }

        /** USD per million tokens written to the prompt cache. */
        public Builder cacheWriteUsdPerMillion(BigDecimal usd) {
            this.cacheWrite = Optional.of(Objects.requireNonNull(usd, "cacheWriteUsdPerMillion: use Optional.empty()"));
            return this;
        }

        /** USD per million tokens written to the prompt cache, as a decimal string such as {@code "3.75"}. */
        public Builder cacheWriteUsdPerMillion(String usd) {
            return cacheWriteUsdPerMillion(parse("cacheWriteUsdPerMillion", usd));
        }

        /** USD per million tokens written to the prompt cache, or empty if not charged or unknown. */
        public Builder cacheWriteUsdPerMillion(Optional<BigDecimal> usd) {
            this.cacheWrite = Objects.requireNonNull(usd, "cacheWriteUsdPerMillion: use Optional.empty()");
            return this;
        }

        /**
         * Builds the entry.
         *
         * @throws IllegalArgumentException naming the value that is wrong
         */
        public ModelInfo build() {
            return new ModelInfo(this);
        }

        private static BigDecimal parse(String what, String usd) {
            Objects.requireNonNull(usd, what + " must not be null");
            try {
                return new BigDecimal(usd.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        what + " must be a decimal number of USD per million tokens such as \"2.50\", was '" + usd
                                + "'",
                        e);
            }
        }
    }
}
