package dev.llmgate.core.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic, offline stand-in for an embedding model: a hashed bag of words (minus a few
 * stop words) plus character trigrams, in 1,024 dimensions. It knows nothing of meaning (synonyms
 * score low, one changed word scores high), so it is harsher on the guard than a real model would
 * be on paraphrases, and numbers measured with it say nothing about a real model.
 */
final class HashingEmbedder implements Embedder {
    static final int DIMENSION = 1024;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final Set<String> STOP = Set.of(
            "the", "a", "an", "is", "are", "do", "does", "i", "to", "of", "my", "me", "what", "whats", "how", "can",
            "you", "your", "s", "in", "on", "for", "it", "should", "be");
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public List<float[]> embed(List<String> texts) {
        calls.incrementAndGet();
        List<float[]> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(vector(text));
        }
        return out;
    }

    static float[] vector(String text) {
        float[] v = new float[DIMENSION];
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String w = m.group();
            if (STOP.contains(w)) {
                continue;
            }
            add(v, "w:" + w, 1.0f);
            String padded = "^" + w + "$";
            for (int i = 0; i + 3 <= padded.length(); i++) {
                add(v, "t:" + padded.substring(i, i + 3), 0.25f);
            }
        }
        return v;
    }

    private static void add(float[] v, String feature, float weight) {
        int h = feature.hashCode() * 0x9E3779B1;
        h ^= h >>> 15;
        v[(h & 0x7fffffff) % DIMENSION] += (h & 0x10000) == 0 ? weight : -weight;
    }

    static double cosine(String a, String b) {
        float[] x = vector(a);
        float[] y = vector(b);
        double dot = 0, nx = 0, ny = 0;
        for (int i = 0; i < DIMENSION; i++) {
            dot += x[i] * y[i];
            nx += x[i] * x[i];
            ny += y[i] * y[i];
        }
        return nx == 0 || ny == 0 ? 0 : dot / Math.sqrt(nx * ny);
    }
}
