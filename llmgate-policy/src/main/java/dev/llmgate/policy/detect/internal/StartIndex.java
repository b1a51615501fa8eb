package dev.llmgate.policy.detect.internal;

import java.util.Arrays;
import java.util.List;

/**
 * Finds the candidate start positions of up to 64 recognizers in one pass over a text: runs of
 * letters are jumped over whole (only their first character can start a match), and at word
 * starts, digits and listed characters table lookups (single letters by the exact character,
 * longer prefixes by the first three case-folded letters) say which recognizers may start there;
 * the recognizers' run gates ({@link Starts#letterRun}, {@link Starts#digitRun}) and look-behind
 * exclusions ({@link Starts#notAfter}) then drop most of them with a few table lookups, before
 * any per-recognizer check runs. Built once per detector; immutable and thread-safe.
 */
final class StartIndex {
    private static final int K = 27; // 0 = not an ASCII letter, 1..26 = a..z case-folded

    private final Starts[] specs; // null: the recognizer has no start specification (scanned with find())
    private final long digitMask;
    private final long[] charMask = new long[128];
    /** Per ASCII character: the recognizers that never start right after it. */
    private final long[] notAfterMask = new long[128];

    private long nonAsciiMask;
    private String nonAsciiChars = "";
    /** Single-letter prefixes by the exact ASCII letter (case as the prefix asks). */
    private final long[] letter1 = new long[128];

    private final long[] letter2 = new long[K * K];
    /** Three-letter prefixes, compactly: the slot of a two-letter start (-1: no such prefix), then [slot * K + third letter]. */
    private final int[] slot3 = new int[K * K];

    private long[] letter3 = new long[0];
    /** Letter-run gates ({@link Starts#letterRun}): the gated recognizers, by follower, with a digit, by length. */
    private final long runGatedMask;

    private final long[] runFollowMask = new long[128];
    private final long runDigitMask;
    private final long runLengthMask;
    private final int[] runMinLength;
    /** Per length of a run of ASCII letters (capped at {@link Starts#MAX_LETTERS} + 1): the recognizers it is too long for. */
    private final long[] lettersTooLong = new long[Starts.MAX_LETTERS + 2];
    /** The shortest {@link #runMinLength} of a gated recognizer ({@code Integer.MAX_VALUE} if none). */
    private final int minRunLength;
    /** Digit-run gates ({@link Starts#digitRun}): the gated recognizers; [run length (capped)][follower class]: those that pass. */
    private final long digitGatedMask;

    private final long[] digitRunPass = new long[(MAX_RUN + 1) * FOLLOWERS];
    /** Like {@link #digitRunPass}, for the alternatives that also constrain the character after the follower. */
    private final long[] digitRunPassIfNext = new long[(MAX_RUN + 1) * FOLLOWERS];
    /**
     * Their next-character rules: per follower that has one (its slot in {@link #nextSlot}, 1-based; 0: none), per
     * next character (128: non-ASCII or the end of the text) the recognizers that allow it. Combined with
     * {@link #digitRunPassIfNext} (run length and follower) this may pair one alternative's length with another's next
     * characters: a superset, as gates may be.
     */
    private final byte[] nextSlot = new byte[128];

    private long[] nextPass = new long[129];
    private static final int MAX_RUN = 32;
    /** Follower classes: 0..127 ASCII, 128 non-ASCII or the end of the text. */
    private static final int FOLLOWERS = 129;

    public StartIndex(List<Starts> starts) {
        if (starts.size() > 64) {
            throw new IllegalArgumentException("at most 64 recognizers per index");
        }
        specs = starts.toArray(new Starts[0]);
        runMinLength = new int[specs.length];
        long gated = 0;
        long digitGated = 0;
        long runDigit = 0;
        long runLength = 0;
        long digits = 0;
        for (int r = 0; r < specs.length; r++) {
            Starts s = specs[r];
            if (s == null) {
                continue;
            }
            long bit = 1L << r;
            s.compile();
            if (s.digits) {
                digits |= bit;
            }
            if (!s.digitRuns.isEmpty()) {
                digitGated |= bit;
                for (int a = 0; a < s.digitRuns.size(); a++) {
                    int[] len = s.digitRuns.get(a);
                    String f = s.digitRunFollowers.get(a);
                    // alternatives that also constrain the character after the follower: decided per candidate
                    long[] table = s.digitRunNext.get(a) == null ? digitRunPass : digitRunPassIfNext;
                    if (s.digitRunNext.get(a) != null) {
                        addNextRule(bit, f, s.digitRunNext.get(a));
                    }
                    for (int l = len[0]; l <= Math.min(len[1], MAX_RUN); l++) {
                        digitRunPass[l * FOLLOWERS + 128] |= bit; // a non-ASCII follower or the end of the text: any
                        for (int c = 0; c < 128; c++) {
                            if (f == null || f.indexOf(c) >= 0) {
                                table[l * FOLLOWERS + c] |= bit;
                            }
                        }
                    }
                }
            }
            for (int c = 0; c < 128; c++) {
                if (s.notAfter[c]) {
                    notAfterMask[c] |= bit;
                }
            }
            if (s.runMaxLetters > 0) {
                for (int l = s.runMaxLetters + 1; l < lettersTooLong.length; l++) {
                    lettersTooLong[l] |= bit;
                }
            }
            if (s.runGate) {
                gated |= bit;
                for (int c = 0; c < 128; c++) {
                    if (s.runFollowers[c]) {
                        runFollowMask[c] |= bit;
                    }
                }
                if (s.runWithDigit) {
                    runDigit |= bit;
                }
                if (s.runMinLength > 0) {
                    runLength |= bit;
                    runMinLength[r] = s.runMinLength;
                }
            }
            for (int i = 0; i < s.chars.length(); i++) {
                char c = s.chars.charAt(i);
                if (c < 128) {
                    charMask[c] |= bit;
                } else {
                    nonAsciiMask |= bit;
                    nonAsciiChars += c;
                }
            }
            for (int q = 0; q < s.prefixes.size(); q++) {
                String p = s.prefixes.get(q);
                int k0 = fold(p.charAt(0));
                if (p.length() == 1) {
                    char l = p.charAt(0);
                    letter1[l] |= bit;
                    if (s.prefixIgnoreCase.get(q)) {
                        letter1[l ^ 0x20] |= bit;
                    }
                } else if (p.length() == 2) {
                    letter2[k0 * K + fold(p.charAt(1))] |= bit;
                } else {
                    int b = k0 * K + fold(p.charAt(1));
                    if (slot3[b] == 0) {
                        letter3 = Arrays.copyOf(letter3, letter3.length + K);
                        slot3[b] = letter3.length / K; // 1-based while building
                    }
                    letter3[(slot3[b] - 1) * K + fold(p.charAt(2))] |= bit;
                }
            }
        }
        for (int b = 0; b < slot3.length; b++) {
            slot3[b]--;
        }
        digitMask = digits;
        int shortest = Integer.MAX_VALUE;
        for (int r = 0; r < specs.length; r++) {
            if ((runLength & (1L << r)) != 0) {
                shortest = Math.min(shortest, runMinLength[r]);
            }
        }
        minRunLength = shortest;
        runGatedMask = gated;
        digitGatedMask = digitGated;
        runDigitMask = runDigit;
        runLengthMask = runLength;
    }

    private static int fold(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 1;
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 1;
        }
        return 0;
    }

    private static boolean asciiAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** The candidate starts found in one text, per recognizer, in increasing order. */
    public static final class Candidates {
        private final int[][] positions;
        private final int[] counts;
        /** The longest run of ASCII digits in the text. */
        public final int maxDigitRun;

        Candidates(int[][] positions, int[] counts, int maxDigitRun) {
            this.positions = positions;
            this.counts = counts;
            this.maxDigitRun = maxDigitRun;
        }

        /** The candidate starts of recognizer {@code r} ({@link #count(int)} of them are valid). */
        public int[] of(int r) {
            return positions[r];
        }

        public int count(int r) {
            return counts[r];
        }
    }

    /** Candidate starts of every recognizer in {@code text}, for the recognizers selected by {@code active}. */
    public Candidates scan(CharSequence text, long active) {
        return scan(text.toString(), active);
    }

    /** Like {@link #scan(CharSequence, long)} (a {@code String}: no interface call per character). */
    public Candidates scan(String t, long active) {
        return scan(t, Latin1Copy.of(t), active);
    }

    /**
     * Like {@link #scan(String, long)}, reading the characters from {@code latin1}: {@code t} as
     * {@link Latin1Copy#of} writes it (one byte per {@code char}, {@code '?'} for one outside Latin-1,
     * where the real character is read from {@code t}), which is faster to read than {@code t.charAt}.
     */
    public Candidates scan(String t, byte[] latin1, long active) {
        return scan(t, latin1, active, MeteredText.unlimited(t));
    }

    /**
     * Like {@link #scan(String, byte[], long)}, counting the work on {@code metered} (the same
     * characters as {@code t}): the pass itself (one step per character), the runs the gates read
     * and the prefixes compared; the checks read {@code metered} itself.
     */
    public Candidates scan(String t, byte[] latin1, long active, MeteredText metered) {
        int n = t.length();
        long extra = 0;
        int[] read = new int[1]; // what the last letter-run gate call read
        int digitRunEnd = -1; // where the run of digits around the current position ends, once read
        if (latin1.length != n) {
            throw new IllegalArgumentException("latin1 holds " + latin1.length + " characters, the text " + n);
        }
        byte[] b = latin1;
        int[][] pos = new int[specs.length][];
        int[] counts = new int[specs.length];
        int digitRun = 0;
        int maxDigitRun = 0;
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xFF;
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                // a run of ASCII letters: only its first character can be a candidate, and only at a word start
                int j = AsciiLanes.endOfLetters(b, i + 1);
                digitRun = 0;
                // ('?' and the characters it stands for are neither letters nor digits: the bytes decide exactly)
                if (i == 0 || !asciiAlnum((char) (b[i - 1] & 0xFF))) {
                    int k0 = fold((char) c);
                    int k1 = i + 1 < n ? fold((char) (b[i + 1] & 0xFF)) : 0;
                    int k2 = i + 2 < n ? fold((char) (b[i + 2] & 0xFF)) : 0;
                    int slot = slot3[k0 * K + k1];
                    long mask = (letter1[c] | letter2[k0 * K + k1] | (slot < 0 ? 0 : letter3[slot * K + k2]))
                            & active
                            & ~lettersTooLong[Math.min(j - i, lettersTooLong.length - 1)];
                    if (mask != 0) {
                        if ((mask & runGatedMask) != 0) {
                            int f = j < n ? b[j] & 0xFF : 256;
                            if (f < 128 && f != '?' && (f < '0' || f > '9') && j - i < minRunLength) {
                                // the common case (a word followed by a space or punctuation): what runGate decides, in
                                // one lookup
                                mask = (mask & ~runGatedMask) | (mask & runGatedMask & runFollowMask[f]);
                            } else {
                                mask = runGate(t, i, j, mask, read);
                                extra += read[0];
                            }
                        }
                        if (i > 0) {
                            char p = charAt(t, b, i - 1);
                            if (p < 128) {
                                mask &= ~notAfterMask[p];
                            }
                        }
                        while (mask != 0) {
                            int r = Long.numberOfTrailingZeros(mask);
                            mask &= mask - 1;
                            Starts s = specs[r];
                            extra += s.longestPrefix;
                            if (s.prefixAt(t, i) && (s.check == null || s.check.accepts(metered, i))) {
                                add(pos, counts, r, i);
                            }
                        }
                    }
                }
                i = j;
                continue;
            }
            if (c == ' ') {
                digitRun = 0;
                i++;
                continue;
            }
            long mask;
            if (c >= '0' && c <= '9') {
                if (++digitRun > maxDigitRun) {
                    maxDigitRun = digitRun;
                }
                mask = digitMask;
            } else {
                digitRun = 0;
                if (c == '?') {
                    c = t.charAt(i);
                }
                mask = c < 128 ? charMask[c] : (nonAsciiChars.indexOf(c) >= 0 ? nonAsciiMask : 0);
            }
            mask &= active;
            if (mask != 0 && i > 0) {
                char p = charAt(t, b, i - 1);
                if (p < 128) {
                    mask &= ~notAfterMask[p];
                }
            }
            if ((mask & digitGatedMask) != 0 && c >= '0' && c <= '9') {
                if (digitRunEnd <= i) {
                    // read each run of digits once, however many of its positions are candidates
                    digitRunEnd = i + 1;
                    while (digitRunEnd < n && t.charAt(digitRunEnd) >= '0' && t.charAt(digitRunEnd) <= '9') {
                        digitRunEnd++;
                    }
                    extra += digitRunEnd - i + 1;
                }
                mask = digitGate(t, i, digitRunEnd, mask);
            }
            while (mask != 0) {
                int r = Long.numberOfTrailingZeros(mask);
                mask &= mask - 1;
                Starts s = specs[r];
                if ((c < '0' || c > '9') && s.chars.indexOf(c) < 0) {
                    continue;
                }
                if (s.check == null || s.check.accepts(metered, i)) {
                    add(pos, counts, r, i);
                }
            }
            i++;
        }
        metered.charge(n + extra);
        return new Candidates(pos, counts, maxDigitRun);
    }

    /** The character at {@code i} of {@code t}, read from its ISO-8859-1 bytes {@code b} unless it is {@code '?'} there. */
    private static char charAt(String t, byte[] b, int i) {
        char c = (char) (b[i] & 0xFF);
        return c == '?' ? t.charAt(i) : c;
    }

    /** {@code mask} without the recognizers whose digit-run gate the run of digits at {@code i} (up to {@code end}) fails. */
    private long digitGate(String t, int i, int end, long mask) {
        int n = t.length();
        int len = Math.min(end - i, MAX_RUN);
        int follower = end < n && t.charAt(end) < 128 ? t.charAt(end) : 128;
        long gated = mask & digitGatedMask;
        long pass = gated & digitRunPass[len * FOLLOWERS + follower];
        long maybe = gated & ~pass & digitRunPassIfNext[len * FOLLOWERS + follower];
        if (maybe != 0) {
            char next = end + 1 < n ? t.charAt(end + 1) : 128;
            pass |= maybe & nextPass[nextSlot[follower] * 129 + (next < 128 ? next : 128)];
        }
        return (mask & ~digitGatedMask) | pass;
    }

    /** Records a next-character rule of the recognizers {@code bit}: after one of {@code followers}, one of {@code next}. */
    private void addNextRule(long bit, String followers, String next) {
        if (followers == null) {
            throw new IllegalArgumentException("a digit-run gate with a next-character rule lists its followers");
        }
        for (int k = 0; k < followers.length(); k++) {
            char f = followers.charAt(k);
            if (nextSlot[f] == 0) {
                nextPass = Arrays.copyOf(nextPass, nextPass.length + 129);
                nextSlot[f] = (byte) (nextPass.length / 129 - 1);
            }
            int base = nextSlot[f] * 129;
            nextPass[base + 128] |= bit;
            for (int x = 0; x < next.length(); x++) {
                nextPass[base + next.charAt(x)] |= bit;
            }
        }
    }

    /** {@code mask} without the recognizers whose letter-run gate the run at {@code i} (letters up to {@code j}) fails. */
    private long runGate(String text, int i, int j, long mask, int[] read) {
        int n = text.length();
        long gated = mask & runGatedMask;
        int end = j;
        boolean digit = false;
        if (end < n && Starts.Ascii.isDigit(text.charAt(end))) {
            digit = true;
            while (end < n && asciiAlnum(text.charAt(end))) {
                end++;
            }
        }
        read[0] = end - i + 1;
        long pass;
        if (end >= n) {
            pass = gated;
        } else {
            char f = text.charAt(end);
            pass = f >= 128 ? gated : runFollowMask[f];
        }
        if (digit) {
            pass |= runDigitMask;
        }
        long byLength = gated & runLengthMask & ~pass;
        while (byLength != 0) {
            int r = Long.numberOfTrailingZeros(byLength);
            byLength &= byLength - 1;
            if (end - i >= runMinLength[r]) {
                pass |= 1L << r;
            }
        }
        return (mask & ~runGatedMask) | (gated & pass);
    }

    private static void add(int[][] pos, int[] counts, int r, int i) {
        int[] a = pos[r];
        if (a == null) {
            a = pos[r] = new int[8];
        } else if (counts[r] == a.length) {
            a = pos[r] = Arrays.copyOf(a, a.length * 2);
        }
        a[counts[r]++] = i;
    }

    /** Whether recognizer {@code r} has a start specification (else it is scanned with {@code find()}). */
    public boolean indexed(int r) {
        return specs[r] != null;
    }
}
