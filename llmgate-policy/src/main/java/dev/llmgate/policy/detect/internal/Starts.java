package dev.llmgate.policy.detect.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a recognizer's matches can start: a conservative superset of the start positions of its
 * pattern, so that the pattern is tried only there ({@link java.util.regex.Matcher#lookingAt()} at each candidate
 * gives the same matches as a {@code find()} loop, because no match starts anywhere else).
 *
 * <p>A start is a candidate when its character is one of: an ASCII digit ({@link #digits()}), a
 * listed non-alphanumeric or non-ASCII character ({@link #chars(String)}), or the beginning of one
 * of the {@link #prefixes(boolean, String...) prefixes} at an ASCII word start (the previous
 * character is not an ASCII letter or digit: only use prefixes for patterns that begin with
 * {@code \b} or a look-behind that excludes ASCII letters and digits); and the previous character
 * is not one of {@link #notAfter(String)} (ASCII only, as in the pattern's look-behind); and the
 * optional {@link Check} accepts it. Immutable once built.
 *
 */
public final class Starts {

    /** An extra test of a candidate start {@code i} (must accept every real match start). */
    @FunctionalInterface
    public interface Check {
        boolean accepts(CharSequence text, int i);
    }

    boolean digits;
    String chars = "";
    final List<String> prefixes = new ArrayList<>();
    final List<Boolean> prefixIgnoreCase = new ArrayList<>();
    final boolean[] notAfter = new boolean[128];
    Check check;
    /** The letter-run gate ({@link #letterRun}): whether set, its followers, digit and length rules. */
    boolean runGate;

    final boolean[] runFollowers = new boolean[128];
    boolean runWithDigit;
    int runMinLength;
    /** The most ASCII letters a match that starts at a letter begins with ({@link #lettersAtMost}; 0: no bound). */
    int runMaxLetters;
    /** The digit-run gate ({@link #digitRun}): alternatives {min, max} with their followers (null: any). */
    final List<int[]> digitRuns = new ArrayList<>();

    final List<String> digitRunFollowers = new ArrayList<>();
    /** Per digit-run alternative: the characters allowed right after the follower, or null (any). */
    final List<String> digitRunNext = new ArrayList<>();

    private Starts() {}

    /** An empty specification (no start is a candidate until something is added). */
    public static Starts of() {
        return new Starts();
    }

    /** Matches can start at an ASCII digit. */
    public Starts digits() {
        digits = true;
        return this;
    }

    /** Matches can start at one of {@code cs} (characters other than ASCII letters and digits). */
    public Starts chars(String cs) {
        for (int i = 0; i < cs.length(); i++) {
            char c = cs.charAt(i);
            if (c < 128 && (Ascii.isLetter(c) || Ascii.isDigit(c))) {
                throw new IllegalArgumentException("use digits() or prefixes() for ASCII letters and digits: " + c);
            }
        }
        chars = chars + cs;
        return this;
    }

    /**
     * Matches can start, at an ASCII word start, with one of {@code ps} (each beginning with an
     * ASCII letter); {@code ignoreCase} compares ASCII letters case-insensitively (as a pattern's
     * {@code (?i)} without {@code UNICODE_CASE} does), every other character exactly.
     */
    public Starts prefixes(boolean ignoreCase, String... ps) {
        for (String p : ps) {
            if (p.isEmpty() || p.charAt(0) >= 128 || !Ascii.isLetter(p.charAt(0))) {
                throw new IllegalArgumentException("a prefix must begin with an ASCII letter: '" + p + "'");
            }
            prefixes.add(p);
            prefixIgnoreCase.add(ignoreCase);
        }
        return this;
    }

    /** Matches can start with any ASCII letter of {@code letters} at an ASCII word start. */
    public Starts letters(boolean ignoreCase, String letters) {
        for (int i = 0; i < letters.length(); i++) {
            prefixes(ignoreCase, String.valueOf(letters.charAt(i)));
        }
        return this;
    }

    /** A match never starts right after one of these ASCII characters ({@code \w} is spelled out by {@link #WORD}). */
    public Starts notAfter(String asciiChars) {
        for (int i = 0; i < asciiChars.length(); i++) {
            notAfter[asciiChars.charAt(i)] = true;
        }
        return this;
    }

    /**
     * At candidates that are ASCII letters (not digits or listed characters), a cheap gate on the
     * run of ASCII letters and digits that starts there: it must be followed by one of
     * {@code followers} (ASCII; a non-ASCII character or the end of the text always passes), or
     * contain a digit if {@code withDigit}, or be at least {@code minLength} characters long
     * ({@code minLength} 0: no length rule). Every real match start at a letter must pass it: e.g.
     * an e-mail address's local part is such a run followed by one of {@code @._%+-}. Ordinary
     * words (letters followed by a space or punctuation) fail most gates, so they cost one table
     * lookup instead of a check per recognizer.
     */
    public Starts letterRun(String followers, boolean withDigit, int minLength) {
        for (int i = 0; i < followers.length(); i++) {
            char c = followers.charAt(i);
            if (c >= 128 || Ascii.isLetter(c) || Ascii.isDigit(c)) {
                throw new IllegalArgumentException(
                        "followers are ASCII characters other than letters and digits: " + c);
            }
            runFollowers[c] = true;
        }
        runGate = true;
        runWithDigit = withDigit;
        runMinLength = minLength;
        return this;
    }

    /**
     * At candidates that are ASCII letters, a cheap gate on the run of ASCII letters that starts there: a real match
     * starting at a letter begins with at most {@code max} ASCII letters in a row (a UK National Insurance number's
     * two), so a longer word is no candidate, for one table lookup.
     */
    public Starts lettersAtMost(int max) {
        if (max < 1 || max > MAX_LETTERS) {
            throw new IllegalArgumentException("lettersAtMost takes 1 to " + MAX_LETTERS + ": " + max);
        }
        runMaxLetters = max;
        return this;
    }

    /** The largest bound {@link #lettersAtMost} takes. */
    static final int MAX_LETTERS = 15;

    /**
     * At candidates that are ASCII digits, a cheap gate on the run of ASCII digits that starts
     * there: a candidate passes if its run is {@code min} to {@code max} digits long and is followed
     * by one of {@code followers} (ASCII characters; a non-ASCII character or the end of the text
     * always passes), for at least one alternative added this way. Every real match start at a
     * digit must pass: e.g. a US SSN starts with 3 digits and a separator, 5 digits and a
     * separator, or 9 digits.
     */
    public Starts digitRun(int min, int max, String followers) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("digit run lengths: 1 <= min <= max, not " + min + ".." + max);
        }
        for (int i = 0; i < followers.length(); i++) {
            if (followers.charAt(i) >= 128) {
                throw new IllegalArgumentException("followers are ASCII characters: " + followers);
            }
        }
        digitRuns.add(new int[] {min, max});
        digitRunFollowers.add(followers);
        digitRunNext.add(null);
        return this;
    }

    /**
     * Like {@link #digitRun(int, int, String)}, and the character after the follower is one of
     * {@code next} (ASCII characters; a non-ASCII character or the end of the text always passes):
     * e.g. a street number is followed by whitespace and then a capital letter.
     */
    public Starts digitRun(int min, int max, String followers, String next) {
        digitRun(min, max, followers);
        for (int i = 0; i < next.length(); i++) {
            if (next.charAt(i) >= 128) {
                throw new IllegalArgumentException("next characters are ASCII characters: " + next);
            }
        }
        digitRunNext.set(digitRunNext.size() - 1, next);
        return this;
    }

    /** Like {@link #digitRun(int, int, String)} with any follower. */
    public Starts digitRun(int min, int max) {
        digitRun(min, max, "");
        digitRunFollowers.set(digitRunFollowers.size() - 1, null);
        return this;
    }

    /** An extra test every real start passes. */
    public Starts check(Check value) {
        this.check = value;
        return this;
    }

    /** The ASCII word characters, as {@code \w} means without {@code UNICODE_CHARACTER_CLASS}. */
    public static final String WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

    /** The ASCII upper-case letters. */
    public static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** The ASCII letters (for case-insensitive use). */
    public static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    /** Compiled prefixes: single letters as a table, longer prefixes grouped by their case-folded first letter. */
    private boolean[] singleLetter;
    /** The longest prefix's length (what {@link #prefixAt} reads at most). */
    int longestPrefix;

    private String[][] longByFirst;
    private boolean[][] longIgnoreCase;

    /** Prepares the prefix lookups (called once, when the index is built). */
    synchronized void compile() {
        if (singleLetter != null) {
            return;
        }
        boolean[] single = new boolean[128];
        List<List<String>> by = new ArrayList<>();
        List<List<Boolean>> ci = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            by.add(new ArrayList<>());
            ci.add(new ArrayList<>());
        }
        for (int k = 0; k < prefixes.size(); k++) {
            String p = prefixes.get(k);
            boolean ic = prefixIgnoreCase.get(k);
            char c = p.charAt(0);
            if (p.length() == 1) {
                single[c] = true;
                if (ic) {
                    single[c ^ 0x20] = true;
                }
            } else {
                int f = (c | 0x20) - 'a';
                by.get(f).add(p);
                ci.get(f).add(ic);
            }
        }
        String[][] l = new String[26][];
        boolean[][] lc = new boolean[26][];
        for (int i = 0; i < 26; i++) {
            l[i] = by.get(i).toArray(new String[0]);
            lc[i] = new boolean[l[i].length];
            for (int k = 0; k < lc[i].length; k++) {
                lc[i][k] = ci.get(i).get(k);
            }
        }
        longByFirst = l;
        longIgnoreCase = lc;
        int longest = 1;
        for (String p : prefixes) {
            longest = Math.max(longest, p.length());
        }
        longestPrefix = longest;
        singleLetter = single;
    }

    /** Whether one of the prefixes occurs at {@code i} (an ASCII letter). */
    boolean prefixAt(CharSequence t, int i) {
        char c = t.charAt(i);
        if (singleLetter[c]) {
            return true;
        }
        int f = (c | 0x20) - 'a';
        String[] ps = longByFirst[f];
        for (int k = 0; k < ps.length; k++) {
            if (prefixAt(t, i, ps[k], longIgnoreCase[f][k])) {
                return true;
            }
        }
        return false;
    }

    private static boolean prefixAt(CharSequence t, int i, String p, boolean ci) {
        int n = t.length();
        if (i + p.length() > n) {
            return false;
        }
        for (int j = 0; j < p.length(); j++) {
            char a = t.charAt(i + j);
            char b = p.charAt(j);
            if (a != b && !(ci && a < 128 && b < 128 && Ascii.isLetter(a) && (a | 0x20) == (b | 0x20))) {
                return false;
            }
        }
        return true;
    }

    /** Small ASCII helpers. */
    static final class Ascii {
        private Ascii() {}

        static boolean isLetter(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
