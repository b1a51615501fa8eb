package dev.llmgate.policy.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The learned prompt-injection classifier: a linear model over {@link InjectionFeatures}, read as
 * windows of {@link #window()} consecutive tokens. A window's score is
 * {@code bias + scale * sum(weights of its features) / sqrt(number of its features)}; a text's score
 * is that of its highest-scoring window (the whole text when it is shorter), so an injection
 * sentence inside a long benign document is scored on its own instead of averaged away.
 *
 * <p>The weights are 8-bit integers (one per hash bucket) with one scale factor, written by
 * {@link InjectionModelTrainer}; the bias is shifted at training time so that a probability of 0.5
 * is the operating point chosen on held-out sources. Pure Java, deterministic, immutable and
 * thread-safe; scoring is linear in the text's length.
 *
 * <p>Not shipped yet: measured on held-out sources (llmgate-policy/training/report.md) it does not
 * reach the recall the detector needs, so it lives with the training program until it does.
 */
public final class InjectionModel {
    private static final int MAGIC = 0x4C47494D; // "LGIM"
    private static final int VERSION = 1;

    private final int window;
    private final float bias;
    private final float scale;
    private final byte[] weights;

    /** A model of {@code weights} (one per bucket, {@code 1 << InjectionFeatures.BITS} of them). */
    public InjectionModel(int window, float bias, float scale, byte[] weights) {
        if (weights.length != 1 << InjectionFeatures.BITS) {
            throw new IllegalArgumentException("injection model: " + weights.length + " weights, expected "
                    + (1 << InjectionFeatures.BITS) + " (the feature hash has " + InjectionFeatures.BITS + " bits)");
        }
        if (window < 1) {
            throw new IllegalArgumentException("injection model: window must be at least 1 token, was " + window);
        }
        this.window = window;
        this.bias = bias;
        this.scale = scale;
        this.weights = weights.clone();
    }

    /** Reads a model written by {@link #write}. */
    public static InjectionModel read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != MAGIC) {
            throw new IOException("not an llmgate injection model (bad magic number)");
        }
        int version = data.readInt();
        if (version != VERSION) {
            throw new IOException("injection model version " + version + ", this llmgate reads version " + VERSION);
        }
        int bits = data.readInt();
        if (bits != InjectionFeatures.BITS) {
            throw new IOException(
                    "injection model has " + bits + " hash bits, this llmgate uses " + InjectionFeatures.BITS);
        }
        int window = data.readInt();
        float bias = data.readFloat();
        float scale = data.readFloat();
        byte[] weights = new byte[1 << bits];
        data.readFully(weights);
        if (data.read() != -1) {
            throw new IOException("injection model: trailing bytes after the weights");
        }
        return new InjectionModel(window, bias, scale, weights);
    }

    /** Writes this model (big-endian: magic, version, bits, window, bias, scale, weights). */
    public void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(MAGIC);
        data.writeInt(VERSION);
        data.writeInt(InjectionFeatures.BITS);
        data.writeInt(window);
        data.writeFloat(bias);
        data.writeFloat(scale);
        data.write(weights);
        data.flush();
    }

    /** Tokens per window. */
    public int window() {
        return window;
    }

    /**
     * The score of a normal form {@code n}: the log-odds of its highest-scoring window and that window's span
     * in {@code n} (an empty span and the bias alone for text without tokens).
     */
    public Score score(String n) {
        Scan scan = new Scan(this);
        InjectionFeatures.read(n, scan);
        return scan.finish();
    }

    /** A text's score: the log-odds that it is an injection, and the window {@code [start, end)} that scored it. */
    public record Score(double logit, int start, int end) {
        /** The probability that the text is an injection (0.5 at the model's operating point). */
        public double probability() {
            return 1.0 / (1.0 + Math.exp(-logit));
        }
    }

    /** The sliding window over the tokens as {@link InjectionFeatures} reports them. */
    private static final class Scan implements InjectionFeatures.Sink {
        private final byte[] weights;
        private final int window;
        private final float bias;
        private final float scale;
        private final int[] sums;
        private final int[] counts;
        private final int[] starts;
        private int tokens;
        private int tokenSum;
        private int tokenCount;
        private long windowSum;
        private long windowCount;
        private double best = Double.NEGATIVE_INFINITY;
        private int bestStart;
        private int bestEnd;

        Scan(InjectionModel model) {
            this.weights = model.weights;
            this.window = model.window;
            this.bias = model.bias;
            this.scale = model.scale;
            this.sums = new int[window];
            this.counts = new int[window];
            this.starts = new int[window];
        }

        @Override
        public void feature(int bucket) {
            tokenSum += weights[bucket];
            tokenCount++;
        }

        @Override
        public void token(int start, int end) {
            int slot = tokens % window;
            if (tokens >= window) {
                windowSum -= sums[slot];
                windowCount -= counts[slot];
            }
            sums[slot] = tokenSum;
            counts[slot] = tokenCount;
            starts[slot] = start;
            windowSum += tokenSum;
            windowCount += tokenCount;
            tokenSum = 0;
            tokenCount = 0;
            tokens++;
            if (tokens >= window) {
                consider(starts[tokens % window], end);
            } else {
                lastEnd = end;
            }
        }

        private int lastEnd;

        private void consider(int start, int end) {
            double logit = bias + scale * windowSum / Math.sqrt((double) Math.max(1, windowCount));
            if (logit > best) {
                best = logit;
                bestStart = start;
                bestEnd = end;
            }
        }

        Score finish() {
            if (tokens == 0) {
                return new Score(bias, 0, 0);
            }
            if (tokens < window) {
                consider(starts[0], lastEnd);
            }
            return new Score(best, bestStart, bestEnd);
        }
    }
}
