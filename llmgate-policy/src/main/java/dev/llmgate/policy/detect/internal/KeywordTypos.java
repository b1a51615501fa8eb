package dev.llmgate.policy.detect.internal;

import java.util.List;
import java.util.Set;

/**
 * One-edit typos of the key words of the injection phrases ("ingore", "instrucions", "disregrad", "vergis",
 * "olvdia"): a word of six to twenty ASCII letters that is one substitution, insertion, deletion or swap of two
 * neighbouring letters away from a key word, and is neither a key word nor a key word with an ending ("ignored",
 * "prompts") nor one of a few real words that lie one edit from a key word ("forgot"), is read as that key word.
 *
 * <p>One pass over the text, allocation-free unless a typo is found: a word is compared only with the key words
 * that share its first two or its last two letters (one edit leaves one of the two ends of a word of six letters
 * or more intact) and whose length is within one of its own. Immutable and thread-safe.
 */
public final class KeywordTypos {
    private KeywordTypos() {}

    /** Key words in the normal form (lower case, no diacritics): verbs and objects of the override and extraction phrases. */
    static final List<String> KEY_WORDS = List.of(
            // English
            "ignore",
            "disregard",
            "forget",
            "override",
            "bypass",
            "previous",
            "instructions",
            "instruction",
            "guidelines",
            "directives",
            "restrictions",
            "reveal",
            "system",
            "prompt",
            "pretend",
            "jailbreak",
            "everything",
            // German
            "ignoriere",
            "ignorieren",
            "vergiss",
            "vergessen",
            "anweisungen",
            "vorherigen",
            "bisherigen",
            "richtlinien",
            "systemprompt",
            // Spanish
            "ignora",
            "olvida",
            "instrucciones",
            "anteriores",
            "muestra",
            "revela",
            // French
            "oublie",
            "consignes",
            "precedentes",
            "montre",
            "revele");

    /** Real words one edit from a key word, which are not typos. */
    private static final Set<String> REAL_WORDS = Set.of(
            "forgot",
            "forged",
            "forges",
            "forger",
            "ignores",
            "ignored",
            "ignorer",
            "systems",
            "prompts",
            "prompted",
            "prompter",
            "reveals",
            "revealed",
            "bypassed",
            "pretends",
            "pretended",
            "overrides",
            "previously",
            "precious",
            "previews",
            "instructor",
            "instructing",
            "directive",
            "jailbroken",
            "everything's",
            "richtlinie",
            "vorheriges",
            "vorheriger",
            "vorherige",
            "bisheriges",
            "bisheriger",
            "bisherige",
            "vermessen",
            "vergessens",
            "anweisung",
            "ignoriert",
            "ignorierte",
            "systempromt",
            "nuestra",
            "nuestras",
            "muestre",
            "muestras",
            "muestran",
            "muestro",
            "ignoro",
            "ignoras",
            "ignoran",
            "ignorar",
            "olvido",
            "olvide",
            "olvidar",
            "olvidas",
            "olvidan",
            "revelar",
            "revelo",
            "anterior",
            "instruccion",
            "publie",
            "publier",
            "publiez",
            "oublier",
            "oublies",
            "oubliez",
            "oublia",
            "monter",
            "montrer",
            "montres",
            "montree",
            "reveler",
            "consigne",
            "precedente",
            "precedent");

    private static final int MIN = 6;
    private static final int MAX = 20;

    /** Per pair of lower-case letters: the key words (a bit each) that start, or end, with it. */
    private static final long[] STARTS = new long[26 * 26];

    private static final long[] ENDS = new long[26 * 26];
    /** Per length: the key words within one letter of it. */
    private static final long[] NEAR_LENGTH = new long[MAX + 2];

    static {
        if (KEY_WORDS.size() > 64) {
            throw new IllegalStateException("KeywordTypos: at most 64 key words");
        }
        for (int k = 0; k < KEY_WORDS.size(); k++) {
            String w = KEY_WORDS.get(k);
            STARTS[pair(w.charAt(0), w.charAt(1))] |= 1L << k;
            ENDS[pair(w.charAt(w.length() - 2), w.charAt(w.length() - 1))] |= 1L << k;
            for (int len = w.length() - 1; len <= w.length() + 1; len++) {
                if (len >= MIN && len <= MAX + 1) {
                    NEAR_LENGTH[len] |= 1L << k;
                }
            }
        }
    }

    private static int pair(char a, char b) {
        return (a - 'a') * 26 + (b - 'a');
    }

    /** Receives typos: the word {@code [start, end)} of the text is a typo of {@code keyWord}. */
    public interface Sink {
        void typo(int start, int end, String keyWord);
    }

    /**
     * Reports every typo of a key word in {@code n} (a normal form: lower case), in text order; returns how many
     * characters it read. {@code ascii} is {@code n} as bytes when it is plain ASCII (read faster), else null.
     */
    public static int find(String n, byte[] ascii, Sink sink) {
        if (ascii != null) {
            return findAscii(n, ascii, sink);
        }
        int size = n.length();
        int i = 0;
        while (i < size) {
            // the next run of a-z: letters other than a-z (and digits) glue to it and make it no word of ours
            int start = i;
            int c = ascii != null ? ascii[i] : n.charAt(i);
            if (c < 'a' || c > 'z') {
                i++;
                continue;
            }
            i++;
            while (i < size) {
                c = ascii != null ? ascii[i] : n.charAt(i);
                if (c < 'a' || c > 'z') {
                    break;
                }
                i++;
            }
            int len = i - start;
            if (len < MIN || len > MAX) {
                continue;
            }
            if (i < size && (ascii != null ? (c >= '0' && c <= '9') : Character.isLetterOrDigit((char) c))) {
                continue;
            }
            if (start > 0
                    && (ascii != null ? isDigit(ascii[start - 1]) : Character.isLetterOrDigit(n.charAt(start - 1)))) {
                continue;
            }
            long candidates =
                    (STARTS[pair(n.charAt(start), n.charAt(start + 1))] | ENDS[pair(n.charAt(i - 2), n.charAt(i - 1))])
                            & NEAR_LENGTH[len];
            if (candidates == 0) {
                continue;
            }
            check(n, start, i, candidates, sink);
        }
        return size;
    }

    /**
     * {@link #find} over plain ASCII text, read as bytes: the edges of the runs of {@code a-z} found eight bytes at a
     * time ({@link AsciiLanes#classBytes}), each run then judged as {@link #find} judges it.
     */
    private static int findAscii(String n, byte[] b, Sink sink) {
        int size = b.length;
        int start = -1; // the start of the run of letters being read, or -1
        long carry = 0; // the high bit of byte 0: the byte before the current eight is a letter
        int j = 0;
        for (; j + 8 <= size; j += 8) {
            long letters = AsciiLanes.classBytes(AsciiLanes.load(b, j), AsciiLanes.LOWER_CASE_LETTERS);
            long edges = letters ^ ((letters << 8) | carry);
            carry = (letters >>> 56) & 0x80;
            for (; edges != 0; edges &= edges - 1) {
                int at = j + (Long.numberOfTrailingZeros(edges) >>> 3);
                if (start < 0) {
                    start = at;
                } else {
                    judgeRun(n, b, start, at, sink);
                    start = -1;
                }
            }
        }
        for (; j < size; j++) {
            boolean letter = b[j] >= 'a' && b[j] <= 'z';
            if (letter && start < 0) {
                start = j;
            } else if (!letter && start >= 0) {
                judgeRun(n, b, start, j, sink);
                start = -1;
            }
        }
        if (start >= 0) {
            judgeRun(n, b, start, size, sink);
        }
        return size;
    }

    /** Judges the run of letters {@code b[start, end)} of {@link #findAscii}. */
    private static void judgeRun(String n, byte[] b, int start, int end, Sink sink) {
        int len = end - start;
        if (len < MIN || len > MAX || (end < b.length && isDigit(b[end])) || (start > 0 && isDigit(b[start - 1]))) {
            return;
        }
        long candidates =
                (STARTS[pair((char) b[start], (char) b[start + 1])] | ENDS[pair((char) b[end - 2], (char) b[end - 1])])
                        & NEAR_LENGTH[len];
        if (candidates != 0) {
            check(n, start, end, candidates, sink);
        }
    }

    /** Reports the word {@code n[start, end)} if it is a typo of one of the {@code candidates}. */
    private static void check(String n, int start, int end, long candidates, Sink sink) {
        String match = null;
        for (long m = candidates; m != 0; m &= m - 1) {
            String w = KEY_WORDS.get(Long.numberOfTrailingZeros(m));
            int d = distanceAtMostOne(n, start, end, w);
            if (d == 0 || startsWith(n, start, end, w)) {
                return; // the key word itself, or with an ending: not a typo
            }
            if (d == 1 && match == null) {
                match = w;
            }
        }
        if (match != null && !REAL_WORDS.contains(n.substring(start, end))) {
            sink.typo(start, end, match);
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Whether {@code n[start, end)} starts with {@code w}. */
    private static boolean startsWith(String n, int start, int end, String w) {
        return end - start >= w.length() && n.startsWith(w, start);
    }

    /**
     * The optimal-string-alignment distance between {@code n[start, end)} and {@code w} if it is 0 or 1, else 2: one
     * substitution, insertion, deletion or swap of two neighbouring letters.
     */
    static int distanceAtMostOne(String n, int start, int end, String w) {
        int a = end - start;
        int b = w.length();
        int i = 0;
        while (i < a && i < b && n.charAt(start + i) == w.charAt(i)) {
            i++;
        }
        if (i == a && i == b) {
            return 0;
        }
        if (a == b) {
            // one substitution: the rest equal; or a swap of i and i + 1, then the rest equal
            if (n.regionMatches(start + i + 1, w, i + 1, a - i - 1)) {
                return 1;
            }
            return i + 1 < a
                            && n.charAt(start + i) == w.charAt(i + 1)
                            && n.charAt(start + i + 1) == w.charAt(i)
                            && n.regionMatches(start + i + 2, w, i + 2, a - i - 2)
                    ? 1
                    : 2;
        }
        if (a == b + 1) {
            return n.regionMatches(start + i + 1, w, i, b - i) ? 1 : 2; // a letter too many in the text
        }
        if (b == a + 1) {
            return n.regionMatches(start + i, w, i + 1, a - i) ? 1 : 2; // a letter missing from the text
        }
        return 2;
    }
}
