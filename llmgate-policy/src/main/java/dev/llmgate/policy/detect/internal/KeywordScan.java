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
 * <p>Keywords are indexed by their first three characters (ASCII letters case-folded, anything else
 * in one "other" bucket and compared exactly), so a position of the text costs one table lookup,
 * and a keyword is compared only where its first characters occur. Immutable and thread-safe.
 */
public final class KeywordScan {
    /** Character classes of the index: 1..26 ASCII letters (folded), 27 anything else. */
    private static final int C = 28;
    private static final byte[] CLASS = new byte[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            CLASS[c] = (byte) (c - 'a' + 1);
            CLASS[c - 'a' + 'A'] = (byte) (c - 'a' + 1);
        }
    }

    private final String[] words;
    private final long[] groupsOf;
    private final long allGroups;
    /** Two-character keywords by their first two classes. */
    private final int[][] short2 = new int[C * C][];
    /** Longer keywords by their first three classes, compactly: the row of a first-two-class pair (-1: none), then [row * C + third class]. */
    private final int[] row3 = new int[C * C];
    private final int[][] long3;
    /** Whether some keyword starts with this ASCII character's class (non-letters share class 27). */
    private final boolean[] firstClass = new boolean[C];
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
                    throw new IllegalArgumentException("keywords must be non-empty and lower case: '" + k + "' in group " + g);
                }
                byWord.merge(k, 1L << g, (a, b) -> a | b);
            }
        }
        words = byWord.keySet().toArray(new String[0]);
        groupsOf = new long[words.length];
        long all = 0;
        List<List<Integer>> s2 = new ArrayList<>();
        List<List<Integer>> l3 = new ArrayList<>();
        for (int i = 0; i < C * C; i++) {
            s2.add(null);
        }
        for (int i = 0; i < C * C * C; i++) {
            l3.add(null);
        }
        for (int w = 0; w < words.length; w++) {
            String k = words[w];
            groupsOf[w] = byWord.get(k);
            all |= groupsOf[w];
            if (k.length() == 1 || k.charAt(0) >= 128) {
                odd.add(w);
                continue;
            }
            int c0 = cls(k.charAt(0));
            firstClass[c0] = true;
            if (k.length() == 2) {
                add(s2, c0 * C + cls(k.charAt(1)), w);
            } else {
                add(l3, (c0 * C + cls(k.charAt(1))) * C + cls(k.charAt(2)), w);
            }
        }
        allGroups = all;
        fill(s2, short2);
        java.util.Arrays.fill(row3, -1);
        int rows = 0;
        for (int pair = 0; pair < C * C; pair++) {
            for (int c = 0; c < C; c++) {
                if (l3.get(pair * C + c) != null) {
                    row3[pair] = rows++;
                    break;
                }
            }
        }
        long3 = new int[rows * C][];
        for (int pair = 0; pair < C * C; pair++) {
            if (row3[pair] >= 0) {
                for (int c = 0; c < C; c++) {
                    List<Integer> l = l3.get(pair * C + c);
                    if (l != null) {
                        long3[row3[pair] * C + c] = l.stream().mapToInt(Integer::intValue).toArray();
                    }
                }
            }
        }
    }

    private static void add(List<List<Integer>> table, int key, int w) {
        if (table.get(key) == null) {
            table.set(key, new ArrayList<>());
        }
        table.get(key).add(w);
    }

    private static void fill(List<List<Integer>> from, int[][] to) {
        for (int i = 0; i < to.length; i++) {
            List<Integer> l = from.get(i);
            if (l != null) {
                to[i] = l.stream().mapToInt(Integer::intValue).toArray();
            }
        }
    }

    private static int cls(char c) {
        return c < 128 && CLASS[c] != 0 ? CLASS[c] : C - 1;
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
        long want = wanted & allGroups;
        long present = 0;
        for (int w : odd) {
            if ((groupsOf[w] & want & ~present) != 0 && indexOf(text, words[w], 0) >= 0) {
                present |= groupsOf[w];
            }
        }
        int n = text.length();
        // c0/c1/c2: classes of the characters at i, i + 1, i + 2 (0 past the end)
        int c1 = n > 0 ? cls(text.charAt(0)) : 0;
        int c2 = n > 1 ? cls(text.charAt(1)) : 0;
        for (int i = 0; i < n - 1 && (want & ~present) != 0; i++) {
            int c0 = c1;
            c1 = c2;
            c2 = i + 2 < n ? cls(text.charAt(i + 2)) : 0;
            if (!firstClass[c0]) {
                continue;
            }
            int[] two = short2[c0 * C + c1];
            if (two != null) {
                present = check(text, i, two, present, want);
            }
            int row = row3[c0 * C + c1];
            if (c2 != 0 && row >= 0) {
                int[] more = long3[row * C + c2];
                if (more != null) {
                    present = check(text, i, more, present, want);
                }
            }
        }
        return present;
    }

    private long check(String text, int i, int[] candidates, long present, long want) {
        for (int w : candidates) {
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
    private static int indexOf(String text, String k, int from) {
        char first = k.charAt(0);
        if (first >= 'a' && first <= 'z') {
            // a one-letter keyword: either case
            int lower = text.indexOf(first, from);
            int upper = text.indexOf(first - 32, from);
            return lower < 0 ? upper : upper < 0 ? lower : Math.min(lower, upper);
        }
        // the first character is compared exactly: jump from one occurrence of it to the next
        for (int i = text.indexOf(first, from); i >= 0; i = text.indexOf(first, i + 1)) {
            if (at(text, i, k)) {
                return i;
            }
        }
        return -1;
    }
}
