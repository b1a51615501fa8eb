package dev.llmgate.policy.detect.internal;

/**
 * Telephone numbers by the numbering plans, in one linear pass instead of a pattern. A <em>token</em>
 * is a maximal sequence of digit groups (a group in parentheses too: {@code (030)}, {@code (0)})
 * joined by one separator each ({@code ' ' - . /}, or none after a closing parenthesis), optionally
 * after a {@code +}. Its prefixes (whole groups, longest first) are read against the plans whose
 * national number lengths and leading digits follow libphonenumber's metadata for the countries
 * below:
 *
 * <ul>
 *   <li>international ({@code +} or {@code 00} and a country code): North America (+1, ten digits,
 *       area code and exchange 2-9), United Kingdom (+44, nine or ten), Germany (+49, six to
 *       thirteen), France (+33, nine), Australia (+61, nine, leading 2, 3, 4, 7 or 8) and India (+91,
 *       ten); an optional {@code (0)} trunk digit after the country code is skipped; any other
 *       country code with 8 to 15 digits in all is a number of an unlisted plan;
 *   <li>North American {@code NXX NXX XXXX} with an optional leading 1 and parentheses around the
 *       area code;
 *   <li>national numbers with the trunk prefix 0 (United Kingdom, Germany, France, Australia, India):
 *       a first group of 2 to 6 digits beginning with 0 and a non-zero digit, more groups of 2 to 8
 *       digits, 10 to 12 digits in all (8 or 9 after an area code of 3 to 5 digits: German numbers such
 *       as {@code 030 901820}); one kind of separator, except a {@code /} after the area code, any
 *       separator after its parenthesis and a {@code -} before a final extension of 1 to 4 digits
 *       ({@code (030) 901820-12}); dots only between pairs ({@code 01.23.45.67.89}); a first group
 *       of two digits (France, Australia) only with ten digits in all.
 * </ul>
 *
 * An extension after the number ({@code x036}, {@code ext. 12}, {@code #12}, {@code Durchwahl 12},
 * {@code poste 12}) belongs to it. A national number right after a word that labels another kind of
 * number (order, invoice, ISBN, ...) is weak. In {@linkplain #scanBare bare mode} only a single run
 * of 10 or 11 digits is read (a North American number, or a national one with its trunk 0), weak
 * on its own: the recognizer's context words ("Phone:", "call me at") make it a finding. Each
 * position is read a bounded number of times: time linear in the text.
 */
final class PhoneNumbers {
    private PhoneNumbers() {}

    /** A number of a listed plan in international form. */
    static final double INTERNATIONAL = 0.75;
    /** An international number of an unlisted country code (8 to 15 digits). */
    static final double INTERNATIONAL_OTHER = 0.7;
    /** A listed plan after the {@code 00} international prefix. */
    static final double INTERNATIONAL_00 = 0.65;
    /** A North American number with valid area code and exchange. */
    static final double NORTH_AMERICA = 0.65;
    /** A 3-3-4 number whose area code or exchange begins with 0 or 1. */
    static final double NORTH_AMERICA_INVALID = 0.4;
    /** A national number of 10 to 12 digits. */
    static final double NATIONAL = 0.6;
    /** A national number of 8 or 9 digits separated by spaces or a slash. */
    static final double NATIONAL_SHORT = 0.5;
    /** A national number of 8 or 9 digits separated otherwise. */
    static final double NATIONAL_SHORT_WEAK = 0.45;
    /** Any national or North American number right after a label of another kind of number. */
    static final double OTHER_LABEL = 0.3;
    /** A bare run of digits of a national length. */
    static final double BARE = 0.2;

    private static final int MAX_GROUPS = 8;
    private static final int MAX_DIGITS = 17;

    /** The characters after which no number starts (ASCII word characters and {@code + - . /}). */
    static final String NOT_AFTER = Starts.WORD + "+-./";

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean digitAt(CharSequence t, int i) {
        return i < t.length() && digit(t.charAt(i));
    }

    private static boolean wordAt(CharSequence t, int i) {
        if (i >= t.length()) {
            return false;
        }
        char c = t.charAt(i);
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Whether a token can start at {@code i}: a digit, '+' or '(' not after one of {@link #NOT_AFTER}. */
    static boolean startAt(CharSequence t, int i) {
        char c = t.charAt(i);
        if (!(digit(c) || c == '+' || c == '(')) {
            return false;
        }
        if (i > 0) {
            char p = t.charAt(i - 1);
            return !(p < 128 && NOT_AFTER.indexOf(p) >= 0);
        }
        return true;
    }

    /** One token's groups: digit spans, whether in parentheses, the separator before each (0: none). */
    private static final class Token {
        final int[] starts = new int[MAX_GROUPS];
        final int[] ends = new int[MAX_GROUPS];
        final boolean[] paren = new boolean[MAX_GROUPS];
        final char[] sepBefore = new char[MAX_GROUPS];
        int count;
        boolean plus;
        /** Where the token ends (after a closing parenthesis of the last group). */
        final int[] tokenEnds = new int[MAX_GROUPS];

        int len(int g) {
            return ends[g] - starts[g];
        }
    }

    /** Scans separated numbers (two groups or more, or after '+') at the candidate starts (every position when null). */
    static void scan(CharSequence text, int[] candidates, int count, Recognizer.Found found) {
        scan(text, candidates, count, found, false);
    }

    /** Scans bare runs of 10 or 11 digits (no '+', no separators) at the candidate starts. */
    static void scanBare(CharSequence text, int[] candidates, int count, Recognizer.Found found) {
        scan(text, candidates, count, found, true);
    }

    private static void scan(CharSequence t, int[] candidates, int count, Recognizer.Found found, boolean bare) {
        int n = t.length();
        int total = candidates == null ? n : count;
        Token tok = null;
        int next = 0;
        for (int k = 0; k < total; k++) {
            int c = candidates == null ? k : candidates[k];
            if (c < next || !startAt(t, c)) {
                continue;
            }
            if (tok == null) {
                tok = new Token();
            }
            int end = parse(t, c, tok);
            if (end < 0) {
                continue;
            }
            next = end;
            if (tok.count < 0) {
                continue; // overlong: a table of numbers, not a phone number
            }
            if (bare) {
                evaluateBare(t, c, tok, found);
            } else {
                evaluate(t, c, tok, found);
            }
        }
    }

    /**
     * Reads the token at {@code c} into {@code tok}; returns where it ends (all of a maximal run, so
     * that no number starts inside it), or -1 if there is no digit group at {@code c}. A token of
     * more than {@link #MAX_GROUPS} groups or {@link #MAX_DIGITS} digits gets {@code count = -1}.
     */
    private static int parse(CharSequence t, int c, Token tok) {
        int n = t.length();
        int i = c;
        tok.plus = false;
        tok.count = 0;
        if (t.charAt(i) == '+') {
            tok.plus = true;
            i++;
        }
        int digits = 0;
        boolean overlong = false;
        char sep = 0;
        int g = 0;
        while (true) {
            int s;
            int e;
            boolean p = false;
            int after;
            if (i < n && t.charAt(i) == '(') {
                int j = i + 1;
                while (digitAt(t, j) && j - (i + 1) < 6) {
                    j++;
                }
                if (j == i + 1 || j - (i + 1) > 5 || j >= n || t.charAt(j) != ')') {
                    break;
                }
                s = i + 1;
                e = j;
                p = true;
                after = j + 1;
            } else {
                int j = i;
                while (digitAt(t, j)) {
                    j++;
                }
                if (j == i) {
                    break;
                }
                s = i;
                e = j;
                after = j;
            }
            digits += e - s;
            if (g < MAX_GROUPS && digits <= MAX_DIGITS && !overlong) {
                tok.starts[g] = s;
                tok.ends[g] = e;
                tok.paren[g] = p;
                tok.sepBefore[g] = sep;
                tok.tokenEnds[g] = after;
            } else {
                overlong = true;
            }
            g++;
            i = after;
            // the separator: none after ')' before a digit, else one of ' ' - . / followed by a digit or '('
            if (p && digitAt(t, i)) {
                sep = 0;
                continue;
            }
            if (i + 1 < n && " -./".indexOf(t.charAt(i)) >= 0 && (digit(t.charAt(i + 1)) || t.charAt(i + 1) == '(')) {
                sep = t.charAt(i);
                i++;
                continue;
            }
            break;
        }
        if (g == 0) {
            return -1;
        }
        tok.count = overlong ? -1 : g;
        return i;
    }

    private static void evaluate(CharSequence t, int c, Token tok, Recognizer.Found found) {
        if (tok.count == 1 && !tok.plus && !tok.paren[0]) {
            return; // a bare run: scanBare's
        }
        for (int b = tok.count - 1; b >= 0; b--) {
            boolean last = b == tok.count - 1;
            int end = tok.tokenEnds[b];
            int ext = last ? extensionEnd(t, end) : -1;
            if (last && ext < 0 && wordAt(t, end)) {
                continue; // runs into a word ("0958am")
            }
            double score = classify(t, c, tok, b);
            if (score > 0) {
                found.accept(c, ext > 0 ? ext : end, score);
                return;
            }
        }
    }

    private static void evaluateBare(CharSequence t, int c, Token tok, Recognizer.Found found) {
        if (tok.count != 1 || tok.plus || tok.paren[0]) {
            return;
        }
        int end = tok.ends[0];
        int ext = extensionEnd(t, end);
        if (ext < 0 && wordAt(t, end)) {
            return;
        }
        int len = tok.len(0);
        int s = tok.starts[0];
        boolean ok;
        if (len == 10) {
            ok = t.charAt(s) == '0' ? t.charAt(s + 1) != '0' : northAmerican(t, s);
        } else if (len == 11) {
            ok = t.charAt(s) == '1' ? northAmerican(t, s + 1) : t.charAt(s) == '0' && t.charAt(s + 1) != '0';
        } else {
            ok = false;
        }
        if (ok && !Checksums.allSame(t.subSequence(s + 1, end))) {
            found.accept(c, ext > 0 ? ext : end, BARE);
        }
    }

    /** Whether the ten digits at {@code s} have a North American area code and exchange (each 2-9 first). */
    private static boolean northAmerican(CharSequence t, int s) {
        return t.charAt(s) >= '2' && t.charAt(s + 3) >= '2';
    }

    /** The score of groups {@code 0..b} of {@code tok} as a telephone number, or -1. */
    private static double classify(CharSequence t, int c, Token tok, int b) {
        StringBuilder d = new StringBuilder(MAX_DIGITS);
        for (int g = 0; g <= b; g++) {
            for (int i = tok.starts[g]; i < tok.ends[g]; i++) {
                d.append(t.charAt(i));
            }
        }
        if (tok.plus) {
            return international(tok, b, d, 0, INTERNATIONAL, true);
        }
        if (d.length() >= 4 && d.charAt(0) == '0' && d.charAt(1) == '0' && !tok.paren[0]) {
            return international(tok, b, d, 2, INTERNATIONAL_00, false);
        }
        if (afterIdentifierGroups(t, c)) {
            return -1; // the tail of a card number, an IBAN or a table of numbers
        }
        double score = northAmerica(tok, b, d);
        if (score < 0) {
            score = national(tok, b, d);
        }
        if (score > OTHER_LABEL && otherLabelBefore(t, c)) {
            score = OTHER_LABEL;
        }
        return score;
    }

    /** A number after '+' (from = 0) or "00" (from = 2): its country code, an optional "(0)", the national number. */
    private static double international(Token tok, int b, StringBuilder d, int from, double listed, boolean others) {
        // skip an "(0)" trunk group (its digits are in d): find its offset in d
        int trunkAt = -1;
        int offset = 0;
        for (int g = 0; g <= b; g++) {
            if (g > 0 && tok.paren[g] && tok.len(g) == 1 && d.charAt(offset) == '0') {
                trunkAt = offset;
            }
            offset += tok.len(g);
        }
        String all = d.toString();
        String digits = trunkAt >= 0 ? all.substring(0, trunkAt) + all.substring(trunkAt + 1) : all;
        String number = digits.substring(from);
        if (number.isEmpty() || number.charAt(0) == '0') {
            return -1;
        }
        int plan = listedPlan(number);
        if (plan > 0) {
            String nsn = number.substring(plan == 1 ? 1 : 2);
            return listedPlanValid(plan, nsn) ? listed : -1;
        }
        if (!others || trunkAt >= 0) {
            return -1;
        }
        return number.length() >= 8 && number.length() <= 15 ? INTERNATIONAL_OTHER : -1;
    }

    /** The listed country code {@code number} begins with (1, 44, 49, 33, 61, 91), or -1. */
    private static int listedPlan(String number) {
        if (number.charAt(0) == '1') {
            return 1;
        }
        if (number.length() < 2) {
            return -1;
        }
        int cc = (number.charAt(0) - '0') * 10 + (number.charAt(1) - '0');
        return cc == 44 || cc == 49 || cc == 33 || cc == 61 || cc == 91 ? cc : -1;
    }

    /** National significant number lengths and leading digits per listed plan (libphonenumber's metadata, in brief). */
    private static boolean listedPlanValid(int plan, String nsn) {
        int n = nsn.length();
        if (n == 0 || nsn.charAt(0) == '0' || Checksums.allSame(nsn)) {
            return false;
        }
        switch (plan) {
            case 1:
                return n == 10 && nsn.charAt(0) >= '2' && nsn.charAt(3) >= '2';
            case 44:
                return n == 9 || n == 10;
            case 49:
                return n >= 6 && n <= 13;
            case 33:
                return n == 9;
            case 61:
                return n == 9 && "23478".indexOf(nsn.charAt(0)) >= 0;
            case 91:
                return n == 10;
            default:
                return false;
        }
    }

    /** {@code [1] NXX NXX XXXX} with the area code in parentheses or not. */
    private static double northAmerica(Token tok, int b, StringBuilder d) {
        int first = 0;
        if (b == 3 && tok.len(0) == 1 && d.charAt(0) == '1' && !tok.paren[0]) {
            first = 1;
        }
        if (b - first != 2 || tok.len(first) != 3 || tok.len(first + 1) != 3 || tok.len(first + 2) != 4) {
            return -1;
        }
        if (tok.paren[first + 1] || tok.paren[first + 2] || tok.sepBefore[first + 2] == '/') {
            return -1;
        }
        char after = tok.sepBefore[first + 1];
        if (!tok.paren[first] && (after == 0 || after == '/')) {
            return -1;
        }
        int s = first == 1 ? 1 : 0;
        if (d.charAt(s) == '0') {
            return -1; // a trunk prefix: a national number of another plan
        }
        return d.charAt(s) >= '2' && d.charAt(s + 3) >= '2' ? NORTH_AMERICA : NORTH_AMERICA_INVALID;
    }

    /** A national number with the trunk prefix 0 (see the class documentation). */
    private static double national(Token tok, int b, StringBuilder d) {
        int n = d.length();
        int first = tok.len(0);
        if (b < 1 || d.charAt(0) != '0' || d.charAt(1) == '0' || first < 2 || first > 6) {
            return -1;
        }
        if (b > 5 || Checksums.allSame(d.substring(1))) {
            return -1;
        }
        boolean extension = b >= 2 && tok.sepBefore[b] == '-' && tok.len(b) <= 4;
        char kind = 0;
        boolean dots = false;
        for (int g = 1; g <= b; g++) {
            int len = tok.len(g);
            if (tok.paren[g]) {
                return -1;
            }
            if (len < 2 && !(g == b && extension)) {
                return -1;
            }
            if (len > 8) {
                return -1;
            }
            char s = tok.sepBefore[g];
            if (g == 1 && (tok.paren[0] || s == '/')) {
                continue; // after "(030)" or "030/"
            }
            if (g == b && extension) {
                continue;
            }
            if (s == 0) {
                return -1;
            }
            if (kind == 0) {
                kind = s;
            } else if (kind != s) {
                return -1;
            }
            dots |= s == '.';
        }
        if (dots) {
            if (tok.paren[0] || tok.sepBefore[1] != '.') {
                return -1;
            }
            for (int g = 1; g <= b; g++) {
                if (tok.len(g) != 2) {
                    return -1;
                }
            }
        }
        if (first == 2) {
            return n == 10 ? NATIONAL : -1;
        }
        if (n >= 10 && n <= 12) {
            return NATIONAL;
        }
        if ((n == 8 || n == 9) && first <= 5 && b <= 2) {
            char s = tok.sepBefore[1];
            boolean plain = (tok.paren[0] || s == ' ' || s == '/') && (kind == 0 || kind == ' ');
            return plain ? NATIONAL_SHORT : NATIONAL_SHORT_WEAK;
        }
        return -1;
    }

    /** Words that label another kind of number (lower case): a national number right after one is weak. */
    private static final java.util.Set<String> OTHER_LABELS = java.util.Set.of(
            "order",
            "invoice",
            "ref",
            "reference",
            "tracking",
            "isbn",
            "issn",
            "sku",
            "item",
            "article",
            "batch",
            "lot",
            "serial",
            "version",
            "build",
            "ticket",
            "case",
            "id",
            "iban",
            "account",
            "acct",
            "bestellung",
            "bestellnummer",
            "rechnung",
            "rechnungsnummer",
            "commande",
            "facture",
            "pedido",
            "factura",
            "claim",
            "patent",
            "receipt",
            "transaction",
            "kundennummer",
            "policy");

    /** Whether one of the last two words in the 32 characters before {@code c} is one of {@link #OTHER_LABELS}. */
    static boolean otherLabelBefore(CharSequence t, int c) {
        int i = c;
        int from = Math.max(0, c - 32);
        for (int w = 0; w < 2; w++) {
            while (i > from && !Character.isLetter(t.charAt(i - 1))) {
                char p = t.charAt(i - 1);
                if (digit(p)) {
                    return false;
                }
                i--;
            }
            int e = i;
            while (i > from && Character.isLetter(t.charAt(i - 1))) {
                i--;
            }
            if (e == i) {
                return false;
            }
            if (e - i <= 16
                    && OTHER_LABELS.contains(t.subSequence(i, e).toString().toLowerCase(java.util.Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether one of the two words before {@code c}, each after a single separator ({@code ' ' - . /}),
     * is a group of 2 to 6 upper-case letters and digits holding a digit ({@code 6011 0009 ...},
     * {@code NL91 ABNA 0417 ...}): the number continues another identifier.
     */
    static boolean afterIdentifierGroups(CharSequence t, int c) {
        int i = c;
        for (int w = 0; w < 2; w++) {
            if (i < 2 || " -./".indexOf(t.charAt(i - 1)) < 0) {
                return false;
            }
            int e = i - 1;
            int s = e;
            boolean digit = false;
            while (s > 0 && e - s < 7) {
                char p = t.charAt(s - 1);
                if (digit(p)) {
                    digit = true;
                } else if (!(p >= 'A' && p <= 'Z')) {
                    break;
                }
                s--;
            }
            int len = e - s;
            if (len < 2 || len > 6 || (s > 0 && Character.isLetterOrDigit(t.charAt(s - 1)))) {
                return false;
            }
            if (digit) {
                return true;
            }
            i = s;
        }
        return false;
    }

    /** Extension markers (lower case), longest first where one begins another. */
    private static final String[] EXTENSION_MARKERS = {
        "extension", "ext", "x", "#", "durchwahl", "dw", "poste", "apparat", "anexo"
    };

    /**
     * Where an extension after a number ending at {@code end} ends: up to two spaces (or ", "), a
     * marker, an optional '.' or ':' and up to two spaces, 1 to 6 digits not followed by a word
     * character; -1 if none.
     */
    static int extensionEnd(CharSequence t, int end) {
        int n = t.length();
        int i = end;
        if (i < n && t.charAt(i) == ',') {
            i++;
        }
        int spaces = 0;
        while (i < n && t.charAt(i) == ' ' && spaces < 2) {
            i++;
            spaces++;
        }
        for (String m : EXTENSION_MARKERS) {
            if (!regionMatchesIgnoreCase(t, i, m)) {
                continue;
            }
            int j = i + m.length();
            if (Character.isLetter(m.charAt(0)) && j < n && Character.isLetter(t.charAt(j))) {
                continue; // "extra", "xyz": the marker is part of a word
            }
            if (j < n && (t.charAt(j) == '.' || t.charAt(j) == ':')) {
                j++;
            }
            int sp = 0;
            while (j < n && t.charAt(j) == ' ' && sp < 2) {
                j++;
                sp++;
            }
            int k = j;
            while (digitAt(t, k) && k - j <= 6) {
                k++;
            }
            if (k == j || k - j > 6 || wordAt(t, k)) {
                return -1;
            }
            return k;
        }
        return -1;
    }

    private static boolean regionMatchesIgnoreCase(CharSequence t, int i, String lower) {
        if (i + lower.length() > t.length()) {
            return false;
        }
        for (int k = 0; k < lower.length(); k++) {
            if (Character.toLowerCase(t.charAt(i + k)) != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
