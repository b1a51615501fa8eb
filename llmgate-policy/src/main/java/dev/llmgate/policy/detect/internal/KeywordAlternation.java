package dev.llmgate.policy.detect.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Several keyword lists (the deny list's keywords and topics), each the alternation a deny list
 * compiles it into, matched in one pass over the text in time linear in its length: for list
 * {@code r}, exactly the matches of a {@code find()} loop of
 * {@code (?<![\p{L}\p{N}_])(?:k1|k2|...)(?![\p{L}\p{N}_])} with {@code CASE_INSENSITIVE} and
 * {@code UNICODE_CASE}, where the keywords are taken longest first and each keyword's words are
 * joined by {@code \s{1,8}} ({@link #pattern} builds that pattern, the reference the tests compare
 * with).
 *
 * <p>How: the keywords of all lists form one trie of case-folded characters (as the regex compares
 * them: {@code toLowerCase(toUpperCase(c))}), with one edge for "a run of one to eight whitespace
 * characters" between words. At each position that is not preceded by a letter, digit or
 * {@code _}, one walk down the trie (no longer than the longest keyword) finds, per list, the first
 * keyword in alternation order that matches there and is not followed by a letter, digit or
 * {@code _}; per list, a match is kept if it starts at or after the end of the list's previous match.
 *
 * <p>{@link #of} declines (returns null) keywords whose case-insensitive matching the trie would not
 * reproduce exactly (characters outside the BMP, or whose case folding is not idempotent, or a
 * one-character word the regex compares exactly though other characters fold to it); the deny list
 * then keeps its regular expressions for them. Immutable and thread-safe. Not API.
 */
public final class KeywordAlternation {
    /** Per BMP character: {@code toLowerCase(toUpperCase(c))}. */
    private static final char[] FOLD = new char[65536];
    /** Per BMP character: whether another character folds to the same character (bit set over 65536). */
    private static final long[] SHARED_FOLD = new long[1024];

    static {
        int[] preimages = new int[65536];
        for (int c = 0; c < 65536; c++) {
            char f = (char) Character.toLowerCase(Character.toUpperCase(c));
            FOLD[c] = f;
            preimages[f]++;
        }
        for (int c = 0; c < 65536; c++) {
            if (preimages[FOLD[c]] > 1) {
                SHARED_FOLD[c >>> 6] |= 1L << c;
            }
        }
    }

    /** Trie nodes: children by folded character (a few each: linear search), the whitespace-run child, terminals. */
    private static final class Node {
        char[] keys = new char[0];
        Node[] children = new Node[0];
        Node space;
        /** Terminals: per keyword ending here, its list and its place in the list's alternation (lower: tried first). */
        int[] lists = new int[0];

        int[] ranks = new int[0];

        Node child(char folded) {
            char[] k = keys;
            for (int i = 0; i < k.length; i++) {
                if (k[i] == folded) {
                    return children[i];
                }
            }
            return null;
        }

        Node addChild(char folded) {
            Node c = child(folded);
            if (c == null) {
                c = new Node();
                keys = Arrays.copyOf(keys, keys.length + 1);
                keys[keys.length - 1] = folded;
                children = Arrays.copyOf(children, children.length + 1);
                children[children.length - 1] = c;
            }
            return c;
        }

        void addTerminal(int list, int rank) {
            lists = Arrays.copyOf(lists, lists.length + 1);
            lists[lists.length - 1] = list;
            ranks = Arrays.copyOf(ranks, ranks.length + 1);
            ranks[ranks.length - 1] = rank;
        }
    }

    private final Node root = new Node();
    /** The root's children by ASCII character, either case (null: none). */
    private final Node[] rootAscii = new Node[128];
    /** The folded characters the root has a child for (a bit per BMP character): most characters of a text are none. */
    private final long[] rootFolded = new long[1024];

    private final int lists;
    /** The longest walk: characters of a keyword plus eight per whitespace run. */
    private final int longestMatch;

    private KeywordAlternation(int lists, int longestMatch) {
        this.lists = lists;
        this.longestMatch = longestMatch;
    }

    /**
     * The keywords of each list in the order the regex tries them: stripped, longest first (a stable
     * sort, as the deny list sorts them), each split into its words at runs of {@code \s}.
     */
    public static List<String[]> alternation(List<String> keywords) {
        List<String> sorted = new ArrayList<>();
        for (String k : keywords) {
            sorted.add(k.strip());
        }
        sorted.sort((a, b) -> Integer.compare(b.length(), a.length()));
        List<String[]> out = new ArrayList<>();
        for (String k : sorted) {
            out.add(k.split("\\s+"));
        }
        return out;
    }

    /** The regular expression of one list (non-blank keywords): the deny list's pattern and the reference of this matcher. */
    public static Pattern pattern(List<String> keywords) {
        StringBuilder sb = new StringBuilder("(?<![\\p{L}\\p{N}_])(?:");
        List<String[]> alternatives = alternation(keywords);
        for (int i = 0; i < alternatives.size(); i++) {
            if (i > 0) {
                sb.append('|');
            }
            String[] parts = alternatives.get(i);
            for (int k = 0; k < parts.length; k++) {
                if (k > 0) {
                    sb.append("\\s{1,8}");
                }
                sb.append(Pattern.quote(parts[k]));
            }
        }
        sb.append(")(?![\\p{L}\\p{N}_])");
        return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** A matcher of these keyword lists (each non-empty, no blank keyword), or null if one of them needs the regex (see above). */
    public static KeywordAlternation of(List<List<String>> keywordLists) {
        int longest = 0;
        List<List<String[]>> all = new ArrayList<>();
        for (List<String> list : keywordLists) {
            List<String[]> alternatives = alternation(list);
            for (String[] parts : alternatives) {
                int length = 8 * (parts.length - 1);
                for (String part : parts) {
                    if (!exact(part)) {
                        return null;
                    }
                    length += part.length();
                }
                longest = Math.max(longest, length);
            }
            all.add(alternatives);
        }
        KeywordAlternation k = new KeywordAlternation(keywordLists.size(), longest);
        for (int r = 0; r < all.size(); r++) {
            List<String[]> alternatives = all.get(r);
            for (int rank = 0; rank < alternatives.size(); rank++) {
                Node node = k.root;
                String[] parts = alternatives.get(rank);
                for (int p = 0; p < parts.length; p++) {
                    if (p > 0) {
                        if (node.space == null) {
                            node.space = new Node();
                        }
                        node = node.space;
                    }
                    for (int i = 0; i < parts[p].length(); i++) {
                        node = node.addChild(FOLD[parts[p].charAt(i)]);
                    }
                }
                node.addTerminal(r, rank);
            }
        }
        for (char c = 0; c < 128; c++) {
            k.rootAscii[c] = k.root.child(FOLD[c]);
        }
        for (char f : k.root.keys) {
            k.rootFolded[f >>> 6] |= 1L << f;
        }
        return k;
    }

    /**
     * Whether the regex compares the characters of {@code part} (one word) as the trie does: BMP
     * characters only, each folding to a character that folds to itself, and a one-character word
     * whose character has no case (which the regex compares exactly) only if no other character
     * folds to it.
     */
    private static boolean exact(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (Character.isSurrogate(c) || FOLD[FOLD[c]] != FOLD[c]) {
                return false;
            }
        }
        if (part.length() == 1) {
            char c = part.charAt(0);
            int upper = Character.toUpperCase(c);
            boolean comparedExactly = upper == Character.toLowerCase(upper);
            if (comparedExactly && (SHARED_FOLD[c >>> 6] & (1L << c)) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The most characters one walk from a start reads: the longest keyword, eight per whitespace run between its words. */
    public int longestMatch() {
        return longestMatch;
    }

    /**
     * The matches of every list in {@code text}: {@code out.get(r)} receives list {@code r}'s matches
     * as {start, end} pairs, in increasing order. Charges {@code text}'s counter with the characters read.
     */
    public void findAll(MeteredText text, List<List<int[]>> out) {
        String t = text.string();
        int n = t.length();
        int[] next = new int[lists];
        int[] bestRank = new int[lists];
        int[] bestEnd = new int[lists];
        int[] touched = new int[lists];
        Arrays.fill(bestRank, Integer.MAX_VALUE);
        long read = 2L * n; // each position and the character before it
        try {
            for (int i = 0; i < n; i++) {
                char c = t.charAt(i);
                Node node;
                if (c < 128) {
                    node = rootAscii[c];
                } else {
                    char f = FOLD[c];
                    node = (rootFolded[f >>> 6] & (1L << f)) == 0 ? null : root.child(f);
                }
                if (node == null || (i > 0 && wordChar(t.charAt(i - 1)))) {
                    continue; // (?<![\p{L}\p{N}_]): a character before the start that is a letter, digit or '_'
                    // (surrogates are none)
                }
                int found = 0;
                int j = i + 1;
                while (true) {
                    if (node.lists.length > 0 && !wordAt(t, j)) {
                        for (int x = 0; x < node.lists.length; x++) {
                            int r = node.lists[x];
                            if (bestRank[r] == Integer.MAX_VALUE) {
                                touched[found++] = r;
                            }
                            if (node.ranks[x] < bestRank[r]) {
                                bestRank[r] = node.ranks[x];
                                bestEnd[r] = j;
                            }
                        }
                    }
                    if (j >= n) {
                        break;
                    }
                    char d = t.charAt(j);
                    if (space(d)) {
                        if (node.space == null) {
                            break;
                        }
                        int run = 1;
                        while (run <= 8 && j + run < n && space(t.charAt(j + run))) {
                            run++;
                        }
                        read += run;
                        if (run > 8) {
                            break;
                        }
                        node = node.space;
                        j += run;
                        continue;
                    }
                    read++;
                    node = node.child(FOLD[d]);
                    if (node == null) {
                        break;
                    }
                    j++;
                }
                for (int x = 0; x < found; x++) {
                    int r = touched[x];
                    if (i >= next[r]) {
                        out.get(r).add(new int[] {i, bestEnd[r]});
                        next[r] = bestEnd[r];
                    }
                    bestRank[r] = Integer.MAX_VALUE;
                }
            }
        } finally {
            text.charge(read);
        }
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** {@code [\p{L}\p{N}_]} for one character (a surrogate is neither). */
    private static boolean wordChar(char c) {
        if (c < 128) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        }
        return wordCodePoint(c);
    }

    /** {@code (?=[\p{L}\p{N}_])} at {@code j}: the code point there (a surrogate pair read as one). */
    private static boolean wordAt(String t, int j) {
        if (j >= t.length()) {
            return false;
        }
        char c = t.charAt(j);
        if (c < 128) {
            return wordChar(c);
        }
        return wordCodePoint(Character.codePointAt(t, j));
    }

    private static boolean wordCodePoint(int cp) {
        if (cp == '_') {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return true;
            default:
                return false;
        }
    }
}
