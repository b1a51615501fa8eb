package dev.llmgate.api;

import java.util.Objects;

/**
 * A tool (function) call the model asked for. {@code argumentsJson} is the JSON object text exactly
 * as the model produced it; it is not parsed or validated here, since models can emit invalid JSON.
 */
public record ToolCall(String id, String name, String argumentsJson) {
    public ToolCall {
        Objects.requireNonNull(id, "tool call id must not be null");
        Objects.requireNonNull(name, "tool call name must not be null");
        Objects.requireNonNull(argumentsJson, "argumentsJson must not be null; use \"{}\" for no arguments");
    }

    /** Id and name; the arguments' length only (they may hold personal data). */
    @Override
    public String toString() {
        return "ToolCall[" + id + ", " + name + ", " + argumentsJson.length() + " chars of arguments]";
    }
}
