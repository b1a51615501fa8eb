package dev.llmgate.core.routing;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolDefinition;

/**
 * Estimates a request's input tokens without a tokenizer, for context-window checks, lowest-cost
 * routing and budget reservations. The heuristic (documented in {@code docs/routing-and-fallback.md}):
 * one token per four characters of text (rounded up), plus four tokens of framing per message, plus
 * the tool definitions' names, descriptions and schemas at four characters a token, plus a flat 765
 * tokens per image (OpenAI's cost of a 512x512 high-detail tile set; vendors differ).
 *
 * <p>Guarantees: deterministic, allocation-free, never negative. It is an estimate:
 * English prose is usually within 25% of a real tokenizer; code, JSON and non-Latin scripts can need
 * more tokens than it says, so keep a margin below context windows and budgets.
 */
public final class TokenEstimator {
    /** Characters per token of the heuristic. */
    public static final int CHARS_PER_TOKEN = 4;
    /** Framing tokens counted per message (role, separators). */
    public static final int TOKENS_PER_MESSAGE = 4;
    /** Tokens counted per image. */
    public static final int TOKENS_PER_IMAGE = 765;

    private TokenEstimator() {}

    /** The estimated input tokens of {@code request}. */
    public static long inputTokens(ChatRequest request) {
        long chars = 0;
        long tokens = 0;
        for (Message m : request.messages()) {
            tokens += TOKENS_PER_MESSAGE;
            for (ContentPart part : m.content()) {
                if (part instanceof ContentPart.Text t) {
                    chars += t.text().length();
                } else {
                    tokens += TOKENS_PER_IMAGE;
                }
            }
            for (ToolCall call : m.toolCalls()) {
                chars += call.name().length() + call.argumentsJson().length();
            }
        }
        for (ToolDefinition tool : request.tools()) {
            chars += tool.name().length()
                    + tool.description().length()
                    + tool.parametersJsonSchema().length();
        }
        return tokens + (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** The estimated tokens of a text. */
    public static long textTokens(String text) {
        return ((long) text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }
}
