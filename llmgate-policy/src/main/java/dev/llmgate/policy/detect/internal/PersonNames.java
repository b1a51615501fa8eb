package dev.llmgate.policy.detect.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Person names from lists of common given names and surnames (the resource {@code person-names.txt},
 * whose header says where they come from), by one linear pass over capitalised words:
 *
 * <ul>
 *   <li>a listed given name, optionally a middle initial ({@code F.}) or a second given name, and a
 *       listed surname: {@value #LISTED} ({@code John Smith}, {@code Mary Ann Jones});
 *   <li>a listed given name and a capitalised surname-like word that is not listed (letters, a
 *       capital after {@code Mc}, {@code O'} or a hyphen allowed): {@value #GIVEN_ONLY}, which the
 *       recognizer's context words ("my name is", "signed", "patient", "je m'appelle", ...) raise to
 *       a finding;
 *   <li>the French and Spanish titles the honorific pattern does not read ({@code M. Dupont},
 *       {@code Srta. García}) with the capitalised words after them: {@value #TITLED}.
 * </ul>
 *
 * Each candidate reads at most four words of at most 40 characters: time linear in the text.
 */
final class PersonNames {
    private PersonNames() {}

    static final double LISTED = 0.7;
    static final double GIVEN_ONLY = 0.35;
    static final double TITLED = 0.7;

    static final Set<String> GIVEN;
    static final Set<String> SURNAMES;

    static {
        Set<String> given = new HashSet<>();
        Set<String> surnames = new HashSet<>();
        try (InputStream in = PersonNames.class.getResourceAsStream("person-names.txt")) {
            if (in == null) {
                throw new IllegalStateException("person-names.txt is missing from the llmgate-policy jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Set<String> into = null;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                if (s.equals("[given]")) {
                    into = given;
                } else if (s.equals("[surname]")) {
                    into = surnames;
                } else if (into != null) {
                    into.add(s.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GIVEN = Set.copyOf(given);
        SURNAMES = Set.copyOf(surnames);
    }

    private static boolean letter(char c) {
        return Character.isLetter(c);
    }

    /** Whether a name can start at {@code i}: a capital letter not after a letter, digit, '_' or '-'. */
    static boolean startAt(CharSequence t, int i) {
        if (!Character.isUpperCase(t.charAt(i))) {
            return false;
        }
        if (i > 0) {
            char p = t.charAt(i - 1);
            return !(Character.isLetterOrDigit(p) || p == '_' || p == '-' || p == '\'' || p == '\u2019');
        }
        return true;
    }

    /**
     * The end of the capitalised name word at {@code i} (a capital, then 1 to 39 letters, apostrophes
     * or hyphens each followed by a letter, the letters lower case except right after {@code Mc}, an
     * apostrophe or a hyphen), or -1.
     */
    static int nameWordEnd(CharSequence t, int i) {
        int n = t.length();
        if (i >= n || !Character.isUpperCase(t.charAt(i))) {
            return -1;
        }
        int j = i + 1;
        while (j < n && j - i < 40) {
            char c = t.charAt(j);
            char p = t.charAt(j - 1);
            if (Character.isLowerCase(c)) {
                j++;
            } else if (Character.isUpperCase(c)
                    && (p == '\'' || p == '\u2019' || p == '-' || (j - i == 2 && p == 'c' && t.charAt(i) == 'M'))) {
                j++;
            } else if ((c == '\'' || c == '\u2019' || c == '-') && j + 1 < n && letter(t.charAt(j + 1))) {
                j++;
            } else {
                break;
            }
        }
        if (j - i < 2 || j - i >= 40 || (j < n && (letter(t.charAt(j)) || Character.isDigit(t.charAt(j))))) {
            return -1;
        }
        return j;
    }

    private static String lower(CharSequence t, int s, int e) {
        return t.subSequence(s, e).toString().toLowerCase(Locale.ROOT);
    }

    /** Where exactly one space after {@code i} ends, or -1. */
    private static int space(CharSequence t, int i) {
        return i < t.length() && t.charAt(i) == ' ' ? i + 1 : -1;
    }

    static void scan(CharSequence t, int[] candidates, int count, Recognizer.Found found) {
        int n = t.length();
        int total = candidates == null ? n : count;
        int next = 0;
        for (int k = 0; k < total; k++) {
            int c = candidates == null ? k : candidates[k];
            if (c < next || !startAt(t, c)) {
                continue;
            }
            int[] span = new int[1];
            double score = at(t, c, span);
            if (score > 0) {
                found.accept(c, span[0], score);
                next = span[0];
            }
        }
    }

    /** Titles the honorific pattern of {@link PiiRecognizers#personName()} does not read (lower case). */
    private static final Set<String> TITLES = Set.of("m", "srta", "dña", "dra", "doña");

    /** The name at {@code c}: its score (its end in {@code end[0]}), or -1. */
    private static double at(CharSequence t, int c, int[] end) {
        int n = t.length();
        int w = c;
        while (w < n && w - c < 5 && letter(t.charAt(w))) {
            w++;
        }
        if (w - c <= 4 && w + 1 < n && (t.charAt(w) == '.' || t.charAt(w) == ' ')) {
            int after = t.charAt(w) == '.' ? (t.charAt(w + 1) == ' ' ? w + 2 : -1) : w + 1;
            if (after > 0
                    && after < n
                    && Character.isUpperCase(t.charAt(after))
                    && TITLES.contains(lower(t, c, w))
                    && !(w - c == 1 && t.charAt(w) != '.')) {
                return titled(t, after, end);
            }
        }
        int e1 = nameWordEnd(t, c);
        if (e1 < 0) {
            return -1;
        }
        int s2 = space(t, e1);
        if (s2 < 0 || s2 >= n || !Character.isUpperCase(t.charAt(s2))) {
            return -1; // every form continues with a capital (a surname or an initial)
        }
        if (!GIVEN.contains(lower(t, c, e1))) {
            return -1;
        }
        int p = s2;
        // a middle initial "F."
        if (p + 2 < n && t.charAt(p + 1) == '.' && t.charAt(p + 2) == ' ') {
            p += 3;
        }
        int e2 = nameWordEnd(t, p);
        if (e2 < 0) {
            return -1;
        }
        String w2 = lower(t, p, e2);
        if (SURNAMES.contains(w2)) {
            end[0] = e2;
            return LISTED;
        }
        if (GIVEN.contains(w2)) {
            int s3 = space(t, e2);
            int e3 = s3 < 0 ? -1 : nameWordEnd(t, s3);
            if (e3 > 0 && SURNAMES.contains(lower(t, s3, e3))) {
                end[0] = e3;
                return LISTED;
            }
        }
        end[0] = e2;
        return GIVEN_ONLY;
    }

    /** Up to two capitalised words at {@code p} after a title: {@value #TITLED}, or -1. */
    private static double titled(CharSequence t, int p, int[] end) {
        int e = nameWordEnd(t, p);
        if (e < 0) {
            return -1;
        }
        int s = space(t, e);
        int e2 = s < 0 ? -1 : nameWordEnd(t, s);
        end[0] = e2 > 0 ? e2 : e;
        return TITLED;
    }
}
