package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.FAST;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.call;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.json;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.take;
import static dev.llmgate.providers.anthropic.AnthropicTestSupport.textAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.ConfigurationException;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** Builder and environment configuration. */
class AnthropicProviderConfigTest {
    @StartStop
    private final MockWebServer server = new MockWebServer();

    @Test
    void aMissingKeyNamesTheEnvironmentVariable() {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> AnthropicProvider.builder().environment(Map.of()).build());

        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(1);
        assertThat(e.getMessage()).contains("ANTHROPIC_API_KEY").contains(".apiKey(");
    }

    @Test
    void keyAndBaseUrlAreReadFromTheEnvironment() throws Exception {
        server.enqueue(json(200, textAnswer("ok")));
        AnthropicProvider p = AnthropicProvider.builder()
                .environment(Map.of(
                        "ANTHROPIC_API_KEY",
                        "sk-ant-from-env",
                        "ANTHROPIC_BASE_URL",
                        server.url("/").toString()))
                .timeouts(FAST)
                .build();

        p.chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call());

        RecordedRequest r = take(server);
        assertThat(r.getHeaders().get("x-api-key")).isEqualTo("sk-ant-from-env");
        assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/messages");
    }

    @Test
    void theBuilderWinsOverTheEnvironment() throws Exception {
        server.enqueue(json(200, textAnswer("ok")));
        AnthropicProvider p = AnthropicProvider.builder()
                .apiKey("sk-ant-from-builder")
                .baseUrl(server.url("/").toString())
                .environment(
                        Map.of("ANTHROPIC_API_KEY", "sk-ant-from-env", "ANTHROPIC_BASE_URL", "http://unused.invalid"))
                .timeouts(FAST)
                .build();

        p.chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call());

        assertThat(take(server).getHeaders().get("x-api-key")).isEqualTo("sk-ant-from-builder");
    }

    @Test
    void aBaseUrlWithAPathKeepsIt() throws Exception {
        server.enqueue(json(200, textAnswer("ok")));
        AnthropicTestSupport.builder(server)
                .baseUrl(server.url("/proxy/anthropic").toString())
                .build()
                .chat(ChatRequest.of("claude-haiku-4-5", "Hi"), call());

        assertThat(take(server).getUrl().encodedPath()).isEqualTo("/proxy/anthropic/v1/messages");
    }

    @Test
    void everyProblemIsListedAtOnce() {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> AnthropicProvider.builder()
                        .environment(Map.of("ANTHROPIC_BASE_URL", "not a url"))
                        .defaultMaxTokens(0)
                        .beta(" ")
                        .build());

        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(4);
        assertThat(e.getMessage())
                .contains("ANTHROPIC_API_KEY")
                .contains("is not an http(s) URL")
                .doesNotContain("not a url")
                .contains("defaultMaxTokens")
                .contains("anthropic-beta");
    }

    @Test
    void aKeyThatCannotBeSentInAHeaderIsRefusedWithoutQuotingIt() {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> AnthropicProvider.builder()
                        .apiKey("sk-ant-abc\ndef-SECRETPART")
                        .environment(Map.of())
                        .build());

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("API key").doesNotContain("SECRETPART");
    }

    @Test
    void toStringNamesProviderAndBaseUrlOnly() {
        AnthropicProvider p = AnthropicProvider.builder()
                .apiKey("sk-ant-xyz-SECRET")
                .environment(Map.of())
                .name("claude")
                .build();

        assertThat(p.toString())
                .isEqualTo("AnthropicProvider[claude, https://api.anthropic.com/...]")
                .doesNotContain("SECRET");
    }
}
