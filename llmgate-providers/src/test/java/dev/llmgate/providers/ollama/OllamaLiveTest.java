package dev.llmgate.providers.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.providers.testing.Fixtures;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real Ollama server ({@code OLLAMA_HOST}, else localhost:11434). Opt-in, like every live
 * test: it runs only when {@code LLMGATE_LIVE_OLLAMA} is set (Ollama needs no key to signal consent),
 * and is skipped when no server answers or it has no model. The model is {@code OLLAMA_TEST_MODEL},
 * else the first one the server lists.
 */
@org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable(named = "LLMGATE_LIVE_OLLAMA", matches = ".+")
class OllamaLiveTest {
    static OllamaProvider provider;
    static String model;

    @BeforeAll
    static void findServer() {
        String host = System.getenv().getOrDefault("OLLAMA_HOST", "");
        String base = OllamaProvider.normalizeHost(host.isBlank() ? OllamaProvider.DEFAULT_BASE_URL : host);
        OkHttpClient client =
                new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(2)).build();
        JsonNode tags = null;
        try (Response r = client.newCall(new Request.Builder()
                        .url(base.replaceAll("/+$", "") + "/api/tags")
                        .build())
                .execute()) {
            if (r.isSuccessful()) {
                tags = Fixtures.JSON.readTree(r.body().string());
            }
        } catch (Exception noServer) {
            tags = null;
        }
        assumeTrue(tags != null, "no Ollama server answers at " + base);
        model = System.getenv("OLLAMA_TEST_MODEL");
        if (model == null || model.isBlank()) {
            JsonNode first = tags.path("models").path(0).path("name");
            assumeTrue(first.isTextual(), "the Ollama server has no model: ollama pull one, or set OLLAMA_TEST_MODEL");
            model = first.asText();
        }
        provider = OllamaProvider.fromEnv();
    }

    @Test
    void blockingAndStreamedAnswers() {
        ChatResponse r = provider.chat(
                ChatRequest.builder(model)
                        .user("Say hello in one word.")
                        .maxOutputTokens(32)
                        .build(),
                Fixtures.blocking());
        assertThat(r.text()).isNotBlank();
        assertThat(r.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(r.usage().outputTokens()).isPositive();

        ChatResponse s = provider.stream(
                        ChatRequest.builder(model)
                                .user("Count from 1 to 3.")
                                .maxOutputTokens(32)
                                .build(),
                        Fixtures.streaming())
                .collect();
        assertThat(s.text()).isNotBlank();
        assertThat(s.usage().outputTokens()).isPositive();
    }
}
