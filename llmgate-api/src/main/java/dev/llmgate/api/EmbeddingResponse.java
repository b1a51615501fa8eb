package dev.llmgate.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One vector per input, in input order. The vectors are copied in and out, so the response is immutable.
 *
 * @param provider the configured provider name that answered
 * @param model    the model that answered
 * @param usage    input tokens (output is 0)
 */
public record EmbeddingResponse(List<float[]> vectors, String provider, String model, Usage usage) {

    public EmbeddingResponse {
        Objects.requireNonNull(vectors, "vectors");
        List<float[]> copy = new ArrayList<>(vectors.size());
        for (float[] v : vectors) {
            copy.add(Objects.requireNonNull(v, "vector").clone());
        }
        vectors = List.copyOf(copy);
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(usage, "usage");
    }

    /** The vectors; each a copy. */
    @Override
    public List<float[]> vectors() {
        List<float[]> copy = new ArrayList<>(vectors.size());
        for (float[] v : vectors) {
            copy.add(v.clone());
        }
        return copy;
    }

    /** The vector of input {@code i}, a copy. */
    public float[] vector(int i) {
        return vectors.get(i).clone();
    }

    /** How many vectors. */
    public int size() {
        return vectors.size();
    }
}
