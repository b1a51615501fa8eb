package dev.llmgate.api;

import java.util.Objects;

/** The shape of the answer: free text, any JSON object, or JSON that follows a schema. */
public sealed interface ResponseFormat
        permits ResponseFormat.Text, ResponseFormat.JsonObject, ResponseFormat.JsonSchema {

    /** Free text (the default). */
    static ResponseFormat text() {
        return Text.INSTANCE;
    }

    /** Any valid JSON object ("JSON mode"). */
    static ResponseFormat jsonObject() {
        return JsonObject.INSTANCE;
    }

    /** JSON that must validate against {@code schemaJson}; {@code strict} asks the provider to guarantee it. */
    static ResponseFormat jsonSchema(String name, String schemaJson, boolean strict) {
        return new JsonSchema(name, schemaJson, strict);
    }

    /** See {@link #text()}. */
    enum Text implements ResponseFormat {
        INSTANCE
    }

    /** See {@link #jsonObject()}. */
    enum JsonObject implements ResponseFormat {
        INSTANCE
    }

    /**
     * See {@link #jsonSchema(String, String, boolean)}.
     *
     * @param name       a name for the schema, {@code [A-Za-z0-9_-]}, as OpenAI requires
     * @param schemaJson the JSON Schema object as text, sent verbatim
     * @param strict     ask the provider to enforce the schema exactly
     */
    record JsonSchema(String name, String schemaJson, boolean strict) implements ResponseFormat {
        public JsonSchema {
            Objects.requireNonNull(name, "schema name must not be null");
            Objects.requireNonNull(schemaJson, "schemaJson must not be null");
            if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException(
                        "schema name '" + name + "' is not allowed: use 1 to 64 letters, digits, '_' or '-'");
            }
            String s = schemaJson.strip();
            if (!s.startsWith("{") || !s.endsWith("}")) {
                throw new IllegalArgumentException(
                        "schemaJson of '" + name + "' must be a JSON Schema object, e.g. {\"type\":\"object\",...}");
            }
        }
    }
}
