package dev.llmgate.providers.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object member of a request body that holds settings (Gemini's {@code generationConfig},
 * Ollama's {@code options}): written only if something goes into it, and merged with the
 * user's own provider options of the same name, which may add settings but not set one the
 * request already sets. Not thread-safe; one per request body. Not public API.
 */
public final class OptionsObject {
    private final JsonGenerator g;
    private final String member;
    private final Map<?, ?> extra;
    private final Set<String> written = new HashSet<>();
    private boolean open;

    /**
     * @param extraOption the user's provider option of the same name (null if not set)
     * @param example     an example of a valid value, for the error message
     * @throws InvalidRequestException if {@code extraOption} is not a JSON object
     */
    public OptionsObject(JsonGenerator g, String member, Object extraOption, String example) {
        if (extraOption != null && !(extraOption instanceof Map)) {
            throw new InvalidRequestException(
                    "providerOptions '" + member + "' must be a JSON object (a Map), e.g. " + example,
                    ErrorDetails.NONE);
        }
        this.g = g;
        this.member = member;
        this.extra = extraOption == null ? Map.of() : (Map<?, ?>) extraOption;
    }

    public void number(String name, double value) throws IOException {
        name(name);
        g.writeNumber(value);
    }

    public void number(String name, long value) throws IOException {
        name(name);
        g.writeNumber(value);
    }

    public void string(String name, String value) throws IOException {
        name(name);
        g.writeString(value);
    }

    public void strings(String name, List<String> values) throws IOException {
        name(name);
        g.writeStartArray();
        for (String s : values) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    /** A member whose value is JSON text, written as it is. */
    public void raw(String name, String json) throws IOException {
        name(name);
        g.writeRawValue(json);
    }

    /** Counts {@code name} as set by the request (provider options may not set it) without writing it. */
    public void reserve(String name) {
        written.add(name);
    }

    /**
     * Writes the user's extra settings and closes the object if it was opened.
     *
     * @throws InvalidRequestException if an extra setting sets a member the request already set
     */
    public void finish() throws IOException {
        for (Map.Entry<?, ?> e : extra.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (written.contains(key)) {
                throw new InvalidRequestException(
                        "providerOptions '" + member + "' sets '" + key + "', which the request already sets:"
                                + " set it in one place only (ChatRequest.Builder for standard settings)",
                        ErrorDetails.NONE);
            }
            name(key);
            Json.MAPPER.writeValue(g, e.getValue());
        }
        if (open) {
            g.writeEndObject();
        }
    }

    private void name(String name) throws IOException {
        if (!open) {
            g.writeObjectFieldStart(member);
            open = true;
        }
        g.writeFieldName(name);
        written.add(name);
    }
}
