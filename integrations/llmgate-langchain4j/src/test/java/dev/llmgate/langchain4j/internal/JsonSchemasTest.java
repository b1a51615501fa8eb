package dev.llmgate.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

    @Test
    void annotationKeywordsAtTheRootKeepTheParameters() {
        JsonObjectSchema s = JsonSchemas.objectFromJson("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                + "\"title\":\"args\",\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\"]}");
        assertThat(s.properties()).containsOnlyKeys("city");
        assertThat(s.required()).containsExactly("city");
        String back = JsonSchemas.toJson(s);
        assertThat(back).contains("\"city\"").contains("\"required\":[\"city\"]");
    }

    @Test
    void aRootSchemaThatCannotBeAnObjectSchemaFailsLoudlyInsteadOfLosingItsParameters() {
        assertThatThrownBy(
                        () -> JsonSchemas.objectFromJson(
                                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"allOf\":[{\"required\":[\"a\"]}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("object schema");
        assertThat(JsonSchemas.objectFromJson("{}").properties()).isNullOrEmpty();
    }
}
