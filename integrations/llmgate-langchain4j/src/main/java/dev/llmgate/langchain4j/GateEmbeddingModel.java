package dev.llmgate.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.Metadata;
import dev.llmgate.core.LlmGate;
import dev.llmgate.langchain4j.internal.Lc4jErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A LangChain4j {@link EmbeddingModel} backed by a gate: the texts to embed run through the gate's chain (input
 * policy, budgets, audit) before they reach the provider. Failures map as {@link GateChatModel}'s do. Thread-safe.
 */
public final class GateEmbeddingModel implements EmbeddingModel {
    private final LlmGate gate;
    private final String model;
    private final OptionalInt dimensions;

    private GateEmbeddingModel(LlmGate gate, String model, OptionalInt dimensions) {
        this.gate = gate;
        this.model = model;
        this.dimensions = dimensions;
    }

    /** Embeddings from {@code model} (an alias or provider:model of an embedding model) through {@code gate}. */
    public static GateEmbeddingModel of(LlmGate gate, String model) {
        return new GateEmbeddingModel(
                Objects.requireNonNull(gate, "gate"), Objects.requireNonNull(model, "model"), OptionalInt.empty());
    }

    /** A copy that asks for vectors of {@code value} dimensions (for models that can shorten them). */
    public GateEmbeddingModel withDimensions(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("dimensions must be at least 1, was " + value);
        }
        return new GateEmbeddingModel(gate, model, OptionalInt.of(value));
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        List<String> texts = new ArrayList<>(segments.size());
        segments.forEach(s -> texts.add(s.text()));
        if (texts.isEmpty()) {
            return Response.from(List.of());
        }
        EmbeddingResponse r;
        try {
            r = gate.embed(new EmbeddingRequest(model, texts, dimensions, Metadata.EMPTY));
        } catch (RuntimeException e) {
            throw Lc4jErrors.toLc4j(e);
        }
        List<Embedding> out = new ArrayList<>(r.size());
        r.vectors().forEach(v -> out.add(Embedding.from(v)));
        return Response.from(
                out, new TokenUsage((int) Math.min(Integer.MAX_VALUE, r.usage().inputTokens())));
    }

    @Override
    public int dimension() {
        return dimensions.isPresent() ? dimensions.getAsInt() : EmbeddingModel.super.dimension();
    }

    @Override
    public String modelName() {
        return model;
    }

    @Override
    public String toString() {
        return "GateEmbeddingModel[" + model + "]";
    }
}
