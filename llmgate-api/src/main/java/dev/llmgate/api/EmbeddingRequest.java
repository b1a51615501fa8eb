package dev.llmgate.api;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Texts to embed with one model. {@link #toString()} shows the model and the number and length of the
 * inputs, never their text, so that a request can be logged.
 *
 * @param model      {@code "provider:model"} or an alias
 * @param inputs     the texts, at least one, none empty
 * @param dimensions the vector size, for models that can shorten their vectors
 * @param metadata   tenant, user, tags: read by the gate, never sent to the provider
 */
public record EmbeddingRequest(String model, List<String> inputs, OptionalInt dimensions, Metadata metadata) {

    public EmbeddingRequest {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException(
                    "model must not be blank: use \"provider:model\", e.g. \"openai:text-embedding-3-small\"");
        }
        inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("an embedding request needs at least one input text");
        }
        for (String input : inputs) {
            if (input.isEmpty()) {
                throw new IllegalArgumentException(
                        "embedding inputs must not be empty strings (providers reject them)");
            }
        }
        Objects.requireNonNull(dimensions, "dimensions: use OptionalInt.empty()");
        if (dimensions.isPresent() && dimensions.getAsInt() < 1) {
            throw new IllegalArgumentException("dimensions must be at least 1, was " + dimensions.getAsInt());
        }
        Objects.requireNonNull(metadata, "metadata: use Metadata.EMPTY");
    }

    /** Embeds {@code inputs} with {@code model}. */
    public static EmbeddingRequest of(String model, String... inputs) {
        return new EmbeddingRequest(model, List.of(inputs), OptionalInt.empty(), Metadata.EMPTY);
    }

    /** This request addressed to another model. */
    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, inputs, dimensions, metadata);
    }

    /** Shows the request's shape (model, input count and total length, dimensions), never its texts. */
    @Override
    public String toString() {
        long chars = 0;
        for (String input : inputs) {
            chars += input.length();
        }
        return "EmbeddingRequest[model=" + model + ", inputs=" + inputs.size() + " (" + chars + " chars)"
                + (dimensions.isPresent() ? ", dimensions=" + dimensions.getAsInt() : "") + "]";
    }
}
