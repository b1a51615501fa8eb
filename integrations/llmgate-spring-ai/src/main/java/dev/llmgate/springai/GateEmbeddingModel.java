package dev.llmgate.springai;

import dev.llmgate.api.Metadata;
import dev.llmgate.core.LlmGate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;

/**
 * A Spring AI {@link EmbeddingModel} backed by a gate: the texts run through the gate's chain (input policy, budgets,
 * audit) before they reach the provider. The request options' model and dimensions, when set, override
 * {@link #of(LlmGate, String)}'s model. Thread-safe.
 */
public final class GateEmbeddingModel implements EmbeddingModel {
    private final LlmGate gate;
    private final String model;

    private GateEmbeddingModel(LlmGate gate, String model) {
        this.gate = gate;
        this.model = model;
    }

    /** Embeddings from {@code model} (an alias or {@code provider:model} of an embedding model) through {@code gate}. */
    public static GateEmbeddingModel of(LlmGate gate, String model) {
        return new GateEmbeddingModel(Objects.requireNonNull(gate, "gate"), Objects.requireNonNull(model, "model"));
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        String m = model;
        OptionalInt dims = OptionalInt.empty();
        if (request.getOptions() != null) {
            if (request.getOptions().getModel() != null
                    && !request.getOptions().getModel().isBlank()) {
                m = request.getOptions().getModel();
            }
            if (request.getOptions().getDimensions() != null) {
                dims = OptionalInt.of(request.getOptions().getDimensions());
            }
        }
        dev.llmgate.api.EmbeddingResponse r = gate.embed(
                new dev.llmgate.api.EmbeddingRequest(m, List.copyOf(request.getInstructions()), dims, Metadata.EMPTY));
        List<Embedding> out = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            out.add(new Embedding(r.vectors().get(i), i));
        }
        int input = (int) Math.min(Integer.MAX_VALUE, r.usage().inputTokens());
        return new EmbeddingResponse(out, new EmbeddingResponseMetadata(r.model(), new DefaultUsage(input, 0)));
    }

    @Override
    public float[] embed(Document document) {
        return embed(getEmbeddingContent(document));
    }

    @Override
    public String toString() {
        return "GateEmbeddingModel[" + model + "]";
    }
}
