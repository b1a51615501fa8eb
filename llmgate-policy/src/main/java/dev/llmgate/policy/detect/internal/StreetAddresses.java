package dev.llmgate.policy.detect.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Street addresses the patterns of {@link PiiRecognizers#streetAddressUs()} and
 * {@link PiiRecognizers#streetAddressEu()} do not read, by one linear pass over words:
 *
 * <ul>
 *   <li>English: a house number with an optional letter ({@code 221B}), one to four capitalised words
 *       and a street type of the US or UK ({@code Street, Ave, Road, Lane, Close, Crescent, Mews, ...}),
 *       with an optional compass direction ({@code 1600 Pennsylvania Ave NW});
 *   <li>German: a street type as a word of its own after an adjective or a preposition
 *       ({@code Berliner Allee 12a}, {@code Alte Landstraße 5}, {@code Am Ring 3}, {@code Am Markt 1}),
 *       or a hyphenated name ending in one ({@code Theodor-Heuss-Ring 12}), then a house number of
 *       one to three digits with an optional letter;
 *   <li>French: a house number, an optional comma, a street type in any case ({@code 12 Rue de la Paix},
 *       {@code 3 bd Haussmann}, {@code 8 quai Voltaire}) and one to five words.
 * </ul>
 *
 * Each word is read a bounded number of times from each candidate, and a candidate's match ends
 * where the next search resumes: time linear in the text.
 */
final class StreetAddresses {
    private StreetAddresses() {}

    static final double SCORE = 0.75;

    private static final Set<String> ENGLISH_TYPES = Set.of(
            "street",
            "st",
            "avenue",
            "ave",
            "road",
            "rd",
            "boulevard",
            "blvd",
            "lane",
            "ln",
            "drive",
            "dr",
            "court",
            "ct",
            "way",
            "place",
            "pl",
            "terrace",
            "ter",
            "parkway",
            "pkwy",
            "circle",
            "cir",
            "highway",
            "hwy",
            "square",
            "sq",
            "trail",
            "trl",
            "close",
            "crescent",
            "cres",
            "gardens",
            "grove",
            "mews",
            "parade",
            "wharf");

    private static final Set<String> DIRECTIONS = Set.of("N", "S", "E", "W", "NE", "NW", "SE", "SW");

    /** German street types as words of their own (lower case). */
    private static final Set<String> GERMAN_TYPES = Set.of(
            "straße",
            "strasse",
            "str",
            "allee",
            "weg",
            "platz",
            "ring",
            "damm",
            "gasse",
            "chaussee",
            "ufer",
            "markt",
            "graben",
            "steig",
            "pfad",
            "landstraße",
            "landstrasse",
            "promenade",
            "wall",
            "kamp",
            "anger");

    /** Words before a German street type: prepositions with their articles and common adjectives (lower case). */
    private static final Set<String> GERMAN_BEFORE = Set.of(
            "am",
            "an",
            "auf",
            "im",
            "in",
            "zum",
            "zur",
            "unter",
            "hinter",
            "vor",
            "alte",
            "alter",
            "alten",
            "neue",
            "neuer",
            "neuen",
            "lange",
            "langer",
            "hohe",
            "hoher",
            "große",
            "grosse",
            "kleine",
            "breite",
            "obere",
            "untere",
            "mittlere");

    private static final Set<String> FRENCH_TYPES = Set.of(
            "rue",
            "avenue",
            "av",
            "boulevard",
            "bd",
            "place",
            "chemin",
            "allée",
            "allee",
            "impasse",
            "quai",
            "route",
            "cours",
            "passage",
            "square");

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean letter(char c) {
        return Character.isLetter(c);
    }

    /** The end of the word of letters (and inner hyphens or apostrophes) at {@code i}, or {@code i}. */
    private static int wordEnd(CharSequence t, int i) {
        int n = t.length();
        int j = i;
        while (j < n && j - i < 40) {
            char c = t.charAt(j);
            if (letter(c)) {
                j++;
            } else if ((c == '-' || c == '\'' || c == '\u2019') && j > i && j + 1 < n && letter(t.charAt(j + 1))) {
                j++;
            } else {
                break;
            }
        }
        return j;
    }

    private static String lower(CharSequence t, int s, int e) {
        return t.subSequence(s, e).toString().toLowerCase(Locale.ROOT);
    }

    /** Where a single space (or two) ends at {@code i}, or -1. */
    private static int space(CharSequence t, int i) {
        int n = t.length();
        int j = i;
        while (j < n && j - i < 2 && t.charAt(j) == ' ') {
            j++;
        }
        return j > i ? j : -1;
    }

    /** Candidate starts: a digit or a letter not after a letter or digit. */
    static boolean startAt(CharSequence t, int i) {
        char c = t.charAt(i);
        if (!(digit(c) || Character.isUpperCase(c))) {
            return false;
        }
        if (i > 0) {
            char p = t.charAt(i - 1);
            return !(Character.isLetterOrDigit(p) || p == '_' || p == '-');
        }
        return true;
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
            int end = digit(t.charAt(c)) ? numberFirst(t, c) : german(t, c);
            if (end > 0) {
                found.accept(c, end, SCORE);
                next = end;
            }
        }
    }

    /** An English or French address at {@code c} (a digit): its end, or -1. */
    private static int numberFirst(CharSequence t, int c) {
        int n = t.length();
        int i = c;
        while (i < n && digit(t.charAt(i)) && i - c <= 5) {
            i++;
        }
        if (i - c > 5) {
            return -1;
        }
        if (i < n && letter(t.charAt(i)) && (i + 1 >= n || !letter(t.charAt(i + 1)))) {
            i++; // 221B
        }
        int comma = i < n && t.charAt(i) == ',' ? i + 1 : i;
        int s = space(t, comma);
        if (s < 0) {
            return -1;
        }
        int e = wordEnd(t, s);
        if (e == s) {
            return -1;
        }
        String first = lower(t, s, e);
        if (FRENCH_TYPES.contains(first) || (first.equals("av") && e < n && t.charAt(e) == '.')) {
            return frenchName(t, e < n && t.charAt(e) == '.' ? e + 1 : e);
        }
        if (comma != i) {
            return -1;
        }
        // English: capitalised words, then a street type
        int words = 0;
        int p = s;
        while (words < 5) {
            int we = wordEnd(t, p);
            if (we == p || !Character.isUpperCase(t.charAt(p))) {
                return -1;
            }
            String w = lower(t, p, we);
            if (words >= 1 && ENGLISH_TYPES.contains(w) && !(we < n && letter(t.charAt(we)))) {
                int end = we;
                if (end < n && t.charAt(end) == '.') {
                    end++;
                }
                int sp = space(t, end);
                if (sp > 0) {
                    int de = wordEnd(t, sp);
                    if (de > sp && DIRECTIONS.contains(t.subSequence(sp, de).toString())) {
                        end = de;
                    }
                }
                return end;
            }
            words++;
            int sp = space(t, we);
            if (sp < 0) {
                return -1;
            }
            p = sp;
        }
        return -1;
    }

    /** One to five words of a French street name after its type (the first at {@code i} after a space). */
    private static int frenchName(CharSequence t, int i) {
        int p = space(t, i);
        if (p < 0) {
            return -1;
        }
        int end = -1;
        for (int w = 0; w < 5; w++) {
            int we = wordEnd(t, p);
            if (we == p) {
                break;
            }
            String word = lower(t, p, we);
            boolean article = word.equals("de")
                    || word.equals("du")
                    || word.equals("des")
                    || word.equals("la")
                    || word.equals("le")
                    || word.equals("les")
                    || word.startsWith("d'")
                    || word.startsWith("l'");
            if (!article && !Character.isUpperCase(t.charAt(p))) {
                break;
            }
            if (!article) {
                end = we;
            }
            int sp = space(t, we);
            if (sp < 0) {
                break;
            }
            p = sp;
        }
        return end;
    }

    /** A German address at {@code c} (a capital letter): its end, or -1. */
    private static int german(CharSequence t, int c) {
        int n = t.length();
        int e1 = wordEnd(t, c);
        if (e1 == c) {
            return -1;
        }
        // cheap necessary conditions before any allocation: a hyphenated name followed by a space and a digit, or a
        // word followed by a space and a capital letter or the 'd' of an article
        int after = space(t, e1);
        if (after < 0 || after >= n) {
            return -1;
        }
        char a = t.charAt(after);
        if (!(digit(a) || Character.isUpperCase(a) || a == 'd')) {
            return -1;
        }
        String w1 = lower(t, c, e1);
        int typeEnd = -1;
        int hyphen = w1.lastIndexOf('-');
        if (hyphen > 0 && GERMAN_TYPES.contains(w1.substring(hyphen + 1))) {
            typeEnd = e1; // Theodor-Heuss-Ring
        } else {
            boolean before = GERMAN_BEFORE.contains(w1) || (w1.length() >= 5 && w1.endsWith("er") && hyphen < 0);
            if (!before) {
                return -1;
            }
            int p = space(t, e1);
            // an article after a preposition: An der, Auf dem, In den
            for (int w = 0; w < 2 && p > 0; w++) {
                int we = wordEnd(t, p);
                if (we == p) {
                    return -1;
                }
                String word = lower(t, p, we);
                if (w == 0 && (word.equals("der") || word.equals("dem") || word.equals("den"))) {
                    p = space(t, we);
                    continue;
                }
                if (!Character.isUpperCase(t.charAt(p)) || !GERMAN_TYPES.contains(word)) {
                    return -1;
                }
                typeEnd = we;
                break;
            }
        }
        if (typeEnd < 0) {
            return -1;
        }
        if (typeEnd < n && t.charAt(typeEnd) == '.') {
            typeEnd++;
        }
        int s = space(t, typeEnd);
        if (s < 0) {
            return -1;
        }
        int i = s;
        while (i < n && digit(t.charAt(i)) && i - s <= 3) {
            i++;
        }
        if (i == s || i - s > 3) {
            return -1;
        }
        if (i < n && Character.isLowerCase(t.charAt(i)) && (i + 1 >= n || !letter(t.charAt(i + 1)))) {
            i++; // 12a
        }
        if (i < n
                && (Character.isLetterOrDigit(t.charAt(i))
                        || t.charAt(i) == '.' && i + 1 < n && digit(t.charAt(i + 1)))) {
            return -1;
        }
        return i;
    }
}
