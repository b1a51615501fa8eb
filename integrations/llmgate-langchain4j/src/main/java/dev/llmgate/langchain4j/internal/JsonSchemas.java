package dev.llmgate.langchain4j.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonReferenceSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LangChain4j's JSON schema elements to JSON Schema text and back. What has no element of its own (formats, bounds,
 * patterns) travels as a {@link JsonRawSchema} on the way in, and is written as it was on the way out.
 */
public final class JsonSchemas {
    static final ObjectMapper JSON = new ObjectMapper();

    private JsonSchemas() {}

    /** The element as JSON Schema text. */
    public static String toJson(JsonSchemaElement element) {
        try {
            return JSON.writeValueAsString(toNode(element));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON schema: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode toNode(JsonSchemaElement e) {
        ObjectNode n = JSON.createObjectNode();
        if (e instanceof JsonObjectSchema o) {
            n.put("type", "object");
            describe(n, o.description());
            ObjectNode props = n.putObject("properties");
            if (o.properties() != null) {
                o.properties().forEach((k, v) -> props.set(k, toNode(v)));
            }
            if (o.required() != null && !o.required().isEmpty()) {
                ArrayNode req = n.putArray("required");
                o.required().forEach(req::add);
            }
            if (o.additionalProperties() != null) {
                n.put("additionalProperties", o.additionalProperties());
            }
            if (o.definitions() != null && !o.definitions().isEmpty()) {
                ObjectNode defs = n.putObject("$defs");
                o.definitions().forEach((k, v) -> defs.set(k, toNode(v)));
            }
        } else if (e instanceof JsonStringSchema s) {
            n.put("type", "string");
            describe(n, s.description());
        } else if (e instanceof JsonIntegerSchema i) {
            n.put("type", "integer");
            describe(n, i.description());
        } else if (e instanceof JsonNumberSchema num) {
            n.put("type", "number");
            describe(n, num.description());
        } else if (e instanceof JsonBooleanSchema b) {
            n.put("type", "boolean");
            describe(n, b.description());
        } else if (e instanceof JsonEnumSchema en) {
            n.put("type", "string");
            describe(n, en.description());
            ArrayNode values = n.putArray("enum");
            en.enumValues().forEach(values::add);
        } else if (e instanceof JsonArraySchema a) {
            n.put("type", "array");
            describe(n, a.description());
            if (a.items() != null) {
                n.set("items", toNode(a.items()));
            }
        } else if (e instanceof JsonReferenceSchema r) {
            n.put("$ref", "#/$defs/" + r.reference());
        } else if (e instanceof JsonAnyOfSchema any) {
            describe(n, any.description());
            ArrayNode of = n.putArray("anyOf");
            any.anyOf().forEach(x -> of.add(toNode(x)));
        } else if (e instanceof JsonNullSchema) {
            n.put("type", "null");
        } else if (e instanceof JsonRawSchema raw) {
            try {
                return JSON.readTree(raw.schema());
            } catch (JsonProcessingException x) {
                throw new IllegalArgumentException("a raw JSON schema is not valid JSON: " + x.getOriginalMessage(), x);
            }
        } else {
            throw new IllegalArgumentException("a JSON schema element llmgate does not know: "
                    + e.getClass().getName());
        }
        return n;
    }

    private static void describe(ObjectNode n, String description) {
        if (description != null) {
            n.put("description", description);
        }
    }

    /** JSON Schema text as the object schema of a tool's parameters ({@code {}} or empty: no parameters). */
    public static JsonObjectSchema objectFromJson(String json) {
        JsonNode root;
        try {
            root = json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "a tool's parameter schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root.isObject() && root.isEmpty()) {
            return JsonObjectSchema.builder().build();
        }
        JsonSchemaElement e = fromNode(root);
        if (e instanceof JsonObjectSchema o) {
            return o;
        }
        // never an empty schema in its place: the model would call the tool without its parameters
        throw new IllegalArgumentException("a tool's parameter schema must be an object schema with type, description,"
                + " properties, required, additionalProperties and $defs only (annotations such as $schema and title"
                + " are ignored); this one has keywords a LangChain4j object schema cannot hold");
    }

    /** Keywords that only annotate a schema: dropped, they do not change what the arguments may be. */
    private static final java.util.Set<String> ANNOTATIONS =
            java.util.Set.of("$schema", "$id", "$comment", "title", "examples");

    private static boolean objectShaped(JsonNode n, String type) {
        if (!(type.equals("object") || (type.isEmpty() && n.has("properties")))) {
            return false;
        }
        for (java.util.Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!OBJECT_KEYS.contains(k) && !ANNOTATIONS.contains(k)) {
                return false;
            }
        }
        return true;
    }

    /** JSON Schema text as an element. */
    public static JsonSchemaElement fromJson(String json) {
        try {
            return fromNode(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a JSON schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static final java.util.Set<String> OBJECT_KEYS =
            java.util.Set.of("type", "description", "properties", "required", "additionalProperties", "$defs");
    private static final java.util.Set<String> SIMPLE_KEYS = java.util.Set.of("type", "description");

    private static JsonSchemaElement fromNode(JsonNode n) {
        if (!n.isObject()) {
            return JsonRawSchema.from(n.toString());
        }
        String type = n.path("type").isTextual() ? n.get("type").asText() : "";
        String description =
                n.path("description").isTextual() ? n.get("description").asText() : null;
        if (objectShaped(n, type)) {
            JsonObjectSchema.Builder b = JsonObjectSchema.builder().description(description);
            Map<String, JsonSchemaElement> props = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> p : n.path("properties").properties()) {
                props.put(p.getKey(), fromNode(p.getValue()));
            }
            b.addProperties(props);
            List<String> required = new ArrayList<>();
            n.path("required").forEach(r -> required.add(r.asText()));
            if (!required.isEmpty()) {
                b.required(required);
            }
            if (n.path("additionalProperties").isBoolean()) {
                b.additionalProperties(n.get("additionalProperties").asBoolean());
            }
            if (n.path("$defs").isObject()) {
                Map<String, JsonSchemaElement> defs = new LinkedHashMap<>();
                n.get("$defs").properties().forEach(d -> defs.put(d.getKey(), fromNode(d.getValue())));
                b.definitions(defs);
            }
            return b.build();
        }
        if (only(n, SIMPLE_KEYS)) {
            switch (type) {
                case "string":
                    return JsonStringSchema.builder().description(description).build();
                case "integer":
                    return JsonIntegerSchema.builder().description(description).build();
                case "number":
                    return JsonNumberSchema.builder().description(description).build();
                case "boolean":
                    return JsonBooleanSchema.builder().description(description).build();
                case "null":
                    return new JsonNullSchema();
                default:
                    break;
            }
        }
        if (type.equals("array") && only(n, java.util.Set.of("type", "description", "items"))) {
            JsonArraySchema.Builder b = JsonArraySchema.builder().description(description);
            if (n.has("items")) {
                b.items(fromNode(n.get("items")));
            }
            return b.build();
        }
        if (n.path("enum").isArray()
                && only(n, java.util.Set.of("type", "description", "enum"))
                && (type.isEmpty() || type.equals("string"))) {
            List<String> values = new ArrayList<>();
            boolean strings = true;
            for (JsonNode v : n.get("enum")) {
                strings &= v.isTextual();
                values.add(v.asText());
            }
            if (strings) {
                return JsonEnumSchema.builder()
                        .description(description)
                        .enumValues(values)
                        .build();
            }
        }
        if (n.path("$ref").isTextual()
                && n.get("$ref").asText().startsWith("#/$defs/")
                && only(n, java.util.Set.of("$ref"))) {
            return JsonReferenceSchema.builder()
                    .reference(n.get("$ref").asText().substring("#/$defs/".length()))
                    .build();
        }
        if (n.path("anyOf").isArray() && only(n, java.util.Set.of("anyOf", "description"))) {
            List<JsonSchemaElement> of = new ArrayList<>();
            n.get("anyOf").forEach(x -> of.add(fromNode(x)));
            return JsonAnyOfSchema.builder().description(description).anyOf(of).build();
        }
        return JsonRawSchema.from(n.toString());
    }

    private static boolean only(JsonNode n, java.util.Set<String> keys) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            if (!keys.contains(it.next())) {
                return false;
            }
        }
        return true;
    }
}
