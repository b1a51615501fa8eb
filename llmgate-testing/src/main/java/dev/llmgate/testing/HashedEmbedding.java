package dev.llmgate.testing;

/** Deterministic, unit-length pseudo-embeddings from hashed word trigrams: same text, same vector. */
final class HashedEmbedding {
    private HashedEmbedding() {}

    static float[] of(String text, int dims) {
        float[] v = new float[dims];
        String s = text.toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i + 3 <= s.length(); i++) {
            int h = s.substring(i, i + 3).hashCode();
            v[Math.floorMod(h, dims)] += (h & 1) == 0 ? 1f : -1f;
        }
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        if (norm > 0) {
            float inv = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < dims; i++) {
                v[i] *= inv;
            }
        }
        return v;
    }
}
