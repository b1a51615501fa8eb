package dev.llmgate.examples;

import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.anthropic.AnthropicProvider;
import dev.llmgate.providers.local.LocalModelServer;
import dev.llmgate.providers.openai.OpenAiProvider;

import java.util.Optional;

/**
 * Picks what the examples talk to: a real provider when its key is in the environment, otherwise
 * llmgate's simulated local model over loopback HTTP (clearly labelled).
 */
final class DemoBackend implements AutoCloseable {
    final String providerName;
    final ModelProvider provider;
    final String model;
    final boolean simulated;
    private final Optional<LocalModelServer> server;

    private DemoBackend(String providerName, ModelProvider provider, String model, boolean simulated, Optional<LocalModelServer> server) {
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
            return new DemoBackend("anthropic", AnthropicProvider.fromEnv(), "claude-haiku-4-5", false, Optional.empty());
        }
        LocalModelServer server = LocalModelServer.start();
        return new DemoBackend("local", server.provider("local"), LocalModelServer.MODEL, true, Optional.of(server));
    }

    String describe() {
        if (simulated) {
            return "local SIMULATED model at " + server.map(LocalModelServer::baseUrl).orElse("?")
                    + " (no OPENAI_API_KEY or ANTHROPIC_API_KEY set: answers are canned, not from a real model)";
        }
        return providerName + ":" + model + " (real provider, key from the environment)";
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
