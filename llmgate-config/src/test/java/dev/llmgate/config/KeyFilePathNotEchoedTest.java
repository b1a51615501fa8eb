package dev.llmgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmgate.api.exception.ConfigurationException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key pasted where {@code apiKeyFile} or {@code signingKeyFile} wants a path is not echoed when the
 * "file" cannot be read: the message names the field and the failure, never the value.
 */
class KeyFilePathNotEchoedTest {
    private static final String PASTED_KEY = "sk-proj-LEAKCHECK1234567890abcdef";
    private static final String PASTED_SEED = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @TempDir
    Path dir;

    private static ConfigurationException startFails(GateConfig config) {
        Throwable e = catchThrowable(() -> config.start().close());
        assertThat(e).isInstanceOf(ConfigurationException.class);
        return (ConfigurationException) e;
    }

    private static String everything(Throwable e) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    @Test
    void aKeyInPlaceOfTheApiKeyFileIsNotShown() {
        GateConfig config = GateConfig.parse(
                "providers:\n  openai:\n    type: openai\n    apiKeyFile: " + PASTED_KEY + "\n", true, "llmgate.yaml");

        ConfigurationException e = startFails(config);

        assertThat(e.problems())
                .singleElement()
                .asString()
                .startsWith("llmgate.yaml line 2, providers.openai: apiKeyFile: cannot read the file"
                        + " (NoSuchFileException)")
                .contains("not shown")
                .contains("pasted in place of a path");
        assertThat(everything(e)).doesNotContain("LEAKCHECK1234567890");
    }

    @Test
    void aSeedInPlaceOfTheSigningKeyFileIsNotShown() {
        GateConfig config = GateConfig.parse(
                        "providers:\n  local:\n    type: ollama\naudit:\n  directory: " + dir.resolve("audit")
                                + "\n  signingKeyFile: " + PASTED_SEED + "\n",
                        true,
                        "llmgate.yaml")
                .withEnvironment(Map.of());

        ConfigurationException e = startFails(config);

        assertThat(e.problems())
                .singleElement()
                .asString()
                .contains("signingKeyFile: cannot read the file (NoSuchFileException)")
                .contains("pasted in place of a path");
        assertThat(everything(e)).doesNotContain("9f86d081884c7d659a2feaa0c55ad015");
    }

    @Test
    void aDirectoryInPlaceOfTheKeyFileNamesItsFailureKind() {
        GateConfig config = GateConfig.parse(
                "providers:\n  openai:\n    type: openai\n    apiKeyFile: " + dir + "\n", true, "llmgate.yaml");

        assertThat(startFails(config).getMessage()).contains("apiKeyFile: cannot read the file (");
    }

    @Test
    void aKeyTypedIntoAnotherFieldIsNotQuotedButATypoIs() {
        Throwable e = catchThrowable(() -> GateConfig.parse(
                        "providers:\n  openai:\n    type: " + PASTED_KEY + "\n  local:\n    type: olama\n",
                        true,
                        "llmgate.yaml")
                .start()
                .close());
        assertThat(e).isInstanceOf(ConfigurationException.class);
        assertThat(everything(e))
                .doesNotContain("LEAKCHECK1234567890")
                .contains("was a value of " + PASTED_KEY.length() + " characters (not shown: it may be a secret)")
                .contains("was 'olama'");
    }
}
