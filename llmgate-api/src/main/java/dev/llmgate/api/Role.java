package dev.llmgate.api;

/**
 * Who wrote a {@link Message}. Providers that lack a role map it to their nearest equivalent
 * (for example {@link #DEVELOPER} becomes a system instruction where a vendor has no developer role).
 */
public enum Role {
    /** Instructions from the application that frame the conversation. */
    SYSTEM,
    /** Instructions from the application developer (OpenAI's newer name for system instructions). */
    DEVELOPER,
    /** The end user's turn. */
    USER,
    /** The model's turn: text and/or tool calls. */
    ASSISTANT,
    /** The result of a tool call, answering the assistant's {@link ToolCall} with the same id. */
    TOOL
}
