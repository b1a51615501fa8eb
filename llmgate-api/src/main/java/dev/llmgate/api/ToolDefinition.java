package dev.llmgate.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A tool the model may call. {@code parametersJsonSchema} is a JSON Schema object, as text, that
 * describes the arguments; it is sent to the provider verbatim (never re-parsed on the request path).
 *
 * @param name        1 to 64 characters of {@code [A-Za-z0-9_-]}, the rule all major providers share
 * @param description what the tool does, for the model; may be empty
 * @param parametersJsonSchema a JSON Schema object, e.g. {@code {"type":"object","properties":{}}}
 * @param strict      ask the provider to enforce the schema exactly, where it supports that
 */
public record ToolDefinition(String name, String description, String parametersJsonSchema, boolean strict) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ToolDefinition {
        Objects.requireNonNull(name, "tool name must not be null");
        Objects.requireNonNull(description, "tool description must not be null; use \"\"");
        Objects.requireNonNull(
                parametersJsonSchema,
                "parametersJsonSchema must not be null; use {\"type\":\"object\",\"properties\":{}} for a tool without arguments");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool name " + ChatRequest.shown(name)
                    + " is not allowed: use 1 to 64 letters, digits, '_' or '-' (providers reject other names)");
        }
        String schema = parametersJsonSchema.strip();
        if (!schema.startsWith("{") || !schema.endsWith("}")) {
            throw new IllegalArgumentException("parametersJsonSchema of tool " + ChatRequest.shown(name)
                    + " must be a JSON object, e.g. {\"type\":\"object\",\"properties\":{...}}");
        }
    }

    /** A non-strict tool definition. */
    public static ToolDefinition of(String name, String description, String parametersJsonSchema) {
        return new ToolDefinition(name, description, parametersJsonSchema, false);
    }
}
