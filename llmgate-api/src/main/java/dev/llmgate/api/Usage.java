package dev.llmgate.api;

/**
 * Token counts of one call, normalized across providers. All counts are non-negative; a count the
 * provider did not report is 0.
 *
 * <p>Convention (the same for every provider, whatever its wire format says): {@code inputTokens}
 * counts every prompt token, so {@code cachedInputTokens} and {@code cacheWriteTokens} are parts of
 * it, and the tokens billed at the plain input price are
 * {@code inputTokens - cachedInputTokens - cacheWriteTokens}. {@code reasoningTokens} are part of
 * {@code outputTokens}. (Anthropic reports {@code input_tokens} without cache reads and writes; its
 * adapter adds them.)
 *
 * @param inputTokens       all prompt tokens, including cache reads and cache writes
 * @param outputTokens      all generated tokens, including reasoning tokens
 * @param cachedInputTokens prompt tokens read from the provider's prompt cache (a part of input)
 * @param reasoningTokens   hidden reasoning tokens (a part of output)
 * @param cacheWriteTokens  prompt tokens written to the provider's prompt cache (a part of input; Anthropic charges these extra)
 */
public record Usage(
        long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens, long cacheWriteTokens) {

    /** No tokens. */
    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

    public Usage {
        if (inputTokens < 0
                || outputTokens < 0
                || cachedInputTokens < 0
                || reasoningTokens < 0
                || cacheWriteTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative: " + inputTokens + "/" + outputTokens
                    + "/" + cachedInputTokens + "/" + reasoningTokens + "/" + cacheWriteTokens);
        }
    }

    /** Input and output tokens only. */
    public static Usage of(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0, 0, 0);
    }

    /** Input plus output tokens. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** The sum of two usages, field by field. */
    public Usage plus(Usage other) {
        return new Usage(
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                cachedInputTokens + other.cachedInputTokens,
                reasoningTokens + other.reasoningTokens,
                cacheWriteTokens + other.cacheWriteTokens);
    }
}
