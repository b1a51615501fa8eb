package dev.llmgate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.config.ConfigKey;
import dev.llmgate.config.GateConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The starter's {@code META-INF/spring-configuration-metadata.json} (IDE completion for {@code llmgate.*}) is
 * {@link GateConfig#keys()} rendered, so it cannot drift from what the gate accepts; {@code
 * -Dconfig.metadata.update=true} rewrites it.
 */
class ConfigurationMetadataTest {
    static final Path FILE = Path.of("src/main/resources/META-INF/spring-configuration-metadata.json");

    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String javaType(String type) {
        return switch (type) {
            case "duration" -> "java.time.Duration";
            case "integer" -> "java.lang.Long";
            case "number" -> "java.lang.Double";
            case "boolean" -> "java.lang.Boolean";
            default -> "java.lang.String";
        };
    }

    static String render() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.putArray("groups")
                .addObject()
                .put("name", "llmgate")
                .put(
                        "description",
                        "llmgate: the gate's configuration (docs/configuration.md) and the starter's"
                                + " own settings.");
        ArrayNode props = root.putArray("properties");
        props.addObject()
                .put("name", "llmgate.enabled")
                .put("type", "java.lang.Boolean")
                .put("description", "Whether the starter configures a gate. Default: true.")
                .put("defaultValue", true);
        props.addObject()
                .put("name", "llmgate.config-file")
                .put("type", "java.lang.String")
                .put(
                        "description",
                        "A gate configuration file (a path or classpath:...; .yaml, .yml or .json)"
                                + " instead of llmgate.* properties.");
        props.addObject()
                .put("name", "llmgate.spring-ai.model")
                .put("type", "java.lang.String")
                .put(
                        "description",
                        "With llmgate-spring-ai: a Spring AI ChatModel bean on the gate, for this"
                                + " route, alias or provider:model.");
        Map<String, StringBuilder> maps = new LinkedHashMap<>();
        for (ConfigKey k : GateConfig.keys()) {
            String path = k.path();
            int named = path.indexOf(".<");
            int list = path.indexOf("[]");
            if (named >= 0 || list >= 0 || path.startsWith("policy.<")) {
                int cut = named >= 0 && (list < 0 || named < list) ? named : list;
                String head = path.substring(0, cut);
                if (head.equals("policy")) {
                    continue; // the policy file's keys: docs/policy.md
                }
                String rest = path.substring(cut).replaceFirst("^\\.<[^>]+>\\.?|^\\[\\]\\.?", "");
                StringBuilder sb = maps.computeIfAbsent(head, h -> new StringBuilder());
                if (!rest.isEmpty()) {
                    sb.append(sb.length() == 0 ? "" : ", ").append(rest);
                }
                continue;
            }
            if (k.type().equals("mapping")
                    || k.type().equals("list")
                    || k.type().startsWith("none |")) {
                continue;
            }
            String name = "llmgate." + kebab(path);
            props.addObject()
                    .put("name", name)
                    .put("type", javaType(k.type()))
                    .put(
                            "description",
                            k.description()
                                    + (javaType(k.type()).equals("java.lang.String")
                                                    && !k.type().equals("string")
                                                    && !k.type().equals("path")
                                            ? " One of: " + k.type() + "."
                                            : ""));
        }
        maps.forEach((head, keys) -> props.addObject()
                .put("name", "llmgate." + kebab(head))
                .put(
                        "type",
                        head.equals("budgets")
                                ? "java.util.List<java.util.Map<java.lang.String,java.lang.Object>>"
                                : head.equals("aliases")
                                        ? "java.util.Map<java.lang.String,java.lang.String>"
                                        : "java.util.Map<java.lang.String,java.util.Map<java.lang.String,java.lang.Object>>")
                .put(
                        "description",
                        (head.equals("budgets") ? "A list" : "By name") + " (docs/configuration.md)"
                                + (keys.length() == 0 ? "." : "; each with: " + keys + ".")));
        return json.writeValueAsString(root) + "\n";
    }

    @Test
    void theMetadataListsEveryKeyTheGateAccepts() throws Exception {
        String expected = render();
        if (Boolean.getBoolean("config.metadata.update")) {
            Files.writeString(FILE, expected, StandardCharsets.UTF_8);
            return;
        }
        assertThat(Files.readString(FILE, StandardCharsets.UTF_8))
                .as("META-INF/spring-configuration-metadata.json is out of date: run mvn -pl"
                        + " integrations/llmgate-spring-boot-starter verify -Dconfig.metadata.update=true")
                .isEqualTo(expected);
    }
}
