package dev.llmgate.api;

/** Why the model stopped, normalized across providers. */
public enum FinishReason {
    /** A natural end or a stop sequence. */
    STOP,
    /** The output token limit (or the context window) was reached: the answer is cut off. */
    LENGTH,
    /** The model asked for one or more tool calls. */
    TOOL_CALLS,
    /** The provider's safety system withheld or cut the answer. */
    CONTENT_FILTER,
    /** The provider reported an error in place of a normal finish. */
    ERROR
}
