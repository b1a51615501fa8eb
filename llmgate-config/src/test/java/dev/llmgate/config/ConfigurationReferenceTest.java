package dev.llmgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's key reference is {@link GateConfig#keys()} rendered: this test fails when they differ, and
 * {@code -Dconfig.reference.update=true} rewrites the table.
 */
class ConfigurationReferenceTest {
    private static final String BEGIN =
            "<!-- keys:begin (generated from GateConfig.keys() by ConfigurationReferenceTest) -->";
    private static final String END = "<!-- keys:end -->";

    static String table() {
        StringBuilder sb = new StringBuilder("| Key | Value | What it sets |\n|---|---|---|\n");
        for (ConfigKey k : GateConfig.keys()) {
            sb.append("| `")
                    .append(k.path())
                    .append("` | ")
                    .append(k.type().replace("|", "\\|"))
                    .append(" | ")
                    .append(k.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void theDocsListEveryKeyTheLoaderAccepts() throws IOException {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin)
                .as("docs/configuration.md has the generated-keys markers")
                .isGreaterThanOrEqualTo(0);
        assertThat(end).isGreaterThan(begin);
        String current = text.substring(begin + BEGIN.length() + 1, end);
        if (Boolean.getBoolean("config.reference.update")) {
            Files.writeString(doc, text.substring(0, begin + BEGIN.length() + 1) + table() + text.substring(end));
            return;
        }
        assertThat(current)
                .as("docs/configuration.md's key table is out of date: run mvn -pl llmgate-config verify"
                        + " -Dconfig.reference.update=true")
                .isEqualTo(table());
    }
}
