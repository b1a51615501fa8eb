package dev.llmgate.policy.detect.internal;

/**
 * A text being scanned by a policy, with the scan's work counter: every character the built-in
 * regular expressions (and the hand-written checks that take a {@link CharSequence}) read through
 * {@link #charAt} counts one step, and the hand-written passes over the text's bytes charge the
 * characters they read with {@link #charge}. The counter is deterministic: the same text and
 * policy always count the same steps. When the count passes the scan's limit, the scan stops with
 * {@link ScanLimitExceededException} (the policy engine turns it into a BLOCK decision).
 *
 * <p>Views of derived texts (the injection detector's normal form, a decoded run) share the
 * counter: {@link #view}. Not thread-safe: one instance per scan, on the scanning thread. Not API.
 */
public final class MeteredText implements CharSequence {
    private static final int[] NONE = new int[0];

    private final String text;
    private final Counter counter;
    /** Positions (increasing) of the characters that stand for something else in the source: see {@link #disguised}. */
    private final int[] disguised;

    /** The work counter and limit of one scan, shared by its views. */
    private static final class Counter {
        long steps;
        final long limit;

        Counter(long limit) {
            this.limit = limit;
        }
    }

    private MeteredText(String text, Counter counter, int[] disguised) {
        this.text = text;
        this.counter = counter;
        this.disguised = disguised;
    }

    /** {@code text} with a counter that stops the scan once more than {@code limit} steps were counted. */
    public static MeteredText of(CharSequence text, long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        return text instanceof MeteredText m
                ? new MeteredText(m.text, new Counter(limit), m.disguised)
                : new MeteredText(text.toString(), new Counter(limit), NONE);
    }

    /**
     * Like {@link #of(CharSequence, long)}, for a policy's view of its sources in which the characters at
     * {@code disguised} (increasing positions) stand for something else in the source: an escape ({@code %22},
     * <code>&amp;#41;</code>, {@code \}{@code u0020}) or a look-alike (a full-width quote) that the view reads as a quote, a
     * bracket or white space. Such a character does not end a URL or a value for the reader the source was written
     * for, so the detectors that read ends ({@link #disguised(int)}) do not end there either.
     */
    public static MeteredText of(String text, long limit, int[] disguised) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        return new MeteredText(text, new Counter(limit), disguised); // (not copied: the caller hands it over)
    }

    /** {@code text} with a counter that never stops the scan (a detector called on its own, outside a policy scan). */
    public static MeteredText unlimited(CharSequence text) {
        return text instanceof MeteredText m ? m : of(text, Long.MAX_VALUE);
    }

    /** Another text (derived from this one) read under the same counter. */
    public MeteredText view(String other) {
        return new MeteredText(other, counter, NONE);
    }

    /** Whether the character at {@code index} stands for something else in the source (see {@link #of(String, long, int[])}). */
    public boolean disguised(int index) {
        return disguised.length != 0 && java.util.Arrays.binarySearch(disguised, index) >= 0;
    }

    /** The characters, unmetered: for passes that charge what they read with {@link #charge}. */
    public String string() {
        return text;
    }

    /** Steps counted so far. */
    public long steps() {
        return counter.steps;
    }

    /** The limit of this scan's steps. */
    public long limit() {
        return counter.limit;
    }

    /** Counts {@code n} steps; throws once the limit is passed. */
    public void charge(long n) {
        Counter c = counter;
        long s = c.steps + n;
        c.steps = s;
        if (s > c.limit) {
            throw new ScanLimitExceededException(s, c.limit);
        }
    }

    @Override
    public int length() {
        return text.length();
    }

    /** The character at {@code index}, counting one step. */
    @Override
    public char charAt(int index) {
        Counter c = counter;
        if (++c.steps > c.limit) {
            throw new ScanLimitExceededException(c.steps, c.limit);
        }
        return text.charAt(index);
    }

    /** An unmetered copy of the characters (a match's value, already counted as it was read). */
    @Override
    public CharSequence subSequence(int start, int end) {
        return text.substring(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
