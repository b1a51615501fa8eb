package dev.llmgate.policy;

/**
 * A place in a call through which a value can travel to or from the provider. A policy scans
 * every channel of {@link Policy#channels()} (all of them by default); the text of the messages is
 * further narrowed by {@link Policy#scanRoles()}. docs/policy.md has the table of channels and what
 * each preset does with them.
 *
 * <p>Values split across channels are caught where they are adjacent: the scanned text of a call
 * joins the channels in conversation order with a line break between any two pieces, and where a
 * split falls between two letters or digits, the 64 characters on either side are also scanned
 * joined directly (so {@code "4111 11"} + {@code "11 1111 1111"} is one card number).
 */
public enum Channel {
    // ---- sent to the provider (PolicyStage.INPUT) ----
    /** The text parts of user, assistant and tool messages (the roles of {@link Policy#scanRoles()}). */
    MESSAGES(true),
    /** Message {@code name} fields. */
    MESSAGE_NAMES(true),
    /** The arguments of the tool calls in the conversation's history (assistant messages), as decoded JSON values. */
    TOOL_CALL_HISTORY(true),
    /** Tool definitions: names, descriptions and parameter schemas (JSON values). */
    TOOL_DEFINITIONS(true),
    /** The JSON schema of a {@code response_format} (JSON values). */
    RESPONSE_SCHEMA(true),
    /** Provider options sent verbatim in the request body (keys and values). */
    PROVIDER_OPTIONS(true),
    /** Image URLs (percent-decoded); inline {@code data:} URLs and image bytes are not text and are not scanned. */
    IMAGE_URLS(true),
    /** Stop sequences. */
    STOP_SEQUENCES(true),
    // ---- returned to the caller (PolicyStage.OUTPUT, blocking and streamed) ----
    /** The answer's text; a JSON answer (structured output) is scanned as decoded JSON values. */
    ANSWER_TEXT(false),
    /** The answer's refusal message, where the provider reports refusals separately. */
    REFUSAL(false),
    /** The arguments of the tool calls the answer asks for, as decoded JSON values. */
    TOOL_CALL_ARGUMENTS(false);

    private final boolean input;

    Channel(boolean input) {
        this.input = input;
    }

    /** True for channels of the request (scanned at {@link PolicyStage#INPUT}), false for those of the answer. */
    public boolean isInput() {
        return input;
    }
}
