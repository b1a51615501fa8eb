package dev.llmgate.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.langchain4j.internal.Lc4jErrors;
import dev.llmgate.langchain4j.internal.Lc4jMapping;
import dev.llmgate.langchain4j.internal.StreamingBridge;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An existing LangChain4j model as a gate provider, so that the gate's chain runs in front of it: register it
 * ({@code LlmGate.builder().provider("openai", LangChain4jProvider.of(openAiChatModel))}), route to it (fallback to
 * another LangChain4j model is a route with two deployments), and give the application a {@link GateChatModel} on
 * that gate. Policy, cache, budgets and audit then apply to the model the application already had.
 *
 * <p>A request for {@code name:default} keeps the wrapped model's own model name; any other model name is passed on
 * as LangChain4j's {@code modelName} parameter. The wrapped model's failures become the gate's exceptions
 * (a {@code RateLimitException} a {@code RateLimitedException}, an {@code HttpException} by its status, an I/O
 * failure a {@code NetworkException}, ...) with the original as the cause, so routing retries and falls over as it
 * does for its own providers. Leave the wrapped model's own retries at zero ({@code maxRetries(0)}): the gate's route
 * is then the one retry layer. Without a streaming model, {@code stream} replays the blocking answer; without an
 * embedding model, {@code embed} is refused.
 */
public final class LangChain4jProvider implements ModelProvider {
    private final String name;
    private final Optional<ChatModel> chat;
    private final Optional<StreamingChatModel> streaming;
    private final Optional<EmbeddingModel> embedding;

    private LangChain4jProvider(Builder b) {
        this.name = b.name;
        this.chat = b.chat;
        this.streaming = b.streaming;
        this.embedding = b.embedding;
    }

    /** A provider, reported as {@code name} in errors, for a blocking LangChain4j chat model. */
    public static LangChain4jProvider of(String name, ChatModel model) {
        return builder(name).chatModel(model).build();
    }

    /** A builder; {@code name} is the provider name it is registered under in the gate. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    private static Optional<String> modelOf(String model) {
        return model.isEmpty() || model.equals("default") ? Optional.empty() : Optional.of(model);
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        ChatModel model = chat.orElseThrow(() -> new InvalidRequestException(
                "provider '" + name + "' has no blocking LangChain4j model: add one with chatModel(...)",
                ErrorDetails.of(name)));
        dev.langchain4j.model.chat.request.ChatRequest lc;
        dev.langchain4j.model.chat.response.ChatResponse answer;
        try {
            lc = Lc4jMapping.toLc4j(request, modelOf(request.model()));
            answer = model.chat(lc);
        } catch (RuntimeException e) {
            throw Lc4jErrors.toGate(e, name);
        }
        return Lc4jMapping.toGate(answer, name, request.model());
    }

    @Override
    public ChatStream stream(ChatRequest request, CallContext call) {
        if (streaming.isEmpty()) {
            return ModelProvider.super.stream(request, call);
        }
        dev.langchain4j.model.chat.request.ChatRequest lc;
        try {
            lc = Lc4jMapping.toLc4j(request, modelOf(request.model()));
        } catch (RuntimeException e) {
            throw Lc4jErrors.toGate(e, name);
        }
        try {
            return StreamingBridge.start(streaming.get(), lc, name, request.model());
        } catch (RuntimeException e) { // a model that fails before it streams, on the calling thread
            throw Lc4jErrors.toGate(e, name);
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        EmbeddingModel model = embedding.orElseThrow(() -> new InvalidRequestException(
                "provider '" + name + "' has no LangChain4j embedding model: add one with embeddingModel(...)",
                ErrorDetails.of(name)));
        List<TextSegment> segments = new ArrayList<>();
        request.inputs().forEach(t -> segments.add(TextSegment.from(t)));
        Response<List<dev.langchain4j.data.embedding.Embedding>> r;
        try {
            r = model.embedAll(segments);
        } catch (RuntimeException e) {
            throw Lc4jErrors.toGate(e, name);
        }
        List<float[]> vectors = new ArrayList<>();
        r.content().forEach(e -> vectors.add(e.vector()));
        long input = r.tokenUsage() == null || r.tokenUsage().inputTokenCount() == null
                ? 0
                : r.tokenUsage().inputTokenCount();
        return new EmbeddingResponse(vectors, name, request.model(), Usage.of(input, 0));
    }

    @Override
    public String toString() {
        return "LangChain4jProvider[" + name + "]";
    }

    /** Builds a {@link LangChain4jProvider}: at least one of the three models. */
    public static final class Builder {
        private final String name;
        private Optional<ChatModel> chat = Optional.empty();
        private Optional<StreamingChatModel> streaming = Optional.empty();
        private Optional<EmbeddingModel> embedding = Optional.empty();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** The model for blocking calls. */
        public Builder chatModel(ChatModel value) {
            this.chat = Optional.of(value);
            return this;
        }

        /** The model for streamed calls. */
        public Builder streamingChatModel(StreamingChatModel value) {
            this.streaming = Optional.of(value);
            return this;
        }

        /** The model for embeddings. */
        public Builder embeddingModel(EmbeddingModel value) {
            this.embedding = Optional.of(value);
            return this;
        }

        /** @throws dev.llmgate.api.exception.ConfigurationException without any model */
        public LangChain4jProvider build() {
            if (chat.isEmpty() && streaming.isEmpty() && embedding.isEmpty()) {
                throw new dev.llmgate.api.exception.ConfigurationException("LangChain4jProvider '" + name
                        + "' needs a model: chatModel(...), streamingChatModel(...) or embeddingModel(...)");
            }
            return new LangChain4jProvider(this);
        }
    }
}
