package dev.llmgate.examples;

import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.anthropic.AnthropicProvider;
import dev.llmgate.providers.ollama.OllamaProvider;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.testing.LocalModelServer;
import java.util.Optional;

/**
 * Picks what the examples talk to: OpenAI or Anthropic when a key is in the environment, else a local
 * Ollama server if one answers, otherwise
 * llmgate's simulated local model over loopback HTTP (clearly labelled).
 */
final class DemoBackend implements AutoCloseable {
    final String providerName;
    final ModelProvider provider;
    final String model;
    final boolean simulated;
    private final Optional<LocalModelServer> server;

    DemoBackend(
            String providerName,
            ModelProvider provider,
            String model,
            boolean simulated,
            Optional<LocalModelServer> server) {
        this.providerName = providerName;
        this.provider = provider;
        this.model = model;
        this.simulated = simulated;
        this.server = server;
    }

    static DemoBackend detect() {
        if (present("OPENAI_API_KEY")) {
            return new DemoBackend("openai", OpenAiProvider.fromEnv(), "gpt-4o-mini", false, Optional.empty());
        }
        if (present("ANTHROPIC_API_KEY")) {
            return new DemoBackend(
                    "anthropic", AnthropicProvider.fromEnv(), "claude-haiku-4-5", false, Optional.empty());
        }
        Optional<String> ollamaModel = ollamaModel();
        if (ollamaModel.isPresent()) {
            return new DemoBackend(
                    "ollama", OllamaProvider.builder().build(), ollamaModel.get(), false, Optional.empty());
        }
        return simulated();
    }

    /** llmgate's simulated local model, whatever the environment holds. */
    static DemoBackend simulated() {
        LocalModelServer server = LocalModelServer.start();
        return new DemoBackend(
                "local", localProvider(server, "local"), LocalModelServer.MODEL, true, Optional.of(server));
    }

    /** llmgate's OpenAI-compatible adapter, named {@code name}, pointed at a simulated model server (which speaks OpenAI's wire format). */
    static ModelProvider localProvider(LocalModelServer server, String name) {
        return OpenAiCompatibleProvider.builder(server.baseUrl())
                .name(name)
                .developerRole(true)
                .build();
    }

    String describe() {
        if (simulated) {
            return "local SIMULATED model at "
                    + server.map(LocalModelServer::baseUrl).orElse("?")
                    + " (no OPENAI_API_KEY or ANTHROPIC_API_KEY set and no Ollama on localhost: answers are canned, not from a real model)";
        }
        return providerName + ":" + model + " (real provider, key from the environment)";
    }

    /** The first model of an Ollama server on localhost, if one answers within half a second. */
    private static Optional<String> ollamaModel() {
        okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder()
                .callTimeout(java.time.Duration.ofMillis(500))
                .build();
        try (okhttp3.Response r = http.newCall(new okhttp3.Request.Builder()
                        .url("http://127.0.0.1:11434/api/tags")
                        .build())
                .execute()) {
            if (!r.isSuccessful()) {
                return Optional.empty();
            }
            com.fasterxml.jackson.databind.JsonNode models = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(r.body().string())
                    .path("models");
            return models.isArray() && models.size() > 0
                    ? Optional.of(models.get(0).path("name").asText())
                    : Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private static boolean present(String variable) {
        String v = System.getenv(variable);
        return v != null && !v.isBlank();
    }

    @Override
    public void close() {
        server.ifPresent(LocalModelServer::close);
    }
}
