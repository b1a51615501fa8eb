package dev.llmgate.policy.detect.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Candidate start positions of up to 64 patterns, derived from the patterns themselves: at build
 * time every pattern is tried ({@link Matcher#lookingAt()}) on every string of up to three
 * characters of a small alphabet, after each kind of preceding character (none, a line
 * terminator, another ASCII non-word character, an ASCII word character); a pattern that neither
 * matches nor {@linkplain Matcher#hitEnd() hits the end} there can never match at a position that
 * starts with those characters after that kind of character, whatever follows. At scan time one
 * pass over the text looks up, per position, which patterns can start there. Positions whose first
 * characters or preceding character fall outside the alphabet are candidates of every pattern, so
 * the candidates are always a superset of the real match starts, and trying the patterns only
 * there ({@code lookingAt} with transparent, non-anchoring bounds) finds exactly what a
 * {@code find()} loop finds. Meant for patterns whose only look-behind is {@code \b} or {@code ^}
 * (this class does not check that). Immutable and thread-safe.
 *
 * <p>Common words start some pattern ("the", "you", "now", "has"), so three characters are not
 * enough to rule much out in prose: after a space, a start whose first three characters leave a
 * pattern possible is refined by a small trie of longer prefixes (derived the same way, one more
 * character at a time, up to {@code MAX_DEPTH} characters and only while few next characters keep
 * a pattern possible). At the start of the text or of a line, the patterns that do not look behind
 * their start other than by {@code \b} use that trie too. A second character outside the
 * lookup alphabet is looked up as "some printable ASCII character" (the patterns possible after
 * any of them); a non-ASCII character before a start that is neither a word character (for either
 * definition of {@code \b}) nor a line terminator counts like any other non-word character, and
 * typographic quotes, dashes and the ellipsis are part of the alphabet.
 */
public final class PatternStarts {
    /** The non-ASCII characters of {@link #ALPHABET}: typographic quotes, dashes and the ellipsis, common in English text. */
    private static final String TYPOGRAPHIC = "\u2018\u2019\u201C\u201D\u2013\u2014\u2026";
    /** The characters looked up exactly (lower-case text: normalised phrase matching). */
    private static final String ALPHABET =
            "abcdefghijklmnopqrstuvwxyz0123456789 \n<|>[]/#:\\'-,.!?_=()\"*;&%$@+~`^{}" + TYPOGRAPHIC;

    private static final int A = ALPHABET.length() + 1; // code 0: outside the alphabet
    private static final byte[] CODE = new byte[128];
    /** Second and third characters are looked up only among these (the rest count as outside the alphabet). */
    private static final String INNER = "abcdefghijklmnopqrstuvwxyz \n-'";

    private static final int B = INNER.length() + 1;
    private static final byte[] INNER_CODE = new byte[128];

    static {
        for (int i = 0; i < ALPHABET.length() - TYPOGRAPHIC.length(); i++) {
            CODE[ALPHABET.charAt(i)] = (byte) (i + 1);
        }
        for (int i = 0; i < INNER.length(); i++) {
            INNER_CODE[INNER.charAt(i)] = (byte) (i + 1);
        }
    }

    /**
     * The characters deep nodes branch on (digits and the rarest punctuation left out: they end the
     * refinement, conservatively, which keeps prefixes such as "the " narrow).
     */
    private static final String DEEP = "abcdefghijklmnopqrstuvwxyz \n'-,.!?:";
    /** Per ASCII character: 1 + its index in {@link #DEEP}, or 0. */
    private static final byte[] DEEP_CODE = new byte[128];

    static {
        for (int i = 0; i < DEEP.length(); i++) {
            DEEP_CODE[DEEP.charAt(i)] = (byte) (i + 1);
        }
    }

    private static final int START = 0;
    private static final int LINE = 1;
    private static final int OTHER = 2;
    private static final int WORD = 3;
    /** A preceding character the tables do not cover (non-ASCII, carriage return): every pattern is a candidate. */
    private static final int ANY = 4;
    /** The kind of a preceding character, per ASCII character and (at 128) for all others. */
    private static final byte[] KIND = new byte[129];

    static {
        for (char c = 0; c <= 128; c++) {
            boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            KIND[c] = (byte) (c == 128 || c == '\r' ? ANY : c == '\n' ? LINE : word ? WORD : OTHER);
        }
    }

    private static final String[] PREV = {"", "\n", " ", "a"};

    private final int count;
    /** Per ASCII character: no pattern can start at it right after an ASCII word character. */
    private final boolean[] noneAfterWord = new boolean[128];
    /**
     * The {@link AsciiLanes#classBytes} classes (lower-case letters, digits, the space) whose every
     * character is one of {@link #noneAfterWord}: after a word character, passed over eight at a time.
     */
    private final int afterWordClasses;
    /**
     * [{@link #LETTER} of three characters]: no pattern can start at three lower-case letters after a
     * non-word character ({@code OTHER}), whatever follows them: {@link #lookup}'s answer (0) in one
     * load, for most word starts in prose. False where the tables leave it to the following characters.
     */
    private final boolean[] noneAfterOther = new boolean[27 * 27 * 27];
    /** Per ASCII character: 1..26 for {@code a-z}, else 0. */
    private static final byte[] LETTER = new byte[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            LETTER[c] = (byte) (c - 'a' + 1);
        }
    }

    private final long all;
    /**
     * Patterns that may look behind their start other than by {@code \\b} ({@code ^}, look-behind,
     * {@code \\A}, {@code \\G}): the ones whose candidates at the start of the text or of a line can
     * differ from those after a space.
     */
    private final long lookBehind;
    /** [prev][c0]: patterns that match within one character (candidates whatever follows). */
    private final long[] sure1 = new long[4 * A];
    /** [prev][c0]: patterns still possible after one character. */
    private final long[] alive1 = new long[4 * A];
    /** [prev][c0]: patterns possible when a printable ASCII character outside {@link #INNER} follows. */
    private final long[] aliveOther1 = new long[4 * A];

    private final long[] sure2 = new long[4 * A * B];
    private final long[] alive2 = new long[4 * A * B];
    /** [prev][c0 * B + c1][c2]: patterns possible after three characters (null: none). */
    private final long[][] alive3 = new long[4 * A * B][];
    /** [prev][c0 * B + c1][c2]: the deep node refining {@link #alive3} by the following characters (-1: none). */
    private final int[][] deep3 = new int[4 * A * B][];

    /** Deep nodes refine a prefix by up to this many characters in all... */
    private static final int MAX_DEPTH = 10;
    /** ... as long as at most this many next characters keep a pattern possible (narrow, word-like prefixes). */
    private static final int MAX_WIDTH = 6;
    /**
     * Per deep node, {@link #NODE} longs: the patterns that match within its prefix, those still
     * possible after it, the mask of its edges (bit {@code DEEP_CODE[x]} for each character x it has
     * an edge for; 0: a leaf) and the index of its first edge in {@link #edgeTo}.
     */
    private final long[] nodes;

    private static final int NODE = 4;
    /** Per edge (a node's edges in {@link #DEEP} order): the node it leads to. */
    private final int[] edgeTo;
    // build-time lists of the above
    private List<Long> deepSure = new ArrayList<>();
    private List<Long> deepAlive = new ArrayList<>();
    private List<Integer> deepFirst = new ArrayList<>();
    private List<Integer> deepCount = new ArrayList<>();
    private List<Character> edgeChar = new ArrayList<>();
    private List<Integer> edgeChild = new ArrayList<>();

    public PatternStarts(List<Pattern> patterns) {
        if (patterns.size() > 64) {
            throw new IllegalArgumentException("at most 64 patterns");
        }
        count = patterns.size();
        long behind = 0;
        for (int k = 0; k < count; k++) {
            String source = patterns.get(k).pattern();
            if (source.contains("^") || source.contains("(?<") || source.contains("\\A") || source.contains("\\G")) {
                behind |= 1L << k;
            }
        }
        lookBehind = behind;
        all = count == 64 ? -1L : (1L << count) - 1;
        Matcher[] ms = new Matcher[count];
        for (int k = 0; k < count; k++) {
            ms[k] = patterns.get(k).matcher("");
        }
        char[] buf = new char[1 + MAX_DEPTH];
        for (int p = 0; p < 4; p++) {
            int off = PREV[p].length();
            if (off == 1) {
                buf[0] = PREV[p].charAt(0);
            }
            for (int a = 1; a < A; a++) {
                buf[off] = ALPHABET.charAt(a - 1);
                long[] r1 = explore(ms, all, buf, off, 1);
                sure1[p * A + a] = r1[0];
                alive1[p * A + a] = r1[1];
                if (r1[1] == 0) {
                    continue;
                }
                aliveOther1[p * A + a] = afterOtherAscii(ms, r1[1], buf, off, 1);
                for (int b = 1; b < B; b++) {
                    buf[off + 1] = INNER.charAt(b - 1);
                    long[] r2 = explore(ms, r1[1], buf, off, 2);
                    sure2[(p * A + a) * B + b] = r2[0];
                    alive2[(p * A + a) * B + b] = r2[1];
                    if (r2[1] == 0) {
                        continue;
                    }
                    long[] leaf = new long[B + 1];
                    int[] deep = new int[B];
                    for (int c = 1; c < B; c++) {
                        buf[off + 2] = INNER.charAt(c - 1);
                        long[] r3 = explore(ms, r2[1], buf, off, 3);
                        leaf[c] = r3[0] | r3[1];
                        deep[c] = r3[1] == 0 || p != OTHER ? -1 : deep(ms, r3[1], buf, off, 3);
                        if (deep[c] >= 0) {
                            deepSure.set(deep[c], r3[0]);
                        }
                    }
                    leaf[0] = r2[1];
                    leaf[B] = afterOtherAscii(ms, r2[1], buf, off, 2);
                    alive3[(p * A + a) * B + b] = leaf;
                    deep3[(p * A + a) * B + b] = deep;
                }
            }
        }
        afterWordClasses = deriveNoneAfterWord();
        deriveNoneAfterOther();
        int nodes = deepAlive.size();
        this.nodes = new long[nodes * NODE];
        for (int i = 0; i < nodes; i++) {
            long mask = 0;
            for (int e = deepFirst.get(i), end = e + deepCount.get(i); e < end; e++) {
                mask |= 1L << DEEP_CODE[edgeChar.get(e)];
            }
            this.nodes[i * NODE] = deepSure.get(i);
            this.nodes[i * NODE + 1] = deepAlive.get(i);
            this.nodes[i * NODE + 2] = mask;
            this.nodes[i * NODE + 3] = deepFirst.get(i);
        }
        edgeTo = new int[edgeChar.size()];
        for (int i = 0; i < edgeTo.length; i++) {
            edgeTo[i] = edgeChild.get(i);
        }
        deepSure = null;
        deepAlive = null;
        deepFirst = null;
        deepCount = null;
        edgeChar = null;
        edgeChild = null;
    }

    /**
     * Builds the node for the prefix {@code buf[off, off + len)} (after {@code buf[0, off)}), of which
     * the patterns {@code alive} ran out of input without matching, and its descendants while they stay
     * narrow: a node is expanded by one more character (of {@link #ALPHABET}) only below
     * {@link #MAX_DEPTH} characters and if at most {@link #MAX_WIDTH} characters keep a pattern possible;
     * otherwise it stays a leaf that counts all its live patterns as candidates. Returns the node's index.
     */
    private int deep(Matcher[] ms, long alive, char[] buf, int off, int len) {
        int node = deepAlive.size();
        deepAlive.add(alive);
        deepSure.add(0L);
        deepFirst.add(-1);
        deepCount.add(0);
        if (len >= MAX_DEPTH) {
            return node;
        }
        List<long[]> kids = new ArrayList<>();
        List<Character> chars = new ArrayList<>();
        for (int x = 0; x < DEEP.length(); x++) {
            buf[off + len] = DEEP.charAt(x);
            long[] r = explore(ms, alive, buf, off, len + 1);
            if ((r[0] | r[1]) != 0) {
                if (kids.size() == MAX_WIDTH) {
                    return node; // too wide to be worth refining: a leaf
                }
                kids.add(r);
                chars.add(DEEP.charAt(x));
            }
        }
        // children: sure patterns stored on the child, live ones refined further
        int[] childIndex = new int[kids.size()];
        for (int j = 0; j < kids.size(); j++) {
            buf[off + len] = chars.get(j);
            long[] r = kids.get(j);
            int child;
            if (r[1] == 0) {
                child = deepAlive.size();
                deepAlive.add(0L);
                deepSure.add(0L);
                deepFirst.add(-1);
                deepCount.add(0);
            } else {
                child = deep(ms, r[1], buf, off, len + 1);
            }
            deepSure.set(child, r[0]);
            childIndex[j] = child;
        }
        deepFirst.set(node, edgeChar.size());
        deepCount.set(node, kids.size());
        for (int j = 0; j < kids.size(); j++) {
            edgeChar.add(chars.get(j));
            edgeChild.add(childIndex[j]);
        }
        return node;
    }

    /** Candidates from deep node {@code node}, the text continuing at {@code i}: see {@link #deep}. */
    private long deepCandidates(String text, byte[] ascii, int node, int i, long[] steps) {
        long found = 0;
        int n = text.length();
        while (true) {
            steps[0]++;
            int at = node * NODE;
            found |= nodes[at];
            long mask = nodes[at + 2];
            if (mask == 0 || i >= n) {
                return found | nodes[at + 1]; // a leaf, or the end of the text: whatever follows
            }
            char x = ascii != null ? (char) ascii[i] : text.charAt(i);
            int code = x < 128 ? DEEP_CODE[x] : 0;
            long bit = 1L << code; // code 0 (not branched on) is never in a mask
            if ((mask & bit) == 0) {
                // no pattern continues with x, unless x is one the node did not branch on
                return code == 0 ? found | nodes[at + 1] : found;
            }
            node = edgeTo[(int) nodes[at + 3] + Long.bitCount(mask & (bit - 1))];
            i++;
        }
    }

    /** {@link #noneAfterOther}: what {@link #lookup} answers after {@code OTHER} for three letters, when it is 0 whatever follows. */
    private void deriveNoneAfterOther() {
        for (char x = 'a'; x <= 'z'; x++) {
            int pa = OTHER * A + CODE[x];
            for (char y = 'a'; y <= 'z'; y++) {
                int pab = pa * B + INNER_CODE[y];
                for (char z = 'a'; z <= 'z'; z++) {
                    long sure = sure1[pa] | (alive1[pa] == 0 ? 0 : sure2[pab]);
                    boolean none;
                    if (alive1[pa] == 0 || alive3[pab] == null) {
                        none = sure == 0;
                    } else {
                        int c = INNER_CODE[z];
                        // a deep node refines by what follows: left to lookup
                        none = deep3[pab][c] < 0 && (sure | alive3[pab][c]) == 0;
                    }
                    noneAfterOther[(LETTER[x] * 27 + LETTER[y]) * 27 + LETTER[z]] = none;
                }
            }
        }
    }

    /** Fills {@link #noneAfterWord}; returns the classes of {@link #afterWordClasses}. */
    private int deriveNoneAfterWord() {
        for (char c = 0; c < 128; c++) {
            int a = code(c);
            noneAfterWord[c] = a != 0 && (sure1[WORD * A + a] | alive1[WORD * A + a]) == 0;
        }
        boolean letters = true;
        for (char c = 'a'; c <= 'z'; c++) {
            letters &= noneAfterWord[c];
        }
        boolean digits = true;
        for (char c = '0'; c <= '9'; c++) {
            digits &= noneAfterWord[c];
        }
        return (letters ? AsciiLanes.LOWER_CASE_LETTERS : 0)
                | (digits ? AsciiLanes.DIGITS : 0)
                | (noneAfterWord[' '] ? AsciiLanes.SPACE : 0);
    }

    /**
     * The kind of a preceding character. A non-ASCII one that neither {@code \\b} (in either of
     * its definitions: letters and digits, or with {@code (?U)} alphabetic characters, marks, digits,
     * connector punctuation and joiners, or a combining mark after a base character) counts as a word
     * character nor {@code ^} as a line terminator, such as typographic quotes and dashes, is one
     * like any other non-word character; the rest count as {@link #ANY}.
     */
    private static int kind(char prev) {
        if (prev < 128) {
            return KIND[prev];
        }
        if (Character.isSurrogate(prev)
                || prev == '\u0085'
                || prev == '\u2028'
                || prev == '\u2029'
                || prev == '\u200C'
                || prev == '\u200D'
                || Character.isLetterOrDigit(prev)
                || Character.isAlphabetic(prev)) {
            return ANY;
        }
        switch (Character.getType(prev)) {
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.COMBINING_SPACING_MARK:
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.CONNECTOR_PUNCTUATION:
                return ANY;
            default:
                return OTHER;
        }
    }

    /**
     * Of {@code candidates} (live after the prefix {@code buf[off, off + len)}), those that match or
     * stay possible when the prefix continues with some printable ASCII character outside {@link #INNER}.
     */
    private static long afterOtherAscii(Matcher[] ms, long candidates, char[] buf, int off, int len) {
        long found = 0;
        for (char x = ' '; x < 127; x++) {
            if (INNER_CODE[x] == 0) {
                buf[off + len] = x;
                long[] r = explore(ms, candidates, buf, off, len + 1);
                found |= r[0] | r[1];
            }
        }
        return found;
    }

    /** {sure, alive}: of {@code candidates}, those matching the prefix, and those that ran out of input. */
    private static long[] explore(Matcher[] ms, long candidates, char[] buf, int off, int len) {
        String s = new String(buf, 0, off + len);
        long sure = 0;
        long alive = 0;
        for (long m = candidates; m != 0; m &= m - 1) {
            int k = Long.numberOfTrailingZeros(m);
            Matcher x = ms[k];
            x.reset(s);
            x.useTransparentBounds(true);
            x.useAnchoringBounds(false);
            x.region(off, s.length());
            if (x.lookingAt()) {
                sure |= 1L << k;
            } else if (x.hitEnd()) {
                alive |= 1L << k;
            }
        }
        return new long[] {sure, alive};
    }

    private static int code(char c) {
        if (c < 128) {
            return CODE[c];
        }
        int t = TYPOGRAPHIC.indexOf(c);
        return t < 0 ? 0 : ALPHABET.length() - TYPOGRAPHIC.length() + t + 1;
    }

    private static boolean printable(char c) {
        return c >= ' ' && c < 127;
    }

    private static int innerCode(char c) {
        return c < 128 ? INNER_CODE[c] : 0;
    }

    /** The patterns that can start at {@code i} of {@code text}. */
    public long at(CharSequence text, int i) {
        String t = text.toString();
        int p = i == 0 ? START : kind(t.charAt(i - 1));
        return p == ANY ? all : lookup(t, null, i, p, new long[1]);
    }

    /** {@link #at} after a character of kind {@code p} (not {@link #ANY}); {@code ascii}: as in {@link #scan(CharSequence, byte[], int[])}. */
    private long lookup(String text, byte[] ascii, int i, int p, long[] steps) {
        int n = text.length();
        char first = ascii != null ? (char) ascii[i] : text.charAt(i);
        int a = first < 128 ? CODE[first] : code(first);
        if (a == 0) {
            return all;
        }
        int pa = p * A + a;
        long sure = sure1[pa];
        long alive = alive1[pa];
        if (alive == 0) {
            return sure;
        }
        if (i + 1 >= n) {
            return sure | alive;
        }
        char second = ascii != null ? (char) ascii[i + 1] : text.charAt(i + 1);
        int b = innerCode(second);
        if (b == 0) {
            return sure | (printable(second) ? aliveOther1[pa] : alive);
        }
        int pab = pa * B + b;
        sure |= sure2[pab];
        long[] leaf = alive3[pab];
        if (leaf == null) {
            return sure;
        }
        if (i + 2 >= n) {
            return sure | leaf[0];
        }
        char third = ascii != null ? (char) ascii[i + 2] : text.charAt(i + 2);
        int c = innerCode(third);
        if (c == 0) {
            return sure | (printable(third) ? leaf[B] : leaf[0]);
        }
        if (p == OTHER) {
            int node = deep3[pab][c];
            return node >= 0 ? sure | deepCandidates(text, ascii, node, i + 3, steps) : sure | leaf[c];
        }
        if (p == WORD) {
            return sure | leaf[c];
        }
        // at the start of the text or of a line, a pattern that does not look behind its start other than by \b does
        // what it does after any other non-word character: the deep nodes derived after a space refine those
        int pabOther = ((OTHER * A + a) * B + b);
        long[] leafOther = alive3[pabOther];
        long other = 0;
        if (leafOther != null) {
            int node = deep3[pabOther][c];
            other = node >= 0 ? deepCandidates(text, ascii, node, i + 3, steps) : leafOther[c];
        }
        return sure | (leaf[c] & lookBehind) | (other & ~lookBehind);
    }

    /** Candidate starts per pattern of {@code text}: {@code starts[k]} holds {@code counts[k]} increasing positions. */
    public int[][] scan(CharSequence text, int[] counts) {
        return scan(text, null, counts);
    }

    /**
     * Like {@link #scan(CharSequence, int[])}; {@code ascii}, if not null, holds the same characters
     * as {@code text}, all ASCII, one byte each (the scan then reads them from there, which is faster).
     */
    public int[][] scan(CharSequence text, byte[] ascii, int[] counts) {
        return scan(text, ascii, counts, MeteredText.unlimited(text));
    }

    /**
     * Like {@link #scan(CharSequence, byte[], int[])}, charging {@code metered} with what the pass
     * reads: up to three characters per position, and each character a deep prefix reads beyond them.
     */
    public int[][] scan(CharSequence text, byte[] ascii, int[] counts, MeteredText metered) {
        Candidates c = candidates(text, ascii, metered);
        int[][] starts = new int[count][];
        for (int k = 0; k < count; k++) {
            int[] own = c.own(k);
            int ownCount = c.ownCount(k);
            int[] merged = new int[ownCount + c.sharedCount()];
            int a = 0;
            int b = 0;
            int out = 0;
            while (a < ownCount || b < c.sharedCount()) {
                merged[out++] =
                        b >= c.sharedCount() || (a < ownCount && own[a] < c.shared()[b]) ? own[a++] : c.shared()[b++];
            }
            starts[k] = merged;
            counts[k] = out;
        }
        return starts;
    }

    /**
     * The candidate starts of one text: per pattern its own, in increasing order, and the positions
     * that are candidates of every pattern (a preceding or first character the tables do not cover,
     * such as any letter outside ASCII), recorded once instead of once per pattern. The candidates of
     * pattern {@code k} are both lists merged.
     */
    @SuppressWarnings("ArrayRecordComponent") // scratch arrays of one scan, never compared or hashed
    public record Candidates(int[][] ownStarts, int[] ownCounts, int[] shared, int sharedCount) {
        public int[] own(int k) {
            return ownStarts[k];
        }

        public int ownCount(int k) {
            return ownCounts[k];
        }

        /** How many candidates pattern {@code k} has. */
        public int count(int k) {
            return ownCounts[k] + sharedCount;
        }
    }

    /** The candidates of {@code text} (see {@link #scan(CharSequence, byte[], int[], MeteredText)} for the arguments). */
    public Candidates candidates(CharSequence text, byte[] ascii, MeteredText metered) {
        String t = text.toString();
        int n = t.length();
        if (ascii != null && ascii.length != n) {
            throw new IllegalArgumentException("ascii holds " + ascii.length + " characters, the text " + n);
        }
        Collector out = new Collector(count);
        if (ascii != null) {
            asciiCandidates(t, ascii, out);
        } else {
            for (int i = 0; i < n; i++) {
                int p = START;
                if (i > 0) {
                    // right after a word character most characters start no pattern (decided without the tables; in
                    // normalised, lower-cased text: all word characters; an upper-case letter is outside the alphabet
                    // and is looked up)
                    char c = t.charAt(i);
                    p = kind(t.charAt(i - 1));
                    if (p == WORD && c < 128 && noneAfterWord[c]) {
                        continue;
                    }
                }
                out.add(p == ANY ? all : lookup(t, null, i, p, out.steps), i, all);
            }
        }
        metered.charge(3L * n + out.steps[0]);
        return new Candidates(out.starts, out.counts, out.shared, out.sharedCount);
    }

    /**
     * {@link #candidates} for ASCII text: eight bytes at a time, the positions that follow a word character and
     * hold a character of a class no pattern starts with after one (lower-case letters, digits, the space:
     * {@link #afterWordClasses}) are passed over together; the others are decided one by one, as the general loop
     * decides them (three lower-case letters after a non-word character by {@link #noneAfterOther}, in one load).
     */
    private void asciiCandidates(String t, byte[] a, Collector out) {
        int n = a.length;
        long carry = 0; // the high bit of byte 0: the byte before the current eight is a word character
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            long x = AsciiLanes.load(a, j);
            long word = AsciiLanes.wordBytes(x);
            long passed = ((word << 8) | carry) & AsciiLanes.classBytes(x, afterWordClasses);
            carry = (word >>> 56) & 0x80;
            for (long visit = ~passed & AsciiLanes.HIGH_BITS; visit != 0; visit &= visit - 1) {
                decide(t, a, j + (Long.numberOfTrailingZeros(visit) >>> 3), out);
            }
        }
        for (; j < n; j++) {
            decide(t, a, j, out);
        }
    }

    /** Decides position {@code i} of ASCII text {@code a} (as {@link #candidates}' general loop does). */
    private void decide(String t, byte[] a, int i, Collector out) {
        int n = a.length;
        int p = START;
        if (i > 0) {
            p = KIND[a[i - 1] & 0x7f];
            if (p == WORD && noneAfterWord[a[i] & 0x7f]) {
                return;
            }
        }
        if (p == OTHER
                && i + 2 < n
                && noneAfterOther[
                        (LETTER[a[i] & 0x7f] * 27 + LETTER[a[i + 1] & 0x7f]) * 27 + LETTER[a[i + 2] & 0x7f]]) {
            return;
        }
        out.add(p == ANY ? all : lookup(t, a, i, p, out.steps), i, all);
    }

    /** The candidates of one text as they are found. */
    private static final class Collector {
        final int[][] starts;
        final int[] counts;
        int[] shared = new int[16];
        int sharedCount;
        final long[] steps = {0};

        Collector(int count) {
            starts = new int[count][];
            counts = new int[count];
        }

        /** Records the patterns {@code m} as candidates at {@code i} ({@code all}: every pattern, kept once). */
        void add(long m, int i, long all) {
            if (m == all && starts.length > 1) {
                if (sharedCount == shared.length) {
                    shared = Arrays.copyOf(shared, 2 * sharedCount);
                }
                shared[sharedCount++] = i;
            } else if (m != 0) {
                record(starts, counts, m, i);
            }
        }
    }

    private static void record(int[][] starts, int[] counts, long patterns, int i) {
        for (long m = patterns; m != 0; m &= m - 1) {
            int k = Long.numberOfTrailingZeros(m);
            int[] s = starts[k];
            if (s == null) {
                s = starts[k] = new int[8];
            } else if (counts[k] == s.length) {
                s = starts[k] = Arrays.copyOf(s, s.length * 2);
            }
            s[counts[k]++] = i;
        }
    }
}
