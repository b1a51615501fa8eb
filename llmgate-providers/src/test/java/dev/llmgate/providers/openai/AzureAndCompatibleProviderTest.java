package dev.llmgate.providers.openai;

import static dev.llmgate.providers.testing.Fixtures.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.Message;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.providers.testing.Fixtures;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AzureAndCompatibleProviderTest {
    MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void ok() {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(Fixtures.read("openai/chat-completions.default.response.json"))
                .build());
    }

    @Test
    void azureAddressesTheDeploymentWithApiVersionAndApiKeyHeader() throws Exception {
        ok();
        AzureOpenAiProvider azure = AzureOpenAiProvider.builder()
                .endpoint(server.url("/").toString())
                .apiKey("azure-key-123")
                .environment(Map.of())
                .build();
        azure.chat(ChatRequest.builder("my-gpt4o").user("hi").maxOutputTokens(5).build(), Fixtures.blocking());
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getUrl().encodedPath()).isEqualTo("/openai/deployments/my-gpt4o/chat/completions");
        assertThat(r.getUrl().queryParameter("api-version")).isEqualTo(AzureOpenAiProvider.DEFAULT_API_VERSION);
        assertThat(r.getHeaders().get("api-key")).isEqualTo("azure-key-123");
        assertThat(r.getHeaders().get("Authorization")).isNull();
        JsonNode b = body(r);
        assertThat(b.has("model")).isFalse();
        assertThat(b.get("max_completion_tokens").asInt()).isEqualTo(5);
        assertThat(azure.toString()).doesNotContain("azure-key-123");
    }

    @Test
    void azureFetchesABearerTokenPerRequest() throws Exception {
        ok();
        ok();
        AtomicInteger n = new AtomicInteger();
        AzureOpenAiProvider azure = AzureOpenAiProvider.builder()
                .endpoint(server.url("/").toString())
                .bearerToken(() -> "token-" + n.incrementAndGet())
                .apiVersion("2025-01-01-preview")
                .environment(Map.of())
                .build();
        azure.chat(ChatRequest.of("d", "hi"), Fixtures.blocking());
        azure.chat(ChatRequest.of("d", "hi"), Fixtures.blocking());
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
                .isEqualTo("Bearer token-1");
        RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(second.getHeaders().get("Authorization")).isEqualTo("Bearer token-2");
        assertThat(second.getUrl().queryParameter("api-version")).isEqualTo("2025-01-01-preview");
    }

    @Test
    void azureContentFilterErrorIsTyped() {
        server.enqueue(new MockResponse.Builder()
                .code(400)
                .addHeader("Content-Type", "application/json")
                .body(
                        "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure OpenAI's content"
                                + " management policy. Please modify your prompt and retry.\",\"type\":null,\"param\":\"prompt\","
                                + "\"code\":\"content_filter\",\"status\":400,\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\","
                                + "\"content_filter_result\":{\"hate\":{\"filtered\":true,\"severity\":\"high\"}}}}}")
                .build());
        AzureOpenAiProvider azure = AzureOpenAiProvider.builder()
                .endpoint(server.url("/").toString())
                .apiKey("k")
                .environment(Map.of())
                .build();
        assertThatThrownBy(() -> azure.chat(ChatRequest.of("d", "x"), Fixtures.blocking()))
                .isInstanceOf(ContentFilteredException.class);
    }

    @Test
    void azureConfigurationProblemsAreListedTogether() {
        assertThatThrownBy(() ->
                        AzureOpenAiProvider.builder().environment(Map.of()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AZURE_OPENAI_API_KEY")
                .hasMessageContaining("AZURE_OPENAI_ENDPOINT");
        AzureOpenAiProvider fromEnv = AzureOpenAiProvider.builder()
                .environment(
                        Map.of("AZURE_OPENAI_API_KEY", "k", "AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com"))
                .build();
        assertThat(fromEnv.toString()).contains("res.openai.azure.com");
    }

    @Test
    void compatibleServersGetMaxTokensSystemRoleAndNoAuthWithoutAKey() throws Exception {
        ok();
        OpenAiCompatibleProvider p = OpenAiCompatibleProvider.builder(
                        server.url("/v1").toString())
                .name("vllm")
                .header("X-Extra", "1")
                .build();
        p.chat(
                ChatRequest.builder("llama")
                        .addMessage(Message.developer("rules"))
                        .user("hi")
                        .maxOutputTokens(9)
                        .build(),
                Fixtures.blocking());
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
        assertThat(r.getHeaders().get("Authorization")).isNull();
        assertThat(r.getHeaders().get("X-Extra")).isEqualTo("1");
        JsonNode b = body(r);
        assertThat(b.get("max_tokens").asInt()).isEqualTo(9);
        assertThat(b.at("/messages/0/role").asText()).isEqualTo("system");
    }

    @Test
    void compatibleKeyFromANamedVariableIsRequiredWhenAsked() {
        assertThatThrownBy(() -> OpenAiCompatibleProvider.builder("https://api.groq.com/openai/v1")
                        .apiKeyFromEnv("GROQ_API_KEY")
                        .environment(Map.of())
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GROQ_API_KEY, which is not set");
        assertThatThrownBy(() -> OpenAiCompatibleProvider.builder("http://h/v1")
                        .maxTokensField("max_output")
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxTokensField");
    }
}
