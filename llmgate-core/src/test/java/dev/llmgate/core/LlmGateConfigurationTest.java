package dev.llmgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.ModelProvider;
import org.junit.jupiter.api.Test;

class LlmGateConfigurationTest {
    private final ModelProvider p = (request, call) -> ChatResponse.builder().build();

    @Test
    void anAliasToAnUnknownProviderFailsAtBuildWithASuggestion() {
        assertThatThrownBy(() -> LlmGate.builder()
                        .provider("openai", p)
                        .alias("fast", "opnai:gpt-4o-mini")
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(
                        "invalid configuration: alias 'fast' points to provider 'opnai', which is not configured (did you mean"
                                + " 'openai'?); configured providers: [openai]. Register it with .provider(\"opnai\", ...) or fix the alias");
    }

    @Test
    void anAliasWithoutProviderPrefixFails() {
        assertThatThrownBy(() -> LlmGate.builder()
                        .provider("openai", p)
                        .alias("fast", "gpt-4o-mini")
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(
                        "alias 'fast' must point to \"provider:model\" (e.g. \"openai:gpt-4o-mini\"), was 'gpt-4o-mini'");
    }

    @Test
    void duplicateProviderNamesFail() {
        assertThatThrownBy(() -> LlmGate.builder()
                        .provider("openai", p)
                        .provider("openai", p)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("provider name 'openai' is registered twice: give each provider a unique name");
    }

    @Test
    void duplicateAliasesFail() {
        assertThatThrownBy(() -> LlmGate.builder()
                        .provider("a", p)
                        .alias("x", "a:m")
                        .alias("x", "a:n")
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("alias 'x' is defined twice");
    }

    @Test
    void namesWithColonsAreRejected() {
        assertThatThrownBy(() -> LlmGate.builder().provider("open:ai", p).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("provider name 'open:ai' is not allowed");
        assertThatThrownBy(() ->
                        LlmGate.builder().provider("a", p).alias("a:b", "a:m").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("alias 'a:b' is not allowed");
    }

    @Test
    void anAliasNamedLikeAProviderIsAmbiguous() {
        assertThatThrownBy(() -> LlmGate.builder()
                        .provider("openai", p)
                        .alias("openai", "openai:gpt-4o")
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("same name as a provider");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> LlmGate.builder()
                        .provider("a", p)
                        .provider("a", p)
                        .alias("x", "nope")
                        .alias("y", "b:m")
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(3);
                    assertThat(e.getMessage()).startsWith("invalid configuration (3 problems):");
                });
    }

    @Test
    void nullArgumentsAreNamed() {
        assertThatThrownBy(() -> LlmGate.builder().provider("a", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("provider 'a' must not be null");
    }
}
