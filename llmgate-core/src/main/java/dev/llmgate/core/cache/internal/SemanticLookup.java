package dev.llmgate.core.cache.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.Role;
import dev.llmgate.core.cache.CacheKey;
import dev.llmgate.core.cache.SemanticCacheOptions;
import dev.llmgate.core.cache.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The semantic side of the cache: decides whether a request is eligible, embeds its question once,
 * searches the partition of requests that are identical except for that question, and checks each
 * candidate with {@link SemanticGuard} before trusting it.
 */
public final class SemanticLookup {
    private static final System.Logger LOG = System.getLogger(SemanticLookup.class.getName());
    private static final String PARTITION_DOMAIN = "semantic-partition";

    private final SemanticCacheOptions options;

    public SemanticLookup(SemanticCacheOptions options) {
        this.options = options;
    }

    public VectorIndex index() {
        return options.index();
    }

    /**
     * A probe for {@code request}, or empty if the request is not eligible (not a plain-text last user
     * turn; earlier turns when multi-turn is off) or its question could not be embedded.
     */
    public Optional<Probe> probe(String namespace, ChatRequest request) {
        List<Message> messages = request.messages();
        Message last = messages.get(messages.size() - 1);
        if (last.role() != Role.USER || last.hasImages()) {
            return Optional.empty();
        }
        if (!options.allowMultiTurn()) {
            for (int i = 0; i < messages.size() - 1; i++) {
                Role r = messages.get(i).role();
                if (r != Role.SYSTEM && r != Role.DEVELOPER) {
                    return Optional.empty();
                }
            }
        }
        String question = last.text();
        if (question.isBlank()) {
            return Optional.empty();
        }
        List<Message> blanked = new ArrayList<>(messages);
        blanked.set(blanked.size() - 1, last.withContent(List.of(ContentPart.text(""))));
        String partition = RequestDigest.digest(PARTITION_DOMAIN, namespace, request.withMessages(blanked));
        float[] vector;
        try {
            List<float[]> vectors = options.embedder().embed(List.of(question));
            if (vectors == null || vectors.size() != 1 || vectors.get(0) == null || vectors.get(0).length == 0) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "the semantic cache's embedder returned no usable vector; semantic lookup skipped");
                return Optional.empty();
            }
            vector = normalize(vectors.get(0));
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the semantic cache's embedder failed (" + e.getClass().getName() + "); semantic lookup skipped");
            return Optional.empty();
        }
        return vector == null ? Optional.empty() : Optional.of(new Probe(partition, question, vector));
    }

    /** A unit-length copy of {@code v}, or null if it has no direction. */
    public static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (!(sum > 0) || Double.isInfinite(sum)) {
            return null;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    /** One request's embedded question, ready to search and to be indexed. */
    public final class Probe {
        private final String partition;
        private final String question;
        private final float[] vector;

        Probe(String partition, String question, float[] vector) {
            this.partition = partition;
            this.question = question;
            this.vector = vector;
        }

        /** The stored answer of the most similar earlier question that passes the guard, if any. */
        public Optional<ChatResponse> find(Function<CacheKey, Optional<ChatResponse>> store) {
            List<VectorIndex.Match> matches =
                    options.index().nearest(partition, vector, options.threshold(), options.maxCandidates());
            for (VectorIndex.Match match : matches) {
                if (match.similarity() < options.threshold() || !SemanticGuard.compatible(match.question(), question)) {
                    continue;
                }
                Optional<ChatResponse> answer = store.apply(match.key());
                if (answer.isPresent()) {
                    return answer;
                }
                options.index().remove(partition, match.key());
            }
            return Optional.empty();
        }

        /** Adds this question, answered under {@code key}, to the index. */
        public void index(CacheKey key) {
            options.index().add(partition, key, question, vector);
        }

        public String partition() {
            return partition;
        }
    }
}
