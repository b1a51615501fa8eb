package dev.llmgate.providers.openai;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.openai.internal.OpenAiFamilyClient;
import okhttp3.HttpUrl;

/** What the OpenAI, Azure OpenAI and OpenAI-compatible providers share: the Chat Completions client and {@code toString()}. */
abstract class OpenAiFamilyProvider implements ModelProvider {
    private final OpenAiFamilyClient client;
    private final String name;
    private final HttpUrl url;

    OpenAiFamilyProvider(OpenAiFamilyClient client, String name, HttpUrl url) {
        this.client = client;
        this.name = name;
        this.url = url;
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        return client.chat(request, call);
    }

    @Override
    public ChatStream stream(ChatRequest request, CallContext call) {
        return client.stream(request, call);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        return client.embed(request, call);
    }

    /**
     * Cancels this provider's calls in flight (they fail with a {@link dev.llmgate.api.exception.NetworkException}),
     * closes the connections of its own pool (not those of a client passed to {@code httpClient(...)}) and stops the
     * time-limit thread unless another provider's call needs it. Later calls fail. Idempotent; called by the gate's
     * {@code close()}.
     */
    @Override
    public void close() {
        client.close();
    }

    /** The class, name and URL (credentials in the URL redacted); never the key. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", " + url.redact() + "]";
    }
}
