package dev.llmgate.policy.training;

/**
 * The features of the learned injection classifier ({@link InjectionModel}), read from text in the
 * normal form of {@link NormalizedText} (lower case, diacritics and compatibility forms folded,
 * zero-width characters removed, look-alikes mapped): the text is cut into tokens (runs of letters
 * and digits; every digit reads as {@code 0}), and each token gives its word, the pair of it and the
 * word before it, and the character 4-grams of the word with its boundaries ({@code ^word$}; at most
 * the first {@value #GRAM_CHARS} characters of a long token), each hashed into one of
 * {@code 2^}{@value #BITS} buckets. Training and scoring both read features through this one class,
 * so that they cannot drift apart.
 *
 * <p>Linear in the text's length and allocation-free: a {@link Sink} receives each token's features'
 * buckets, then the token, in text order.
 */
public final class InjectionFeatures {
    private InjectionFeatures() {}

    /** The number of hash bits: the model has {@code 1 << BITS} weights. */
    public static final int BITS = 18;

    /** Only this many characters of a token give 4-grams (a long token is a run of code or base64, not a word). */
    static final int GRAM_CHARS = 24;

    private static final int WORD_SEED = 0x2545F491;
    private static final int PAIR_SEED = 0x9E3779B9;
    private static final int GRAM_SEED = 0x85EBCA6B;
    private static final char START = '\u0001';
    private static final char END = '\u0002';

    /** Receives tokens and their features, in text order. */
    public interface Sink {
        /** A feature of the token being read: a bucket in {@code [0, 1 << BITS)}. */
        void feature(int bucket);

        /** The token {@code [start, end)} of the text ends: the features since the last call were its own. */
        void token(int start, int end);
    }

    /** Reads the features of {@code n} (a normal form) into {@code sink}. */
    public static void read(String n, Sink sink) {
        int size = n.length();
        int previousWord = 0;
        boolean hasPrevious = false;
        int i = 0;
        while (i < size) {
            char c = n.charAt(i);
            if (!tokenChar(c)) {
                i++;
                continue;
            }
            int start = i;
            int word = 0x811C9DC5;
            // the 4-gram window over "^" + token + "$": the last three characters read
            int c1 = 0;
            int c2 = 0;
            int c3 = START;
            int seen = 1;
            while (i < size && tokenChar(n.charAt(i))) {
                c = n.charAt(i);
                char d = c >= '0' && c <= '9' ? '0' : c;
                word = (word ^ d) * 0x01000193;
                if (i - start < GRAM_CHARS) {
                    if (++seen >= 4) {
                        sink.feature(bucket(gram(c1, c2, c3, d)));
                    }
                    c1 = c2;
                    c2 = c3;
                    c3 = d;
                }
                i++;
            }
            if (++seen >= 4) {
                sink.feature(bucket(gram(c1, c2, c3, END)));
            }
            sink.feature(bucket(word ^ WORD_SEED));
            if (hasPrevious) {
                sink.feature(bucket((previousWord * 31 + word) ^ PAIR_SEED));
            }
            sink.token(start, i);
            previousWord = word;
            hasPrevious = true;
        }
    }

    private static int gram(int a, int b, int c, int d) {
        return ((((a * 0x1F) + b) * 0x3F1 + c) * 0x7FF + d) ^ GRAM_SEED;
    }

    /** A letter or digit of any script (a surrogate half is neither: astral characters separate tokens). */
    static boolean tokenChar(char c) {
        if (c < 0x80) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
        }
        return Character.isLetterOrDigit(c);
    }

    /** The bucket of a hash: its top {@link #BITS} bits after a full avalanche (MurmurHash3's finaliser). */
    static int bucket(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h >>> (32 - BITS);
    }
}
