package dev.llmgate.policy.detect.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which keyword groups occur in a text, in one pass and without a lower-cased copy of it. A keyword
 * (lower case) occurs where the text has it with ASCII letters compared case-insensitively and every
 * other character exactly — the case-insensitivity of a pattern's {@code (?i)} without
 * {@code UNICODE_CASE}. Every match of such a pattern that contains a keyword literally therefore
 * contains it in this sense too, so the groups found are a superset of what the patterns need;
 * where this differs from {@code text.toLowerCase(Locale.ROOT).contains(keyword)} (the Kelvin sign,
 * dotted capital I, upper-case non-ASCII letters) the patterns cannot match either.
 *
 * <p>Only the keywords of the groups still wanted are looked for. Many: by a set of bits of their
 * first two characters, read from the text's ISO-8859-1 bytes, so a position of the text costs one
 * bit test, and a second of their first three, so a keyword is compared only where its first three characters
 * may occur; whenever a
 * group is found the set shrinks. Few ({@value #ANCHORED} or fewer): each is compared only at the
 * occurrences of its rarest character, found with {@link String#indexOf(int, int)}. Immutable and
 * thread-safe.
 */
public final class KeywordScan {
    private final String[] words;
    private final long[] groupsOf;
    private final long allGroups;
    /** Keywords of one character, or starting with a non-ASCII character: checked by a plain search. */
    private final List<Integer> odd = new ArrayList<>();

    public KeywordScan(List<String[]> groups) {
        if (groups.size() > 64) {
            throw new IllegalArgumentException("at most 64 keyword groups");
        }
        Map<String, Long> byWord = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            for (String k : groups.get(g)) {
                if (k.isEmpty() || !k.equals(k.toLowerCase(java.util.Locale.ROOT))) {
                    throw new IllegalArgumentException(
                            "keywords must be non-empty and lower case: '" + k + "' in group " + g);
                }
                byWord.merge(k, 1L << g, (a, b) -> a | b);
            }
        }
        words = byWord.keySet().toArray(new String[0]);
        groupsOf = new long[words.length];
        long all = 0;
        for (int w = 0; w < words.length; w++) {
            String k = words[w];
            groupsOf[w] = byWord.get(k);
            all |= groupsOf[w];
            if (k.length() == 1 || k.charAt(0) >= 128) {
                odd.add(w);
            }
        }
        allGroups = all;
    }

    /** Bit {@code g} is set if a keyword of group {@code g} occurs in the text (see the class documentation). */
    public long presentGroups(CharSequence text) {
        return presentGroups(text.toString(), allGroups);
    }

    /**
     * Like {@link #presentGroups(CharSequence)} for the groups of {@code wanted} only (others may
     * or may not be reported): the pass stops once they are all found, and checks only their keywords.
     */
    public long presentGroups(String text, long wanted) {
        return presentGroups(text, Latin1Copy.of(text), wanted);
    }

    /**
     * Like {@link #presentGroups(String, long)}, with {@code latin1} holding {@code text} as
     * {@link Latin1Copy#of} writes it ({@code '?'} for characters outside Latin-1, on both sides of the pair filter):
     * the pair filter reads the bytes, keywords are compared with {@code text} itself.
     */
    public long presentGroups(String text, byte[] latin1, long wanted) {
        return presentGroups(text, latin1, wanted, MeteredText.unlimited(text));
    }

    /**
     * Like {@link #presentGroups(String, byte[], long)}, charging {@code metered} (the same
     * characters) with what the pass reads: each position it passes, the characters of each search
     * for an anchor character and of each keyword compared.
     */
    public long presentGroups(String text, byte[] latin1, long wanted, MeteredText metered) {
        long want = wanted & allGroups;
        long[] read = {0};
        try {
            return presentGroups(text, latin1, want, read);
        } finally {
            metered.charge(read[0]);
        }
    }

    private long presentGroups(String text, byte[] latin1, long want, long[] read) {
        long present = 0;
        for (int w : odd) {
            if ((groupsOf[w] & want & ~present) != 0 && indexOf(text, words[w], 0, read) >= 0) {
                present |= groupsOf[w];
            }
        }
        int n = text.length();
        if (latin1.length != n) {
            throw new IllegalArgumentException("latin1 holds " + latin1.length + " characters, the text " + n);
        }
        byte[] b = latin1;
        int from = 0;
        while ((want & ~present) != 0 && from < n - 1) {
            Pairs pairs = pairs(want & ~present);
            if (pairs.byFirst == null) {
                break;
            }
            if (pairs.anchors != null) {
                // few keywords left: jump from one occurrence of each one's rarest character to the next (the JDK's
                // fast search)
                return anchored(text, pairs, present, want, read);
            }
            // runs until a keyword is found (then the groups left have fewer keywords to look for)
            long before = present;
            int i = from;
            long[] bits = pairs.bits;
            long[] triples = pairs.triples;
            int k1 = (b[i] | 0x20) & 63;
            for (; i < n - 1; i++) {
                int k0 = k1;
                k1 = (b[i + 1] | 0x20) & 63;
                int key = (k0 << 6) | k1;
                if ((bits[key >>> 6] & (1L << key)) == 0) {
                    continue;
                }
                int t = Pairs.triple(key, i + 2 < n ? b[i + 2] : 0);
                if ((triples[t >>> 6] & (1L << t)) == 0) {
                    continue;
                }
                int[] candidates = pairs.byFirst[FOLD[b[i] & 0xFF] & 0xFF];
                if (candidates != null) {
                    present = check(text, i, candidates, present, want, read);
                    if (present != before) {
                        break;
                    }
                }
            }
            read[0] += i + 1 - from;
            from = i + 1;
        }
        return present;
    }

    /**
     * {@code present} with the groups of the keywords of {@code pairs} that occur anywhere in
     * {@code text}: for each keyword, every occurrence of its anchor character (either case of an
     * ASCII letter) is a place where the keyword may occur, and only there is it compared.
     */
    private long anchored(String text, Pairs pairs, long present, long want, long[] read) {
        for (int a = 0; a < pairs.anchors.length; a++) {
            int w = pairs.anchorWords[a];
            if ((groupsOf[w] & want & ~present) == 0) {
                continue;
            }
            String k = words[w];
            int offset = pairs.anchors[a];
            char c = k.charAt(offset);
            if (found(text, k, offset, c, read)
                    || (c >= 'a' && c <= 'z' && found(text, k, offset, (char) (c - 32), read))) {
                present |= groupsOf[w];
                if ((want & ~present) == 0) {
                    break;
                }
            }
        }
        return present;
    }

    /** Whether keyword {@code k} occurs where {@code c} occurs in the text as its character {@code offset}. */
    private static boolean found(String text, String k, int offset, char c, long[] read) {
        int from = offset;
        for (int p = text.indexOf(c, from); p >= 0; p = text.indexOf(c, from)) {
            read[0] += p + 1 - from + k.length();
            if (at(text, p - offset, k)) {
                return true;
            }
            from = p + 1;
        }
        read[0] += text.length() - from;
        return false;
    }

    /** English letters from the rarest to the most frequent (for choosing a keyword's anchor character). */
    private static final String LETTERS_BY_FREQUENCY = "zqxjkvbpygfwmucldrhsnioate";

    /** How common {@code c} is in text (lower: rarer): punctuation and digits are rare, a space is the most common. */
    private static int commonness(char c) {
        if (c == ' ') {
            return 100;
        }
        int r = LETTERS_BY_FREQUENCY.indexOf(c);
        return r < 0 ? 0 : 1 + r;
    }

    /** Up to this many keywords are searched by their anchor characters instead of in one pass. */
    private static final int ANCHORED = 6;

    /** ASCII upper-case letters folded to lower case, every other byte value as it is. */
    private static final byte[] FOLD = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            FOLD[c] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
    }

    /** Pair filters by the groups they look for (built on first use, a few hundred bytes each). */
    private final java.util.concurrent.ConcurrentHashMap<Long, Pairs> pairFilters =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Pairs pairs(long groups) {
        Pairs cached = pairFilters.get(groups);
        if (cached == null) {
            cached = new Pairs(this, groups);
            if (pairFilters.size() < 1024) {
                pairFilters.put(groups, cached);
            }
        }
        return cached;
    }

    /**
     * The keywords of some groups (other than {@link #odd} ones, checked before) by their first two
     * characters, as the ISO-8859-1 bytes of a text show them: a set of 4,096 bits indexed by the
     * low six bits of each of the two bytes with bit 5 set ({@code | 0x20}: the same for both cases
     * of an ASCII letter; a character outside Latin-1 is {@code '?'} on both sides), so a position
     * of the text costs one bit test, and keywords are compared with the text itself only where the
     * bit is set. Collisions only cost comparisons.
     */
    private static final class Pairs {
        final long[] bits = new long[64];
        /**
         * A second filter behind {@link #bits}, on the first three characters (hashed into 4,096 bits; a keyword of
         * two characters sets every third): an English text has a keyword's first two letters ("re", "se", "pa") every
         * few words, its first three far less often.
         */
        final long[] triples = new long[64];

        /** The bit of {@link #triples} for a pair's {@code key} and the byte after it. */
        static int triple(int key, int third) {
            int x = (key << 6) | ((third | 0x20) & 63);
            return (x * 0x9E3779B1) >>> 20;
        }

        /** Per first byte (folded): the keywords starting with it; null if there is no keyword at all. */
        final int[][] byFirst;
        /** With few keywords: each one's rarest character (its offset in the keyword), parallel to {@link #anchorWords}; else null. */
        final int[] anchors;

        final int[] anchorWords;

        Pairs(KeywordScan k, long groups) {
            List<List<Integer>> first = new ArrayList<>();
            for (int c = 0; c < 256; c++) {
                first.add(null);
            }
            boolean any = false;
            for (int w = 0; w < k.words.length; w++) {
                if ((k.groupsOf[w] & groups) == 0 || k.odd.contains(w)) {
                    continue;
                }
                String word = k.words[w];
                int c0 = word.charAt(0) < 256 ? word.charAt(0) : '?';
                int c1 = word.charAt(1) < 256 ? word.charAt(1) : '?';
                int key = (((c0 | 0x20) & 63) << 6) | ((c1 | 0x20) & 63);
                bits[key >>> 6] |= 1L << key;
                if (word.length() == 2) {
                    for (int third = 0; third < 64; third++) {
                        int t = triple(key, third);
                        triples[t >>> 6] |= 1L << t;
                    }
                } else {
                    int t = triple(key, word.charAt(2) < 256 ? word.charAt(2) : '?');
                    triples[t >>> 6] |= 1L << t;
                }
                if (first.get(c0) == null) {
                    first.set(c0, new ArrayList<>());
                }
                first.get(c0).add(w);
                any = true;
            }
            if (!any) {
                byFirst = null;
                anchors = null;
                anchorWords = null;
                return;
            }
            List<Integer> ws = new ArrayList<>();
            for (List<Integer> l : first) {
                if (l != null) {
                    ws.addAll(l);
                }
            }
            if (ws.size() <= ANCHORED) {
                anchors = new int[ws.size()];
                anchorWords = new int[ws.size()];
                for (int a = 0; a < ws.size(); a++) {
                    String word = k.words[ws.get(a)];
                    int best = 0;
                    for (int j = 1; j < word.length(); j++) {
                        if (commonness(word.charAt(j)) < commonness(word.charAt(best))) {
                            best = j;
                        }
                    }
                    anchors[a] = best;
                    anchorWords[a] = ws.get(a);
                }
            } else {
                anchors = null;
                anchorWords = null;
            }
            byFirst = new int[256][];
            for (int c = 0; c < 256; c++) {
                if (first.get(c) != null) {
                    byFirst[c] =
                            first.get(c).stream().mapToInt(Integer::intValue).toArray();
                }
            }
        }
    }

    private long check(String text, int i, int[] candidates, long present, long want, long[] read) {
        for (int w : candidates) {
            read[0] += words[w].length();
            if ((groupsOf[w] & want & ~present) != 0 && at(text, i, words[w])) {
                present |= groupsOf[w];
            }
        }
        return present;
    }

    /** Whether {@code k} occurs at {@code i} (ASCII letters of the text folded to lower case). */
    private static boolean at(String text, int i, String k) {
        int len = k.length();
        if (i + len > text.length()) {
            return false;
        }
        for (int j = 0; j < len; j++) {
            char c = text.charAt(i + j);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c | 0x20);
            }
            if (c != k.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** Where {@code k} (one character, or starting with a non-ASCII one) first occurs, using the JDK's fast exact search. */
    private static int indexOf(String text, String k, int from, long[] read) {
        char first = k.charAt(0);
        if (first >= 'a' && first <= 'z') {
            // a one-letter keyword: either case
            int lower = text.indexOf(first, from);
            int upper = text.indexOf(first - 32, from);
            read[0] += 2L * (text.length() - from);
            return lower < 0 ? upper : upper < 0 ? lower : Math.min(lower, upper);
        }
        // the first character is compared exactly: jump from one occurrence of it to the next
        int at = from;
        for (int i = text.indexOf(first, at); i >= 0; i = text.indexOf(first, at)) {
            read[0] += i + 1 - at + k.length();
            if (at(text, i, k)) {
                return i;
            }
            at = i + 1;
        }
        read[0] += text.length() - at;
        return -1;
    }
}
