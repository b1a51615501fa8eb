package dev.llmgate.policy.detect.internal;

import static dev.llmgate.policy.detect.internal.Recognizer.NEEDS_AT;
import static dev.llmgate.policy.detect.internal.Recognizer.NEEDS_COLON;
import static dev.llmgate.policy.detect.internal.Recognizer.NEEDS_DIGIT;
import static dev.llmgate.policy.detect.internal.Recognizer.NEEDS_DOT;

import dev.llmgate.policy.FindingTypes;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The personal-data recognizers: patterns with bounded repetition only (no nested unbounded
 * quantifiers, so no catastrophic backtracking), checksum validation where the identifier has one,
 * and context words that raise confidence. Scores are chosen so that, at the default threshold 0.5,
 * checksum-validated identifiers fire on their own, weak patterns (bare 9-digit numbers, ZIP codes,
 * passport numbers) fire only with context words.
 */
public final class PiiRecognizers {
    private PiiRecognizers() {}

    private static final String W = Starts.WORD;
    /** The ASCII letters, both cases (followers of a digit-run gate). */
    private static final String BOTH_CASES = Starts.LETTERS + Starts.UPPER;

    private static final String DIGITS = "0123456789";

    private static boolean digitAt(CharSequence t, int i) {
        return i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9';
    }

    private static boolean hexAt(CharSequence t, int i) {
        return i < t.length() && Character.digit(t.charAt(i), 16) >= 0 && t.charAt(i) < 128;
    }

    private static boolean charAt(CharSequence t, int i, char c) {
        return i < t.length() && t.charAt(i) == c;
    }

    /** A space or a tab at {@code i}. */
    private static boolean blankAt(CharSequence t, int i) {
        return i < t.length() && (t.charAt(i) == ' ' || t.charAt(i) == '\t');
    }

    /** {@link #NAME_WRAP}'s line break at {@code i} and a next line that is no label: where that line starts, or -1. */
    private static int lineWrap(CharSequence t, int i) {
        int n = t.length();
        if (i >= n) {
            return -1;
        }
        char c = t.charAt(i);
        int q;
        if (c == '\r') {
            q = i + 1 < n && t.charAt(i + 1) == '\n' ? i + 2 : i + 1;
        } else if (c == '\n') {
            q = i + 1;
        } else {
            return -1;
        }
        // the next line is a label if a colon stands after at most LABEL_LINE other characters (code points, as the
        // regex counts them)
        int count = 0;
        for (int k = q; k < n; ) {
            int d = Character.codePointAt(t, k);
            if (d == ':') {
                return -1;
            }
            if (d == '\r' || d == '\n' || count == LABEL_LINE) {
                break;
            }
            count++;
            k += Character.charCount(d);
        }
        return q;
    }

    /** Whether spaces or tabs, then a capital letter, stand at {@code i}. */
    private static boolean blanksThenCapital(CharSequence t, int i) {
        int k = i;
        while (blankAt(t, k)) {
            k++;
        }
        return k > i && k < t.length() && Character.getType(Character.codePointAt(t, k)) == Character.UPPERCASE_LETTER;
    }

    /** Java's {@code \s} without UNICODE_CHARACTER_CLASS. */
    private static boolean spaceAt(CharSequence t, int i) {
        if (i >= t.length()) {
            return false;
        }
        char c = t.charAt(i);
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** The characters of Java's {@code \\s} (without UNICODE_CHARACTER_CLASS). */
    private static final String WHITESPACE = " \t\n\u000B\f\r";

    /**
     * What may stand between the groups of an identifier's digits (SSN, IBAN; cards use the same rule
     * in {@link CardNumbers}): one or two whitespace characters, one of {@code - . / _}, or both
     * ({@code " - "}); no-break and thin spaces and dashes are plain spaces and hyphens by then.
     */
    private static final String GROUP_SEPARATOR =
            "(?:[ \\t\\r\\n]{1,2}(?:[-./_][ \\t\\r\\n]{0,2})?|[-./_][ \\t\\r\\n]{0,2})";
    /** The characters of {@link #GROUP_SEPARATOR}. */
    private static final String GROUP_SEPARATOR_CHARS = " \t\r\n-./_";

    private static final String NB = "(?<![\\w-])"; // not preceded by a word character or dash
    private static final String NA = "(?![\\w-])"; // not followed by one

    /** US state and territory abbreviations, case-sensitive, as they precede a ZIP code. */
    private static final String STATES =
            "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|"
                    + "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI";

    private static final String MONTHS =
            "jan(?:uary|\\.)?|feb(?:ruary|\\.)?|mar(?:ch|\\.)?|apr(?:il|\\.)?|may|june?|july?|aug(?:ust|\\.)?|"
                    + "sep(?:t|tember|\\.)?|oct(?:ober|\\.)?|nov(?:ember|\\.)?|dec(?:ember|\\.)?";

    private static final Set<String> COMMON_TLDS = Set.of(
            "com", "net", "org", "edu", "gov", "mil", "int", "io", "co", "ai", "app", "dev", "info", "biz", "me", "us",
            "uk", "de", "fr", "es", "it", "nl", "be", "ch", "at", "se", "no", "dk", "fi", "pl", "pt", "ru", "cn", "jp",
            "kr", "in", "au", "ca", "br", "mx", "il", "eu", "tv", "xyz", "online", "site", "tech", "store", "cloud",
            "ie", "nz", "za", "gr", "cz", "hu", "ro", "tr", "ua", "ar", "cl", "sg", "hk", "tw");

    /** Every built-in personal-data recognizer. */
    public static List<Recognizer> all() {
        return List.of(
                email(),
                emailObfuscated(),
                phoneInternational(),
                phoneNorthAmerica(),
                phoneNational(),
                phonePlans(),
                phoneBare(),
                ssn(),
                itin(),
                creditCard(),
                cvv(),
                trackData(),
                iban(),
                abaRouting(),
                ipv4(),
                ipv6(),
                mac(),
                url(),
                dateIso(),
                dateCompact(),
                dateNumeric(),
                dateText(),
                dateMonthYear(),
                passport(),
                driverLicense(),
                npi(),
                dea(),
                vin(),
                medicareBeneficiaryId(),
                nhsNumber(),
                nationalInsuranceNumber(),
                socialInsuranceNumber(),
                labelled(
                                FindingTypes.MEDICAL_RECORD_NUMBER,
                                "mrn|medical record(?: number| no\\.?| #)?|chart(?: number| no\\.?)|patient(?: id| number| no\\.?)|"
                                        + "patientennummer|historia cl[ií]nica|dossier m[ée]dical",
                                "[A-Z0-9][A-Z0-9-]{3,19}",
                                PiiRecognizers::recordLabel,
                                "mrn",
                                "medical record",
                                "chart",
                                "patient",
                                "historia",
                                "dossier")
                        .onlyWith("mrn", "medical record", "chart", "patient", "historia", "dossier"),
                labelled(
                                FindingTypes.HEALTH_PLAN_NUMBER,
                                "member(?: id| number| no\\.?)|health plan(?: id| number| no\\.?)?|insurance(?: id| number| no\\.?)|"
                                        + "policy(?: number| no\\.?| #)|subscriber(?: id| number)|group(?: number| no\\.?)|"
                                        + "beneficiary(?: id| number)|medicare(?: number| id| no\\.?)?|medicaid(?: number| id| no\\.?)?|mbi|"
                                        + "versichertennummer|n[uú]mero de afiliado",
                                "[A-Z0-9][A-Z0-9-]{3,19}",
                                "member",
                                "health plan",
                                "insurance",
                                "policy",
                                "subscriber",
                                "group",
                                "beneficiary",
                                "medicare",
                                "medicaid",
                                "mbi",
                                "versichertennummer",
                                "numero",
                                "n\u00famero")
                        .onlyWith(
                                "member",
                                "health plan",
                                "insurance",
                                "policy",
                                "subscriber",
                                "group",
                                "beneficiary",
                                "medicare",
                                "medicaid",
                                "mbi",
                                "versicherten",
                                "afiliado"),
                labelled(
                                FindingTypes.BANK_ACCOUNT,
                                "account(?: number| no\\.?| #)|acct(?: no\\.?| #|\\.)?|kontonummer|n[uú]mero de cuenta|num[ée]ro de compte",
                                "\\d(?:[ -]?\\d){5,19}",
                                "account",
                                "acct",
                                "kontonummer",
                                "numero",
                                "n\u00famero",
                                "num\u00e9ro")
                        .onlyWith("account", "acct", "konto", "cuenta", "compte"),
                labelled(
                                FindingTypes.LICENSE_NUMBER,
                                "licen[cs]e(?: number| no\\.?| #)|certificate(?: number| no\\.?| #)|certification(?: number| no\\.?)",
                                "[A-Z0-9][A-Z0-9-]{3,19}",
                                "licen",
                                "certific")
                        .onlyWith("licen", "certific"),
                labelled(
                                FindingTypes.DEVICE_ID,
                                "serial(?: number| no\\.?| #)|device(?: id| serial)|imei|udid|s/n",
                                "[A-Z0-9][A-Z0-9:-]{4,39}",
                                "serial",
                                "device",
                                "imei",
                                "udid",
                                "s/n")
                        .onlyWith("serial", "device", "imei", "udid", "s/n"),
                labelled(
                                FindingTypes.VEHICLE_ID,
                                "licen[cs]e plate(?: number)?|plate number|kennzeichen|matr[ií]cula|plaque d'immatriculation",
                                "[A-Z0-9][A-Z0-9 -]{1,9}[A-Z0-9]",
                                "licen",
                                "plate number",
                                "kennzeichen",
                                "matr",
                                "plaque")
                        .onlyWith("plate", "kennzeichen", "matr", "immatriculation"),
                zip(),
                streetAddressUs(),
                streetAddressEu(),
                streetAddressWords(),
                personName(),
                personNameListed());
    }

    static Recognizer email() {
        return Recognizer.of(
                        FindingTypes.EMAIL,
                        "(?<![\\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}+@(?:[A-Za-z0-9-]{1,63}+\\.){1,8}(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})"
                                + "(?![\\w-])",
                        NEEDS_AT,
                        (t, s, m) -> 0.9)
                .startingAt(Starts.of()
                        .digits()
                        .letters(true, Starts.LETTERS)
                        .letterRun("@._%+-", false, 0)
                        .notAfter(W + ".%+-")
                        .digitRun(1, 64, BOTH_CASES + "@._%+-")
                        .check(PiiRecognizers::atSignAhead))
                .withMatchAt(PiiRecognizers::emailAt);
    }

    /**
     * {@link #email()}'s pattern at {@code i} ({@code lookingAt} with transparent bounds), by hand: the
     * possessive local part (at most 64 characters, then '@'), the chain of possessive domain labels with
     * their dots (at most eight), and the top-level domain after the most labels that leave one: the
     * regex tries eight labels, then seven, ... each label fixed (possessive), so only their count varies.
     */
    static boolean emailAt(CharSequence t, int i, int[] groups) {
        int n = t.length();
        if (i > 0) {
            char p = t.charAt(i - 1);
            if (asciiLetterOrDigit(p) || p == '_' || p == '.' || p == '%' || p == '+' || p == '-') {
                return false;
            }
        }
        if (i >= n || !asciiLetterOrDigit(t.charAt(i))) {
            return false;
        }
        int j = i + 1;
        while (j < n && j - i <= 63 && localPartChar(t.charAt(j))) {
            j++;
        }
        if (j >= n || t.charAt(j) != '@') {
            return false;
        }
        int[] ends = new int[9];
        int labels = 0;
        int q = j + 1;
        while (labels < 8) {
            int r = 0;
            while (q + r < n && r < 63 && labelChar(t.charAt(q + r))) {
                r++;
            }
            if (r == 0 || q + r >= n || t.charAt(q + r) != '.') {
                break;
            }
            q += r + 1;
            ends[++labels] = q;
        }
        for (int c = labels; c >= 1; c--) {
            int e = topLevelDomain(t, ends[c]);
            if (e >= 0) {
                groups[0] = i;
                groups[1] = e;
                groups[2] = -1;
                groups[3] = -1;
                return true;
            }
        }
        return false;
    }

    /** {@code (?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})(?![\w-])} at {@code q}: its end, or -1. */
    private static int topLevelDomain(CharSequence t, int q) {
        int n = t.length();
        int r = 0;
        while (q + r < n && r <= 24 && Starts.Ascii.isLetter(t.charAt(q + r))) {
            r++;
        }
        if (r >= 2 && r <= 24 && !wordOrDash(t, q + r)) {
            return q + r;
        }
        if (q + 4 < n
                && t.charAt(q) == 'x'
                && t.charAt(q + 1) == 'n'
                && t.charAt(q + 2) == '-'
                && t.charAt(q + 3) == '-') {
            int m = 0;
            while (q + 4 + m < n && m <= 59 && labelChar(t.charAt(q + 4 + m))) {
                m++;
            }
            if (m >= 1 && m <= 59 && !wordOrDash(t, q + 4 + m)) {
                return q + 4 + m;
            }
        }
        return -1;
    }

    private static boolean localPartChar(char c) {
        return asciiLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean labelChar(char c) {
        return asciiLetterOrDigit(c) || c == '-';
    }

    /** {@code [\w-]} (ASCII) at {@code i}; false at the end of the text. */
    private static boolean wordOrDash(CharSequence t, int i) {
        if (i >= t.length()) {
            return false;
        }
        char c = t.charAt(i);
        return asciiLetterOrDigit(c) || c == '_' || c == '-';
    }

    /**
     * E-mail addresses with spaces around the '@' or a spelled "(at)" / "[dot]", and internationalised addresses
     * (letters of any script in the mailbox or domain: {@code zoë@example.com}, {@code иван@пример.рф}), found from
     * each '@' (see {@link ObfuscatedEmails}).
     */
    static Recognizer emailObfuscated() {
        return Recognizer.scanning(FindingTypes.EMAIL, 0, ObfuscatedEmails::scan)
                .startingAt(Starts.of().chars("@([{<"));
    }

    /** An '@' within 64 characters after {@code i}, with only local-part characters in between. */
    private static boolean atSignAhead(CharSequence t, int i) {
        for (int j = i + 1, n = t.length(); j < n && j - i <= 64; j++) {
            char c = t.charAt(j);
            if (c == '@') {
                return true;
            }
            if (!(asciiLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-')) {
                return false;
            }
        }
        return false;
    }

    private static final String PHONE_CONTEXT =
            "(?i)\\b(?:phone|tel|telephone|mobile|cell|call|fax|contact|number|whatsapp|"
                    + "telefon|handy|rufnummer|tel[ée]fono|m[óo]vil|t[ée]l[ée]phone|portable|num[ée]ro)\\b";

    static Recognizer phoneInternational() {
        return Recognizer.of(
                        FindingTypes.PHONE,
                        "(?<![\\w+])\\+[1-9]\\d{0,2}(?:[ .-]?\\(\\d{1,4}\\))?(?:[ .-]?+\\d{1,5}+){1,5}+(?!\\w)",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            int digits = Checksums.digits(t, s[0], s[1]).length();
                            return digits >= 8 && digits <= 15 ? 0.7 : -1;
                        })
                .withContext(PHONE_CONTEXT, 0.25)
                .startingAt(Starts.of().chars("+").notAfter(W + "+").check(PiiRecognizers::internationalPrefix));
    }

    static Recognizer phoneNorthAmerica() {
        return Recognizer.of(
                        FindingTypes.PHONE,
                        "(?<![\\w+-])(?:\\+?1[ .-]?)?(?:\\(\\d{3}\\)[ .-]?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}(?![\\w-])",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            if (PhoneNumbers.otherLabelBefore(t, s[0])) {
                                return -1; // an order or invoice number (PhoneNumbers weighs it)
                            }
                            String d = Checksums.digits(t, s[0], s[1]);
                            if (d.length() == 11) {
                                d = d.substring(1);
                            }
                            boolean nanp = d.charAt(0) >= '2' && d.charAt(3) >= '2';
                            return nanp ? 0.65 : 0.4;
                        })
                .withContext(PHONE_CONTEXT, 0.3)
                .startingAt(Starts.of()
                        .digits()
                        .chars("+(")
                        .notAfter(W + "+-")
                        .digitRun(1, 1, " .-", DIGITS + "(")
                        .digitRun(1, 1, "(", DIGITS)
                        .digitRun(3, 4, " .-", DIGITS)
                        .check(PiiRecognizers::northAmericanNumber));
    }

    static Recognizer phoneNational() {
        // Trunk-prefixed national numbers such as 09-7625400, 090-1234-5678, 030 1234567: weak without context.
        return Recognizer.of(
                        FindingTypes.PHONE,
                        NB + "0\\d{1,4}[ -]\\d{3,8}(?:[ -]\\d{3,4})?" + NA,
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            int digits = Checksums.digits(t, s[0], s[1]).length();
                            return digits >= 8
                                            && digits <= 12
                                            && !PhoneNumbers.otherLabelBefore(t, s[0])
                                            && !PhoneNumbers.afterIdentifierGroups(t, s[0])
                                    ? 0.45
                                    : -1;
                        })
                .withContext(PHONE_CONTEXT, 0.35)
                .startingAt(Starts.of()
                        .digits()
                        .notAfter(W + "-")
                        .digitRun(2, 5, " -")
                        .check((t, i) -> t.charAt(i) == '0'));
    }

    /**
     * Words that say a number is a telephone number (not "number" or "contact": an order number is
     * none), in English, German, French and Spanish.
     */
    static final String PHONE_WORDS =
            "(?i)\\b(?:phone|phones|telephone|tel|mobile|cell|cellphone|call|ring|fax|whatsapp|sms|text|"
                    + "telefon|telefonnummer|handy|handynummer|mobil|mobilnummer|rufnummer|festnetz|anruf|"
                    + "t[ée]l[ée]phone|t[ée]l|portable|appelez|appeler|tel[ée]fono|m[óo]vil|celular|llame|llamar)\\b";

    /**
     * Telephone numbers of the numbering plans {@link PhoneNumbers} reads (international, North
     * American and national formats of the US, UK, Germany, France, Australia and India, with
     * extensions).
     */
    static Recognizer phonePlans() {
        return Recognizer.scanning(FindingTypes.PHONE, NEEDS_DIGIT, PhoneNumbers::scan)
                .withContext(PHONE_WORDS, 0.3)
                .startingAt(Starts.of().digits().chars("+(").notAfter(PhoneNumbers.NOT_AFTER));
    }

    /** A bare run of 10 or 11 digits of a national length: a telephone number only after a telephone word. */
    static Recognizer phoneBare() {
        return Recognizer.scanning(FindingTypes.PHONE, NEEDS_DIGIT, PhoneNumbers::scanBare)
                .withContext(PHONE_WORDS, 0.4)
                .startingAt(Starts.of().digits().notAfter(PhoneNumbers.NOT_AFTER));
    }

    // ---- candidate checks: cheap necessary conditions of a match at a start (each reads a bounded number of
    // characters) ----

    /**
     * Whether {@code \+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?+\d{1,5}+){1,5}+} can start at {@code i}
     * ('+'): after the first digit comes a digit, '(' or a separator, and after a separator a digit or '('.
     */
    private static boolean internationalPrefix(CharSequence t, int i) {
        if (!(i + 1 < t.length() && t.charAt(i + 1) >= '1' && t.charAt(i + 1) <= '9')) {
            return false;
        }
        int j = i + 2;
        if (digitAt(t, j) || charAt(t, j, '(')) {
            return true;
        }
        return (charAt(t, j, ' ') || charAt(t, j, '.') || charAt(t, j, '-'))
                && (digitAt(t, j + 1) || charAt(t, j + 1, '('));
    }

    private static boolean separatorAt(CharSequence t, int i) {
        if (i >= t.length()) {
            return false;
        }
        char c = t.charAt(i);
        return c == ' ' || c == '.' || c == '-';
    }

    private static boolean digitsAt(CharSequence t, int i, int count) {
        for (int k = 0; k < count; k++) {
            if (!digitAt(t, i + k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code (?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}} (the North American
     * number without its look-arounds) matches at {@code i}, for some choice of the optional parts.
     */
    private static boolean northAmericanNumber(CharSequence t, int i) {
        // (each position read once where it can be: a check runs at every candidate, and digits are common)
        if (i >= t.length()) {
            return false;
        }
        char c = t.charAt(i);
        if (areaCodeAndNumber(t, i, c)) {
            return true;
        }
        int j = i;
        if (c == '+') {
            j = i + 1;
            if (!charAt(t, j, '1')) {
                return false;
            }
        } else if (c != '1') {
            return false;
        }
        if (j + 1 >= t.length()) {
            return false;
        }
        char d = t.charAt(j + 1);
        return (d == ' ' || d == '.' || d == '-') ? areaCodeAndNumber(t, j + 2) : areaCodeAndNumber(t, j + 1, d);
    }

    private static boolean areaCodeAndNumber(CharSequence t, int i) {
        return i < t.length() && areaCodeAndNumber(t, i, t.charAt(i));
    }

    /** {@code (?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}} at {@code i}, where the character is {@code c}. */
    private static boolean areaCodeAndNumber(CharSequence t, int i, char c) {
        if (c == '(') {
            if (!digitsAt(t, i + 1, 3) || !charAt(t, i + 4, ')')) {
                return false;
            }
            if (i + 5 >= t.length()) {
                return false;
            }
            char s = t.charAt(i + 5);
            return (s == ' ' || s == '.' || s == '-') ? localNumber(t, i + 6) : localNumber(t, i + 5);
        }
        return c >= '0' && c <= '9' && digitsAt(t, i + 1, 2) && separatorAt(t, i + 3) && localNumber(t, i + 4);
    }

    /** {@code \d{3}[ .-]\d{4}} at {@code i}. */
    private static boolean localNumber(CharSequence t, int i) {
        return digitsAt(t, i, 3) && separatorAt(t, i + 3) && digitsAt(t, i + 4, 4);
    }

    /**
     * Where {@link #dateText()} can start: at a digit, {@code \d{1,2}(?:st|nd|rd|th)?[ -]} and the first
     * three letters of a month (every month alternative begins with them; ASCII letters in any case, as
     * {@code (?i)} compares them); at a letter, what {@link #monthThenDigit} accepts.
     */
    private static boolean dayThenMonthOrMonthThenDigit(CharSequence t, int i) {
        if (!digitAt(t, i)) {
            return monthThenDigit(t, i);
        }
        int j = i + 1;
        if (digitAt(t, j)) {
            j++;
        }
        if (monthAfterSeparator(t, j)) {
            return true;
        }
        if (j + 1 < t.length()) {
            char a = (char) (t.charAt(j) | 0x20);
            char b = (char) (t.charAt(j + 1) | 0x20);
            boolean suffix = (a == 's' && b == 't')
                    || (a == 'n' && b == 'd')
                    || (a == 'r' && b == 'd')
                    || (a == 't' && b == 'h');
            return suffix
                    && Starts.Ascii.isLetter(t.charAt(j))
                    && Starts.Ascii.isLetter(t.charAt(j + 1))
                    && monthAfterSeparator(t, j + 2);
        }
        return false;
    }

    private static final String[] MONTH_STARTS = {
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
    };

    /** {@code [ -]} at {@code i} and a month's first three letters after it. */
    private static boolean monthAfterSeparator(CharSequence t, int i) {
        if (!(charAt(t, i, ' ') || charAt(t, i, '-')) || i + 3 >= t.length()) {
            return false;
        }
        int key = 0;
        for (int k = 1; k <= 3; k++) {
            char c = t.charAt(i + k);
            if (!Starts.Ascii.isLetter(c)) {
                return false;
            }
            key = (key << 8) | (c | 0x20);
        }
        for (int m : MONTH_KEYS) {
            if (m == key) {
                return true;
            }
        }
        return false;
    }

    /** {@link #MONTH_STARTS} as three bytes each. */
    private static final int[] MONTH_KEYS = monthKeys();

    private static int[] monthKeys() {
        int[] keys = new int[MONTH_STARTS.length];
        for (int m = 0; m < keys.length; m++) {
            keys[m] = (MONTH_STARTS[m].charAt(0) << 16) | (MONTH_STARTS[m].charAt(1) << 8) | MONTH_STARTS[m].charAt(2);
        }
        return keys;
    }

    /** Where {@link #npi()} can start: 1 or 2, then ten digits, or 4-3-3 digits with the same separator twice. */
    private static boolean npiShape(CharSequence t, int i) {
        char c = t.charAt(i);
        if (c != '1' && c != '2') {
            return false;
        }
        if (!(charAt(t, i + 4, ' ') || charAt(t, i + 4, '-'))) {
            return true; // ten digits in a row (the digit-run gate checked them)
        }
        return digitsAt(t, i + 5, 3) && charAt(t, i + 8, t.charAt(i + 4)) && digitsAt(t, i + 9, 3);
    }

    /** Where {@link #dea()} can start: a letter (the gate), a letter or 9, seven digits. */
    private static boolean deaShape(CharSequence t, int i) {
        if (i + 1 >= t.length()) {
            return false;
        }
        char c = t.charAt(i + 1);
        return (Starts.Ascii.isLetter(c) || c == '9') && digitsAt(t, i + 2, 7);
    }

    /**
     * Where {@link #streetAddressUs()} can start: its number, one whitespace character, then a word of
     * up to 21 ASCII letters beginning with a capital (a direction or a name), an optional '.', one
     * whitespace character and another capital (the next name or the street type: every alternative
     * after the first word begins with one).
     */
    private static boolean numberThenTwoCapitals(CharSequence t, int i) {
        int j = i;
        while (j < t.length() && j - i <= 6 && digitAt(t, j)) {
            j++;
        }
        if (!spaceAt(t, j) || !upperAt(t, j + 1)) {
            return false;
        }
        int k = j + 2;
        while (k < t.length() && k - (j + 1) <= 21 && Starts.Ascii.isLetter(t.charAt(k))) {
            k++;
        }
        if (k - (j + 1) > 21) {
            return false;
        }
        if (charAt(t, k, '.')) {
            k++;
        }
        return spaceAt(t, k) && upperAt(t, k + 1);
    }

    private static boolean upperAt(CharSequence t, int i) {
        return i < t.length() && t.charAt(i) >= 'A' && t.charAt(i) <= 'Z';
    }

    /** Separators of a 3-2-4 number: both the same, or only one of them present. */
    private static boolean consistentSeparators(Matcher m) {
        String a = m.group(1);
        String b = m.group(2);
        return a.isEmpty() || b.isEmpty() || a.equals(b);
    }

    private static int separatorCount(Matcher m) {
        return (m.group(1).isEmpty() ? 0 : 1) + (m.group(2).isEmpty() ? 0 : 1);
    }

    static Recognizer ssn() {
        return Recognizer.of(
                        FindingTypes.US_SSN,
                        "(?<![\\w.-])\\d{3}(" + SSN_SEPARATOR + "?)\\d{2}(" + SSN_SEPARATOR
                                + "?)\\d{4}(?![\\w-]|[./]\\d)",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            if (!consistentSeparators(m) || !Checksums.ssn(Checksums.digits(t, s[0], s[1]))) {
                                return -1;
                            }
                            return separatorCount(m) == 2 ? 0.6 : 0.3;
                        })
                .withContext(
                        "(?i)\\b(?:ssn|ssns|social security(?: number| no\\.?| #)?|social sec|sozialversicherungsnummer|"
                                + "n[uú]mero de seguro social|num[ée]ro de s[ée]curit[ée] sociale)\\b",
                        0.35)
                .startingAt(Starts.of()
                        .digits()
                        .notAfter(W + ".-")
                        .digitRun(3, 3, SSN_SEPARATORS)
                        .digitRun(5, 5, SSN_SEPARATORS)
                        .digitRun(9, 9)
                        .check((t, i) -> threeTwoFour(t, i, SSN_SEPARATORS)));
    }

    /** The separators of a 3-2-4 social security number's groups: space, tab, line break, dot, hyphen, slash, underscore. */
    private static final String SSN_SEPARATORS = GROUP_SEPARATOR_CHARS;

    private static final String SSN_SEPARATOR = GROUP_SEPARATOR;

    static Recognizer itin() {
        return Recognizer.of(
                        FindingTypes.US_ITIN,
                        "(?<![\\w.-])9\\d{2}([ -]?)\\d{2}([ -]?)\\d{4}(?![\\w-])",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            if (!consistentSeparators(m) || !Checksums.itin(Checksums.digits(t, s[0], s[1]))) {
                                return -1;
                            }
                            return separatorCount(m) >= 1 ? 0.6 : 0.4;
                        })
                .withContext("(?i)\\b(?:itin|taxpayer|tax id|tin)\\b", 0.3)
                .startingAt(Starts.of()
                        .digits()
                        .notAfter(W + ".-")
                        .digitRun(3, 3, " -")
                        .digitRun(5, 5, " -")
                        .digitRun(9, 9)
                        .check((t, i) -> t.charAt(i) == '9' && threeTwoFour(t, i, " -")));
    }

    /**
     * What a card context word in the 48 characters before a number adds: enough to make a Luhn-valid
     * number of an unknown issuer ({@link CardNumbers#UNKNOWN_ISSUER}) a finding at the usual threshold.
     */
    static final double CARD_CONTEXT_BOOST = 0.45;

    static Recognizer creditCard() {
        // any grouping (see CardNumbers): Luhn and a known issuer range and length decide; with a card context word
        // near, Luhn alone
        return Recognizer.scanning(FindingTypes.CREDIT_CARD, NEEDS_DIGIT, CardNumbers::scan)
                .withContext(
                        "(?i)\\b(?:card|cards|card number|cc|ccn|pan|credit|debit|visa|mastercard|master card|maestro|amex|"
                                + "american express|discover|diners|jcb|unionpay|rupay|karte|kreditkarte|kartennummer|"
                                + "ec-karte|girocard|tarjeta|carte|carte bancaire|cart[aã]o)\\b",
                        CARD_CONTEXT_BOOST)
                .startingAt(Starts.of().digits().notAfter("0123456789"));
    }

    /**
     * The names of a card verification code that name nothing else; they may stand in a field name ({@code card_cvc},
     * {@code card[cvc]}) and before a short phrase. "CID", "CSC" and "security code" name other things too: only as
     * a word of their own, right before the code.
     */
    private static final String CVV_NAMES = "cvv2?|cvc2?|card[ _-]?(?:security|verification)[ _-]?(?:code|value)"
            + "|(?:karten)?pr[üu]fnummer|c[óo]digo de seguridad|cryptogramme(?: visuel)?";
    /** After the name: one more word ("CVV code", "CVV number") and a short remark in brackets ("Security code (CVV)"). */
    private static final String CVV_TAIL =
            "(?:[ \\t]{1,4}(?:code|number|no\\.?|value))?(?:[ \\t]{0,4}\\([^()\\n]{1,24}\\))?";
    /** Up to two signs between the name and the code, each after white space, a quote or {@code ]}. */
    private static final String CVV_SIGNS = "(?:[\\]\"']?\\s{0,4}(?:is|:|#|=>|=|-|>)){0,2}";
    /** A short phrase of a few small words, then "is": "the CVV on the back is 123", "CVV on my card was 123". */
    private static final String CVV_PHRASE =
            "(?:(?:[ \\t]{1,4}(?:on|the|back|front|of|my|your|this|card|code|number|value|printed|shown|written|which|that))"
                    + "{1,4}[ \\t]{1,4}(?:is|was)\\b[ \\t]{0,4}:?)?";

    /**
     * The words after which "CID" or "CSC" names a card's code: a card's, a card product's or an issuer's name, a
     * determiner, a verb of entering ("Amex CID: 1234", "payment CID", "your CSC is 123").
     */
    private static final java.util.Set<String> CID_PRECEDERS = java.util.Set.of(
            "card",
            "amex",
            "express",
            "discover",
            "visa",
            "mastercard",
            "credit",
            "debit",
            "payment",
            "security",
            "verification",
            "cardholder",
            "gold",
            "platinum",
            "green",
            "business",
            "corporate",
            "centurion",
            "jcb",
            "diners",
            "unionpay",
            "the",
            "your",
            "my",
            "its",
            "this",
            "their",
            "his",
            "her",
            "our",
            "enter",
            "and",
            "or",
            "with",
            "digit",
            "a",
            "new");

    /**
     * Whether the label at {@code start} names something else than a card's code: "CID" (any case) or "csc"/"Csc" (a
     * compound key's word) right after another word of letters (not a number or an expiry, not a possessive) that is
     * not in {@link #CID_PRECEDERS}, with no card number or CID issuer just before ("Process CID 4021", "customer
     * CID", {@code campaign_cid} read as {@code campaign cid}, {@code orderCsc} as {@code order Csc}). "CSC" in
     * capitals, and any of them after a card's word, a date, a number or a card ("Customer CSC 123", "Visa CSC", "exp
     * 12/26 CSC 123", "Amex Blue CID"), is the card's code.
     */
    private static boolean compoundCid(CharSequence t, int start) {
        if (start + 3 > t.length()) {
            return false;
        }
        String label = t.subSequence(start, start + 3).toString();
        String lower = label.toLowerCase(java.util.Locale.ROOT);
        if (!lower.equals("cid") && !lower.equals("csc")) {
            return false;
        }
        if (lower.equals("csc") && label.equals("CSC")) {
            return false; // "CSC" in capitals names nothing but a card's code ("Please provide CSC 123")
        }
        if (cardNear(t, start)) {
            return false; // a card number or American Express / Discover named just before: the card's code
        }
        int e = start - 1;
        if (e < 1 || (t.charAt(e) != ' ' && t.charAt(e) != '-')) {
            return false;
        }
        int b = e;
        while (b > 0 && b > e - 24 && asciiLetter(t.charAt(b - 1))) {
            b--;
        }
        if (b == e
                || (b > 0
                        && (asciiLetterOrDigit(t.charAt(b - 1))
                                || t.charAt(b - 1) == '\''
                                || t.charAt(b - 1) == '\u2019'))) {
            return false; // a number, a possessive ("card's"), a word with digits
        }
        return !CID_PRECEDERS.contains(t.subSequence(b, e).toString().toLowerCase(java.util.Locale.ROOT));
    }

    private static boolean asciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** How far before a CID a card's number or issuer makes it the card's code. */
    private static final int CARD_NEAR = 64;

    /**
     * Whether a run of 13 or more digits (spaces and dashes between them) or "Amex", "American Express", "Discover"
     * (the issuers whose code is called CID) stands within {@value #CARD_NEAR} characters before {@code start}.
     */
    private static boolean cardNear(CharSequence t, int start) {
        int from = Math.max(0, start - CARD_NEAR);
        int digits = 0;
        for (int i = from; i < start; i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits >= 13) {
                    return true;
                }
            } else if (c != ' ' && c != '-') {
                digits = 0;
            }
        }
        String before = t.subSequence(from, start).toString().toLowerCase(java.util.Locale.ROOT);
        return before.contains("amex") || before.contains("american express") || before.contains("discover");
    }

    static Recognizer cvv() {
        return Recognizer.labelled(
                        FindingTypes.CARD_CVV,
                        "(?i)(?:(?<![A-Za-z0-9])(?:" + CVV_NAMES + ")(?![A-Za-z0-9])" + CVV_TAIL + CVV_SIGNS
                                + CVV_PHRASE
                                + "|(?<![A-Za-z0-9_])(?:cid|csc|security[ _-]?code)(?![A-Za-z0-9])" + CVV_TAIL
                                + CVV_SIGNS
                                + ")\\s{0,4}[\"']?(\\d{3,4})(?!\\d)",
                        1,
                        NEEDS_DIGIT,
                        (t, s, m) -> m != null && compoundCid(t, m.start()) ? -1 : 0.9)
                .onlyWith(
                        "cvv",
                        "cvc",
                        "cid",
                        "csc",
                        "security",
                        "verification",
                        "prufnummer",
                        "prüfnummer",
                        "codigo",
                        "código",
                        "cryptogramme")
                .startingAt(Starts.of()
                        .prefixes(
                                true,
                                "cvv",
                                "cvc",
                                "cid",
                                "csc",
                                "card",
                                "security",
                                "pr\u00fcfnummer",
                                "prufnummer",
                                "c\u00f3digo",
                                "codigo",
                                "cryptogramme",
                                "kartenpr")
                        .notAfter(W.replace("_", "")));
    }

    static Recognizer trackData() {
        return Recognizer.of(
                        FindingTypes.CARD_TRACK_DATA, TrackDataFinder.PATTERN, NEEDS_DIGIT, PiiRecognizers::trackScore)
                .withDigitRun(13)
                .withFinder(new TrackDataFinder());
    }

    /**
     * Track data: 0.95; EMV's Track 2 Equivalent Data ({@code D} between the account number and the rest) only with a
     * Luhn-valid account number (a hex dump holds digits and {@code D} by chance).
     */
    private static double trackScore(CharSequence t, int[] s, java.util.regex.Matcher m) {
        int i = s[0];
        if (i < s[1] && t.charAt(i) == ';') {
            i++;
        }
        int j = i;
        while (j < s[1] && t.charAt(j) >= '0' && t.charAt(j) <= '9') {
            j++;
        }
        if (j < s[1] && t.charAt(j) == 'D') {
            return Checksums.luhn(t.subSequence(i, j)) ? 0.95 : -1;
        }
        return 0.95;
    }

    static Recognizer iban() {
        return Recognizer.of(
                        FindingTypes.IBAN,
                        "(?<![A-Za-z0-9])[A-Za-z]{2}\\d{2}(?:" + IBAN_SEPARATOR + "?[A-Za-z0-9]{4}){2,7}(?:"
                                + IBAN_SEPARATOR + "?[A-Za-z0-9]{1,3})?" + "(?![A-Za-z0-9])",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            if (validIban(t, s[0], s[1])) {
                                return 0.95;
                            }
                            // a trailing short group may be the next word ("... 8741 ALL CAPS"): try without it
                            int end = s[1];
                            int k = end;
                            while (k > s[0] && IBAN_SEPARATORS.indexOf(t.charAt(k - 1)) < 0) {
                                k--;
                            }
                            int cut = k;
                            while (cut > s[0] && IBAN_SEPARATORS.indexOf(t.charAt(cut - 1)) >= 0) {
                                cut--;
                            }
                            if (end - k <= 3 && cut > s[0] && validIban(t, s[0], cut)) {
                                s[1] = cut;
                                return 0.95;
                            }
                            return -1;
                        })
                .withContext("(?i)\\b(?:iban|bank|account|konto|cuenta|compte)\\b", 0.05)
                .startingAt(Starts.of()
                        .letters(true, Starts.LETTERS)
                        .letterRun("", true, 0)
                        .notAfter(Starts.WORD.replace("_", ""))
                        .check((t, i) -> i + 3 < t.length()
                                && Starts.Ascii.isLetter(t.charAt(i + 1))
                                && digitAt(t, i + 2)
                                && digitAt(t, i + 3)));
    }

    /** The separators between an IBAN's groups: space, tab, line break, hyphen, dot, slash, underscore. */
    private static final String IBAN_SEPARATORS = GROUP_SEPARATOR_CHARS;

    private static final String IBAN_SEPARATOR = GROUP_SEPARATOR;

    /**
     * Whether {@code [start, end)} is an IBAN: the country code in any case, the letters after it all
     * upper case or all lower case (as a person types one: {@code de89 3704 ...}, {@code GB82 west ...};
     * a mixed-case "bANK" is no account number), the country's length and MOD-97.
     */
    private static boolean validIban(CharSequence t, int start, int end) {
        StringBuilder compact = new StringBuilder(34);
        boolean upper = false;
        boolean lower = false;
        for (int i = start; i < end; i++) {
            char c = t.charAt(i);
            if (IBAN_SEPARATORS.indexOf(c) < 0) {
                compact.append(c);
                if (compact.length() > 2) {
                    upper |= c >= 'A' && c <= 'Z';
                    lower |= c >= 'a' && c <= 'z';
                }
            }
        }
        return !(upper && lower) && Checksums.iban(compact);
    }

    static Recognizer abaRouting() {
        return Recognizer.of(
                        FindingTypes.ABA_ROUTING,
                        NB + "(?:\\d{9}|\\d{4}-\\d{4}-\\d)" + NA,
                        NEEDS_DIGIT,
                        (t, s, m) -> Checksums.abaRouting(Checksums.digits(t, s[0], s[1])) ? 0.5 : -1)
                .withContext("(?i)\\b(?:aba|routing|rtn|transit|bank)\\b", 0.5)
                .startingAt(
                        Starts.of().digits().notAfter(W + "-").digitRun(9, 9).digitRun(4, 4, "-"));
    }

    private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

    static Recognizer ipv4() {
        return Recognizer.of(
                        FindingTypes.IP_ADDRESS,
                        "(?<![\\w.])" + OCTET + "(?:\\." + OCTET + "){3}(?![\\w]|\\.\\d)",
                        NEEDS_DIGIT | NEEDS_DOT,
                        (t, s, m) -> afterVersionWord(t, s[0]) ? -1 : 0.7)
                .withContext("(?i)\\b(?:ip|ipv4|address|host|server|client|src|dst)\\b", 0.2)
                .startingAt(Starts.of().digits().notAfter(W + ".").digitRun(1, 3, "."));
    }

    /**
     * A word that names a version before a dotted number ("Python 3.10.12.1", "version 1.2.3.4", "build 10.0.190.2");
     * not a word that also stands before hosts ("node", "release", "update").
     */
    private static final java.util.regex.Pattern VERSION_WORD = java.util.regex.Pattern.compile(
            "(?i)\\b(?:version|ver\\.?|v|build|python|java|jdk|jre|kernel|firmware)[ \\t]{0,2}:?[ \\t]{0,2}$");

    /** Whether a version word stands right before {@code start} (at most 24 characters back). */
    private static boolean afterVersionWord(CharSequence t, int start) {
        int from = Math.max(0, start - 24);
        java.util.regex.Matcher v = VERSION_WORD.matcher(t);
        v.region(from, start);
        v.useTransparentBounds(true);
        return v.find();
    }

    static Recognizer ipv6() {
        return Recognizer.of(
                        FindingTypes.IP_ADDRESS,
                        "(?<![\\w:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{2,45}+(?:%[0-9A-Za-z]{1,15}+)?",
                        NEEDS_COLON,
                        (t, s, m) -> {
                            if (s[1] < t.length() && isWordChar(t.charAt(s[1]))) {
                                return -1;
                            }
                            while (s[1] > s[0]
                                    && (t.charAt(s[1] - 1) == '.'
                                            || (t.charAt(s[1] - 1) == ':'
                                                    && (s[1] - 2 < s[0] || t.charAt(s[1] - 2) != ':')))) {
                                s[1]--;
                            }
                            return Ipv6.valid(t, s[0], s[1]) ? 0.75 : -1;
                        })
                .startingAt(Starts.of()
                        .digits()
                        .letters(true, "abcdef")
                        .chars(":")
                        .letterRun(":", false, 0)
                        .notAfter(W + ":.")
                        .digitRun(1, 4, ":abcdefABCDEF")
                        .check((t, i) -> {
                            for (int k = 0; k <= 4; k++) {
                                if (charAt(t, i + k, ':')) {
                                    return true;
                                }
                                if (!hexAt(t, i + k)) {
                                    return false;
                                }
                            }
                            return false;
                        }));
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    static Recognizer mac() {
        return Recognizer.of(
                        FindingTypes.MAC_ADDRESS,
                        "(?<![\\w:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4})"
                                + "(?![\\w:.-])",
                        0,
                        (t, s, m) -> {
                            char first = Character.toLowerCase(t.charAt(s[0]));
                            for (int i = s[0]; i < s[1]; i++) {
                                char c = Character.toLowerCase(t.charAt(i));
                                if (c != first && c != ':' && c != '-' && c != '.') {
                                    return 0.7;
                                }
                            }
                            return -1;
                        })
                .startingAt(Starts.of()
                        .digits()
                        .letters(true, "abcdef")
                        .letterRun(":-.", false, 0)
                        .notAfter(W + ":.-")
                        .digitRun(1, 4, ":-.abcdefABCDEF")
                        .check((t, i) -> charAt(t, i + 2, ':') || charAt(t, i + 2, '-') || charAt(t, i + 4, '.')));
    }

    static Recognizer url() {
        return Recognizer.of(
                        FindingTypes.URL,
                        "(?i)(?<![\\w@.:/-])((?:https?|ftp)://)?(www\\.)?(?:[a-z0-9-]{1,63}+\\.){1,10}([a-z]{2,24}|xn--[a-z0-9-]{1,59})(?![\\w-])"
                                + "(?::\\d{1,5})?(?:[/?#][^\\s<>\"'`]{0,2048}+)?",
                        NEEDS_DOT,
                        (t, s, m) -> {
                            boolean scheme = m.group(1) != null;
                            boolean www = m.group(2) != null;
                            if (!scheme && !COMMON_TLDS.contains(m.group(3).toLowerCase(Locale.ROOT))) {
                                return -1;
                            }
                            while (s[1] > s[0] && ".,;:!?)]}'\"".indexOf(t.charAt(s[1] - 1)) >= 0) {
                                s[1]--;
                            }
                            return scheme ? 0.9 : www ? 0.8 : 0.6;
                        })
                .startingAt(Starts.of()
                        .digits()
                        .letters(true, Starts.LETTERS)
                        .chars("-")
                        .letterRun(".:-", false, 0)
                        .notAfter(W + "@.:/-")
                        .digitRun(1, 63, BOTH_CASES + "-.")
                        .check((t, i) -> {
                            // the first label (possessive [a-z0-9-]{1,63}+) is followed by '.' and a label or TLD
                            // character, or the scheme by "://"
                            int j = i;
                            int n = t.length();
                            while (j < n && j - i <= 64) {
                                char c = t.charAt(j);
                                if (c == '.') {
                                    return j + 1 < n && (asciiLetterOrDigit(t.charAt(j + 1)) || t.charAt(j + 1) == '-');
                                }
                                if (c == ':') {
                                    return charAt(t, j + 1, '/') && charAt(t, j + 2, '/');
                                }
                                if (!(asciiLetterOrDigit(c) || c == '-')) {
                                    return false;
                                }
                                j++;
                            }
                            return false;
                        }));
    }

    private static final String DOB_CONTEXT =
            "(?i)\\b(?:dob|d\\.o\\.b|date of birth|birth ?date|born(?: on)?|birthday|geboren|"
                    + "geburtsdatum|fecha de nacimiento|nacid[oa]|date de naissance|n[ée]e|né)\\b";

    static Recognizer dateIso() {
        return Recognizer.of(
                        FindingTypes.DATE,
                        "(?<![\\w/.:-])(\\d{4})([-/.])(\\d{2})\\2(\\d{2})(?:T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?(?![\\w/-]|\\.\\d)",
                        NEEDS_DIGIT,
                        (t, s, m) -> validDate(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))) ? 0.7 : -1)
                .withContext(DOB_CONTEXT, 0.25, FindingTypes.DATE_OF_BIRTH)
                .startingAt(Starts.of().digits().notAfter(W + "/.:-").digitRun(4, 4, "-/."));
    }

    /**
     * A date written as eight digits, year first ({@code 19560314}: HL7's and C-CDA's form): 0.2 alone (an order number
     * or a build stamp is as likely), a date of birth after a birth word ("DOB", "birthTime", "born").
     */
    static Recognizer dateCompact() {
        return Recognizer.of(
                        FindingTypes.DATE,
                        "(?<![\\w/.:-])(?:19|20)\\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])(?![\\w/-]|[.:]\\d)",
                        NEEDS_DIGIT,
                        (t, s, m) -> validDate(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))) ? 0.2 : -1)
                .withContext(DOB_CONTEXT_COMPACT, 0.5, FindingTypes.DATE_OF_BIRTH)
                .startingAt(Starts.of().digits().notAfter(W + "/.:-").digitRun(8, 8));
    }

    /** {@link #DOB_CONTEXT} and the birth-date fields of HL7 CDA ({@code birthTime}) and X12 ({@code DMG*D8*}). */
    private static final String DOB_CONTEXT_COMPACT =
            "(?i)\\b(?:dob|d\\.o\\.b|date of birth|birth ?date|birth ?time|born(?: on)?|birthday|geboren|"
                    + "geburtsdatum|fecha de nacimiento|nacid[oa]|date de naissance|n[ée]e|né)\\b|\\bDMG\\*D8\\*";

    static Recognizer dateNumeric() {
        return Recognizer.of(
                        FindingTypes.DATE,
                        "(?<![\\w/.:-])(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4}|\\d{2})(?![\\w/-]|[.:]\\d)",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            int a = Integer.parseInt(m.group(1));
                            int b = Integer.parseInt(m.group(3));
                            return validDate(a, b) || validDate(b, a) ? 0.6 : -1;
                        })
                .withContext(DOB_CONTEXT, 0.3, FindingTypes.DATE_OF_BIRTH)
                .startingAt(Starts.of().digits().notAfter(W + "/.:-").digitRun(1, 2, "/.-"));
    }

    static Recognizer dateText() {
        String month = "(?:" + MONTHS + ")";
        return Recognizer.of(
                        FindingTypes.DATE,
                        "(?i)(?<![\\w-])(?:\\d{1,2}(?:st|nd|rd|th)?[ -]" + month + "[ ,-]{1,2}\\d{2,4}"
                                + "|" + month + " \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}"
                                + "|" + month + "-\\d{1,2}|\\d{1,2}-" + month + "|" + month + "-\\d{4})(?![\\w-])",
                        NEEDS_DIGIT,
                        (t, s, m) -> 0.65)
                .withContext(DOB_CONTEXT, 0.3, FindingTypes.DATE_OF_BIRTH)
                .startingAt(Starts.of()
                        .digits()
                        .digitRun(1, 2, " -", BOTH_CASES)
                        .digitRun(1, 2, "sSnNrRtT", "tTdDhH")
                        .prefixes(
                                true, "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                "dec")
                        .notAfter(W + "-")
                        .check(PiiRecognizers::dayThenMonthOrMonthThenDigit));
    }

    static Recognizer dateMonthYear() {
        return Recognizer.of(
                        FindingTypes.DATE,
                        "(?<![\\w/.:-])(0?[1-9]|1[0-2])/((?:19|20)\\d{2})(?![\\w/-]|[.:]\\d)",
                        NEEDS_DIGIT,
                        (t, s, m) -> 0.55)
                .withContext(DOB_CONTEXT, 0.3, FindingTypes.DATE_OF_BIRTH)
                .startingAt(Starts.of()
                        .digits()
                        .notAfter(W + "/.:-")
                        .digitRun(1, 2, "/")
                        .check(PiiRecognizers::slashYear));
    }

    private static boolean validDate(int month, int day) {
        return month >= 1 && month <= 12 && day >= 1 && day <= 31;
    }

    static Recognizer passport() {
        return Recognizer.of(
                        FindingTypes.US_PASSPORT,
                        NB + "(?:[A-Z]\\d{8}|\\d{9})" + NA,
                        NEEDS_DIGIT,
                        (t, s, m) -> Character.isLetter(t.charAt(s[0])) ? 0.3 : 0.1)
                .withContext("(?i)\\b(?:passport|travel document|pasaporte|reisepass|passeport)\\b", 0.5)
                .onlyWith("passport", "travel document", "pasaporte", "reisepass", "passeport")
                .startingAt(Starts.of()
                        .digits()
                        .digitRun(9, 9)
                        .letters(false, Starts.UPPER)
                        .letterRun("", true, 0)
                        .notAfter(W + "-"));
    }

    static Recognizer driverLicense() {
        return Recognizer.of(
                        FindingTypes.US_DRIVER_LICENSE,
                        NB + "(?:[A-Z]\\d{3,14}|[A-Z]{2}\\d{5,11}|\\d{7,12})" + NA,
                        NEEDS_DIGIT,
                        (t, s, m) -> 0.05)
                .withContext(
                        "(?i)\\b(?:driver'?s?|driving|dl|dln|licen[cs]e|f[üu]hrerschein|licencia de conducir|permis de conduire)\\b",
                        0.55)
                .onlyWith("driver", "driving", "dl", "licen", "führerschein", "fuhrerschein", "licencia", "permis")
                .startingAt(Starts.of()
                        .digits()
                        .digitRun(7, 12)
                        .letters(false, Starts.UPPER)
                        .letterRun("", true, 0)
                        .notAfter(W + "-"));
    }

    static Recognizer npi() {
        return Recognizer.of(
                        FindingTypes.US_NPI,
                        NB + "[12]\\d{3}([ -]?)\\d{3}\\1\\d{3}" + NA,
                        NEEDS_DIGIT,
                        (t, s, m) -> Checksums.npi(Checksums.digits(t, s[0], s[1])) ? 0.55 : -1)
                .withContext("(?i)\\b(?:npi|provider|prescriber|physician)\\b", 0.4)
                .startingAt(Starts.of()
                        .digits()
                        .notAfter(W + "-")
                        .digitRun(4, 4, " -")
                        .digitRun(10, 10)
                        .check(PiiRecognizers::npiShape));
    }

    static Recognizer dea() {
        return Recognizer.of(
                        FindingTypes.US_DEA,
                        NB + "[A-Za-z][A-Za-z9]\\d{7}" + NA,
                        NEEDS_DIGIT,
                        (t, s, m) -> Checksums.dea(t.subSequence(s[0], s[1])) ? 0.7 : -1)
                .withContext("(?i)\\b(?:dea|registration|prescriber)\\b", 0.25)
                .startingAt(Starts.of()
                        .letters(true, Starts.LETTERS)
                        .letterRun("", true, 0)
                        .notAfter(W + "-")
                        .check(PiiRecognizers::deaShape));
    }

    static Recognizer vin() {
        return Recognizer.of(
                        FindingTypes.VEHICLE_ID,
                        "(?<![A-Za-z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Za-z0-9])",
                        NEEDS_DIGIT,
                        (t, s, m) -> Checksums.vin(t.subSequence(s[0], s[1])) ? 0.75 : -1)
                .withContext("(?i)\\b(?:vin|vehicle|chassis)\\b", 0.2)
                .startingAt(Starts.of()
                        .digits()
                        .letters(false, "ABCDEFGHJKLMNPRSTUVWXYZ")
                        .letterRun("", false, 17)
                        .digitRun(17, 17)
                        .digitRun(1, 16, "ABCDEFGHJKLMNPRSTUVWXYZ")
                        .notAfter(Starts.WORD.replace("_", ""))
                        .check((t, i) -> vinRun(t, i)));
    }

    /** The letters of a Medicare Beneficiary Identifier: A–Z without S, L, O, I, B and Z (CMS, "MBI format specifications"). */
    private static final String MBI_LETTER = "[AC-HJKMNP-RT-Y]";

    private static final String MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXYacdefghjkmnpqrtuvwxy";

    /**
     * A US Medicare Beneficiary Identifier (CMS's format: 11 characters, digit · letter · letter or digit · digit ·
     * letter · letter or digit · digit · letter · letter · digit · digit, the letters without S L O I B Z; printed
     * 4-3-4 with dashes or without): a shape this narrow is rare in other text, so it counts alone (0.6 with the
     * dashes, 0.5 without); upper or lower case, not mixed.
     */
    static Recognizer medicareBeneficiaryId() {
        String an = "(?:" + MBI_LETTER + "|\\d)";
        return Recognizer.of(
                        FindingTypes.US_MBI,
                        "(?i)(?<![\\w-])[1-9]" + MBI_LETTER + an + "\\d(-?)" + MBI_LETTER + an + "\\d\\1" + MBI_LETTER
                                + MBI_LETTER + "\\d\\d(?![\\w-])",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            if (mixedCase(t, s[0], s[1])) {
                                return -1;
                            }
                            return m.group(1).isEmpty() ? 0.5 : 0.6;
                        })
                .withContext("(?i)\\b(?:mbi|medicare|beneficiary|cms)\\b", 0.3)
                .startingAt(Starts.of().digits().notAfter(W + "-").digitRun(1, 1, MBI_LETTERS));
    }

    /** Whether {@code [start, end)} holds both upper- and lower-case ASCII letters. */
    private static boolean mixedCase(CharSequence t, int start, int end) {
        boolean upper = false;
        boolean lower = false;
        for (int i = start; i < end; i++) {
            char c = t.charAt(i);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
        }
        return upper && lower;
    }

    /**
     * A UK NHS number (England, Wales, Isle of Man; the same 10-digit modulus-11 scheme as Scotland's CHI and
     * Northern Ireland's H&amp;C numbers): 3-3-4 with one kind of separator, or 10 digits together, with a valid check
     * digit. Printed in groups it counts alone (0.5; a valid US telephone number in the same place is the more
     * confident finding); 10 digits together need a health-service word before them (a Unix time or an order number
     * is as likely).
     */
    static Recognizer nhsNumber() {
        return Recognizer.of(
                        FindingTypes.UK_NHS,
                        "(?<![\\w.-])\\d{3}([ -]?)\\d{3}\\1\\d{4}(?![\\w-]|[./]\\d)",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            String d = Checksums.digits(t, s[0], s[1]);
                            if (!Checksums.nhs(d) || Checksums.allSame(d) || d.endsWith("0000000")) {
                                return -1;
                            }
                            return m.group(1).isEmpty() ? 0.2 : 0.5;
                        })
                .withContext(
                        "(?i)\\b(?:nhs|national health|health service|chi(?: number| no\\.?)|h&c(?: number| no\\.?)?)",
                        0.4)
                .startingAt(Starts.of()
                        .digits()
                        .notAfter(W + ".-")
                        .digitRun(3, 3, " -")
                        .digitRun(10, 10));
    }

    /** The first letter of a UK National Insurance number: not D, F, I, Q, U or V (HMRC, NIM39110). */
    private static final String NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZabceghjklmnoprstwxyz";

    /**
     * A UK National Insurance number (HMRC's format, NIM39110): two prefix letters (the first not D F I Q U V, the
     * second not D F I O Q U V; BG, GB, KN, NK, NT, TN and ZZ never allocated), six digits, a suffix A–D; spaces
     * between the parts or none, any case (not mixed). Counts alone (0.6 in upper case, 0.5 otherwise).
     */
    static Recognizer nationalInsuranceNumber() {
        return Recognizer.of(
                        FindingTypes.UK_NINO,
                        "(?i)(?<![\\w-])(?!bg|gb|kn|nk|nt|tn|zz)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                                + " ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D](?![\\w-])",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            boolean lower = false;
                            boolean upper = false;
                            for (int i = s[0]; i < s[1]; i++) {
                                char c = t.charAt(i);
                                lower |= c >= 'a' && c <= 'z';
                                upper |= c >= 'A' && c <= 'Z';
                            }
                            return upper && !lower ? 0.6 : 0.5;
                        })
                .withContext("(?i)\\b(?:national insurance|ni(?: number| no\\.?)|nino)\\b", 0.3)
                .startingAt(Starts.of()
                        .letters(false, NINO_FIRST)
                        .letterRun(" ", true, 0)
                        .lettersAtMost(2)
                        .notAfter(W + "-")
                        .check(PiiRecognizers::ninoStart));
    }

    /** Two ASCII letters at {@code i}, then a digit, or a space and a digit (the start of a National Insurance number). */
    private static boolean ninoStart(CharSequence t, int i) {
        if (i + 4 > t.length()) {
            return false;
        }
        char c = t.charAt(i + 1);
        char d = t.charAt(i + 2);
        char e = t.charAt(i + 3);
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && (d == ' ' ? e >= '0' && e <= '9' : d >= '0' && d <= '9');
    }

    /**
     * A Canadian Social Insurance Number: nine digits, 3-3-3 with one kind of separator or together, Luhn-valid, the
     * first digit 1–7 or 9 (0 and 8 are not issued). In groups 0.5 (French prose groups large amounts the same way: a
     * Luhn-valid one is masked); together 0.3, a finding with "SIN", "social insurance" or "NAS" before it.
     */
    static Recognizer socialInsuranceNumber() {
        return Recognizer.of(
                        FindingTypes.CA_SIN,
                        "(?<![\\w.-])[1-79]\\d{2}([ -]?)\\d{3}\\1\\d{3}(?![\\w-]|[./,]\\d)",
                        NEEDS_DIGIT,
                        (t, s, m) -> {
                            String d = Checksums.digits(t, s[0], s[1]);
                            if (!Checksums.luhn(d) || Checksums.allSame(d) || d.endsWith("000000")) {
                                return -1; // (a round amount: 125 000 000)
                            }
                            return m.group(1).isEmpty() ? 0.3 : 0.5;
                        })
                .withContext(
                        "(?i)\\b(?:sin|social insurance|nas|assurance sociale|num[ée]ro d'assurance sociale)\\b", 0.4)
                .startingAt(Starts.of()
                        .digits()
                        .notAfter(W + ".-")
                        .digitRun(3, 3, " -")
                        .digitRun(9, 9));
    }

    /** Seventeen characters of a VIN from {@code i} (the pattern's first step, checked before the regex runs). */
    private static boolean vinRun(CharSequence t, int i) {
        if (i + 17 > t.length()) {
            return false;
        }
        for (int k = i; k < i + 17; k++) {
            char c = t.charAt(k);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean asciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /**
     * What may follow a label (which may be plural: "Member ID<b>s</b>", "MRN<b>s</b>", a JSON key {@code memberIds}
     * read as its words) before its sign: one more word of the label ("Member ID <b>Number</b>", "Patient ID
     * <b>No.</b>") and an abbreviation in brackets ("Medical Record Number <b>(MRN)</b>").
     */
    /**
     * A label's plural: of a word that names an identifier ("Member IDs", "MRNs", "IMEIs"), before a sign, and not
     * before a count of up to four digits ("Member IDs: 1200 active", "Policy numbers: 3000 issued"; "medical records 2019 …", "Health plans:
     * 2024 options" are prose).
     */
    private static final String PLURAL = "(?:(?<=id|number|no|mrn|mbi|imei|udid|acct|serial)s"
            + "(?=[\"']?[ \t]{0,4}(?:[:#=>]|is[ \t]))"
            + "(?![\"']?[ \t]{0,4}(?:[:#=>]|is)[ \t]{0,4}\\d{1,4}(?![\\w-])))?";

    private static final String LABEL_TAIL =
            "(?:[ \\t]{1,4}(?:id|identifier|number|num|no\\.?|#))?(?:[ \\t]{0,4}\\([A-Za-z]{2,5}\\))?";

    /**
     * Between a label and its value: up to two of {@code is : # = - >} (an XML element's end), each after white
     * space or a closing quote, then an opening quote ({@code "mrn": "4471829"}, {@code <MRN>4471829}).
     */
    private static final String LABEL_SIGN = "(?:[\"']?\\s{0,4}(?:is|:|#|=|-|>)){0,2}\\s{0,4}[\"']?";

    static Recognizer labelled(String type, String labels, String value, String... labelPrefixes) {
        return labelled(type, labels, value, null, labelPrefixes);
    }

    /** Like {@link #labelled(String, String, String, String...)}, tried only where {@code check} (if not null) accepts the start. */
    static Recognizer labelled(String type, String labels, String value, Starts.Check check, String... labelPrefixes) {
        return Recognizer.labelled(
                        type,
                        "(?i)\\b(?:" + labels + ")" + PLURAL + LABEL_TAIL + LABEL_SIGN
                                + (value.contains(" ") ? "" : "(?=[A-Za-z:-]{0,39}\\d)")
                                + "(" + value + ")(?![\\w-])",
                        1,
                        NEEDS_DIGIT,
                        0.85)
                .startingAt(
                        Starts.of().prefixes(true, labelPrefixes).notAfter(W).check(check));
    }

    /**
     * Where the medical-record label can start: a word that is exactly "patient" or "chart" (ASCII
     * letters, any case) only if a space and n or i follows (patient id, patient number, patient
     * no, chart number, chart no: the only labels that begin with those words); anything else.
     */
    private static boolean recordLabel(CharSequence t, int i) {
        int j = i;
        while (j < t.length() && Starts.Ascii.isLetter(t.charAt(j))) {
            j++;
        }
        if (!(j - i == 7 && regionEqualsIgnoreCase(t, i, "patient"))
                && !(j - i == 5 && regionEqualsIgnoreCase(t, i, "chart"))) {
            return true;
        }
        if (!charAt(t, j, ' ') || j + 1 >= t.length()) {
            return false;
        }
        char d = (char) (t.charAt(j + 1) | 0x20);
        return d == 'n' || d == 'i';
    }

    /** Whether {@code s} (lower case ASCII letters) is at {@code i}, ASCII letters compared case-insensitively. */
    private static boolean regionEqualsIgnoreCase(CharSequence t, int i, String s) {
        if (i + s.length() > t.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = t.charAt(i + k);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c | 0x20);
            }
            if (c != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    static Recognizer zip() {
        return Recognizer.of(FindingTypes.ZIP_CODE, NB + "\\d{5}(?:-\\d{4})?" + NA, NEEDS_DIGIT, (t, s, m) -> 0.15)
                .withContext(
                        "(?i:\\b(?:zip(?: ?code)?|postal(?: code)?|postcode|plz|c[óo]digo postal|code postal)\\b)|\\b(?:"
                                + STATES + "),?\\s{1,3}$",
                        0.55)
                .startingAt(Starts.of().digits().notAfter(W + "-").digitRun(5, 5));
    }

    private static final String STREET_TYPES =
            "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
                    + "Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl";

    static Recognizer streetAddressUs() {
        return Recognizer.of(
                        FindingTypes.POSTAL_ADDRESS,
                        "(?<![\\w-])\\d{1,6}\\s(?:(?:N|S|E|W|North|South|East|West)\\.?\\s)?(?:[A-Z][A-Za-z]{0,20}\\.?\\s){1,4}(?:"
                                + STREET_TYPES + ")\\b\\.?(?:,?\\s(?:Apt|Suite|Ste|Unit|#)\\.?\\s?[A-Za-z0-9-]{1,8})?",
                        NEEDS_DIGIT,
                        (t, s, m) -> 0.8)
                .startingAt(Starts.of()
                        .digits()
                        .notAfter(W + "-")
                        .digitRun(1, 6, WHITESPACE, Starts.UPPER)
                        .check(PiiRecognizers::numberThenTwoCapitals));
    }

    /** The street addresses {@link StreetAddresses} reads (221B Baker Street, Am Ring 3, Berliner Allee 12a, 12 Rue de la Paix). */
    static Recognizer streetAddressWords() {
        return Recognizer.scanning(FindingTypes.POSTAL_ADDRESS, NEEDS_DIGIT, StreetAddresses::scan)
                .startingAt(Starts.of()
                        .digits()
                        .letters(false, Starts.UPPER)
                        .chars(LATIN_CAPITALS)
                        .notAfter(W + "-"));
    }

    /**
     * The capital letters of Latin-1 and Latin Extended-A (U+00C0..U+017F): where a name or a street name that does not
     * start with an ASCII capital can start (Élodie, Östliche, Łukasz).
     */
    static final String LATIN_CAPITALS = latinCapitals();

    private static String latinCapitals() {
        StringBuilder b = new StringBuilder();
        for (char c = '\u00c0'; c <= '\u017f'; c++) {
            if (Character.isUpperCase(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Words before a person's name that make a capitalised word after a given name a surname. */
    static final String NAME_CONTEXT = "(?i)\\b(?:name|named|called|i am|i'm|signed|sincerely|regards|dear|hi|hello|"
            + "patient|client|customer|employee|applicant|tenant|attn|contact|ich hei(?:ß|ss)e|mein name ist|"
            + "je m'appelle|je suis|me llamo|mi nombre es|soy|ich bin|gr[üu](?:ß|ss)e|cordialement|atentamente|"
            + "unterschrieben|sign[ée]|firmado|par|por|von|by|from|with)\\b";

    /** Person names from the lists of common given names and surnames ({@link PersonNames}). */
    static Recognizer personNameListed() {
        return Recognizer.scanning(FindingTypes.PERSON_NAME, 0, PersonNames::scan)
                .withContext(NAME_CONTEXT, 0.3)
                .startingAt(Starts.of()
                        .letters(false, Starts.UPPER)
                        .chars(LATIN_CAPITALS)
                        .notAfter(W + "-'"));
    }

    static Recognizer streetAddressEu() {
        return Recognizer.of(
                        FindingTypes.POSTAL_ADDRESS,
                        "\\b[A-ZÄÖÜ][a-zäöüß]{1,30}(?:straße|strasse|str\\.|weg|platz|gasse|allee|ring|damm)\\s\\d{1,4}[a-z]?\\b"
                                + "|\\b\\d{1,4},?\\s(?:rue|avenue|boulevard|bd|place|chemin|all[ée]e|impasse)\\s(?:[\\p{L}'-]{1,20}\\s){0,4}[\\p{L}'-]{1,20}"
                                + "|\\b(?:Calle|C/|Avenida|Avda\\.|Paseo|Plaza|Carrer)\\s(?:[\\p{L}'-]{1,20}\\s){0,4}\\d{1,4}\\b",
                        NEEDS_DIGIT,
                        (t, s, m) -> plausibleGermanStreet(t, s[0], s[1]) ? 0.75 : -1)
                .startingAt(Starts.of()
                        .digits()
                        .digitRun(1, 4, WHITESPACE, "rabpci")
                        .digitRun(1, 4, ",", WHITESPACE)
                        .letters(false, Starts.UPPER)
                        .chars("\u00c4\u00d6\u00dc")
                        .notAfter(W)
                        .check(PiiRecognizers::europeanStreetStart));
    }

    /**
     * Whether a match of {@link #streetAddressEu()} is plausible: for the German alternative (a word
     * ending in a street suffix, whitespace, a house number), the house number is no year (1800 to
     * 2099: "During 1971", "Spring 2020"), and a word ending in "ring" has at least three letters
     * before it, the last no vowel (Ostring, Kaiserring, Nordring; not During, Spring, String, Offering,
     * Engineering, Touring). The French and Spanish alternatives are always plausible.
     */
    static boolean plausibleGermanStreet(CharSequence t, int start, int end) {
        int j = start;
        while (j < end && Character.isLetter(t.charAt(j))) {
            j++;
        }
        if (j == start || j >= end || !Character.isWhitespace(t.charAt(j)) || !Character.isUpperCase(t.charAt(start))) {
            return true; // a French address (begins with its number) or a Spanish one (the street type first)
        }
        if (charAt(t, j, '.') || !germanSuffix(t, start, j)) {
            return true; // "str." or a Spanish street type
        }
        int k = j + 1;
        int number = 0;
        int digits = 0;
        while (k < end && digitAt(t, k)) {
            number = number * 10 + (t.charAt(k) - '0');
            digits++;
            k++;
        }
        if (digits == 4 && number >= 1800 && number <= 2099) {
            return false;
        }
        if (regionEquals(t, j - 4, "ring")) {
            int stem = j - 4 - start;
            char last = t.charAt(j - 5);
            return stem >= 3 && "aeiouy".indexOf(last) < 0;
        }
        return true;
    }

    /** Whether the word {@code t[start, end)} ends in one of {@link #GERMAN_STREETS}. */
    private static boolean germanSuffix(CharSequence t, int start, int end) {
        for (String suffix : GERMAN_STREETS) {
            if (end - start > suffix.length() && regionEquals(t, end - suffix.length(), suffix)) {
                return true;
            }
        }
        return false;
    }

    /** The street types of the French alternative of {@link #streetAddressEu()}, as its pattern spells them (case-sensitive). */
    private static final String[] FRENCH_STREETS = {
        "rue", "avenue", "boulevard", "bd", "place", "chemin", "all\u00e9e", "allee", "impasse"
    };

    /**
     * Whether {@code \d{3}(sep?)\d{2}(sep?)\d{4}} can match at {@code i}, a separator being a run of
     * up to five characters of {@code seps} (a separator present must be taken: the digits that
     * follow cannot match it).
     */
    private static boolean threeTwoFour(CharSequence t, int i, String seps) {
        if (!(digitAt(t, i) && digitAt(t, i + 1) && digitAt(t, i + 2))) {
            return false;
        }
        int k = skipSeparator(t, i + 3, seps);
        if (!(digitAt(t, k) && digitAt(t, k + 1))) {
            return false;
        }
        k = skipSeparator(t, k + 2, seps);
        return digitAt(t, k) && digitAt(t, k + 1) && digitAt(t, k + 2) && digitAt(t, k + 3);
    }

    private static int skipSeparator(CharSequence t, int k, String seps) {
        int j = k;
        while (j < t.length() && j - k < 5 && seps.indexOf(t.charAt(j)) >= 0) {
            j++;
        }
        return j;
    }

    /** Whether {@code (0?[1-9]|1[0-2])/(?:19|20)\d{2}} can match at {@code i}: the run of digits there, '/', 19 or 20, two digits. */
    private static boolean slashYear(CharSequence t, int i) {
        int j = i;
        while (digitAt(t, j)) {
            j++;
        }
        if (!charAt(t, j, '/') || !digitAt(t, j + 3) || !digitAt(t, j + 4)) {
            return false;
        }
        return (charAt(t, j + 1, '1') && charAt(t, j + 2, '9')) || (charAt(t, j + 1, '2') && charAt(t, j + 2, '0'));
    }

    /**
     * Where {@link #dateText()} can start: a digit, or a month (ASCII letters, as {@code (?i)} without
     * UNICODE_CASE matches them) that takes the whole run of letters, an optional '.', then ' ' or
     * '-' and a digit (every alternative that begins with the month continues so).
     */
    private static boolean monthThenDigit(CharSequence t, int i) {
        char c = t.charAt(i);
        if (c >= '0' && c <= '9') {
            return true;
        }
        int j = i;
        while (j < t.length() && Starts.Ascii.isLetter(t.charAt(j))) {
            j++;
        }
        if (charAt(t, j, '.')) {
            j++;
        }
        return (charAt(t, j, ' ') || charAt(t, j, '-')) && digitAt(t, j + 1);
    }

    /**
     * Where {@link #personName()} can start (at a label or honorific word): the run of ASCII letters
     * there is one of {@link #NAME_WORDS} (every label and honorific begins with a whole such word), or
     * is followed by a non-ASCII character (señor); and after it comes ':', an apostrophe (patient's name), '.'; or
     * whitespace followed by whitespace, ':', anything but an ASCII lower-case letter (the name's
     * capital), or i, e (is, es, est, ist) or n (full name). Every match continues so: the label
     * ends at a word boundary followed by {@code \s{0,3}:} or {@code \s(?:is|es|est|ist)\s}, the
     * honorific by {@code \.?\s\p{Lu}}.
     */
    private static boolean labelEnd(CharSequence t, int i) {
        int n = t.length();
        int j = i;
        while (j < n && Starts.Ascii.isLetter(t.charAt(j))) {
            j++;
        }
        if (j >= n) {
            return false;
        }
        char c = t.charAt(j);
        if (c >= 128) {
            return true; // (señor, señora; or a word that goes on in letters the regex's \b counts as word characters)
        }
        if (!nameWord(t, i, j)) {
            return false; // every label and honorific begins with one of these words, followed by \b: the whole ASCII
            // word
        }
        if (c == ':' || c == '\'' || c == '.') {
            return true;
        }
        if (!spaceAt(t, j) || j + 1 >= n) {
            return false;
        }
        char d = t.charAt(j + 1);
        return !(d >= 'a' && d <= 'z') || d == 'i' || d == 'e' || d == 'n';
    }

    /**
     * The first words of {@link #personName()}'s labels and honorifics (the ones in ASCII letters; señor and
     * señora are let through by {@link #labelEnd}), by length.
     */
    private static final String[][] NAME_WORDS = byLength(
            "patient",
            "name",
            "full",
            "first",
            "last",
            "family",
            "given",
            "surname",
            "client",
            "nom",
            "nombre",
            "paciente",
            "patientin",
            "patiente",
            "mr",
            "mrs",
            "ms",
            "miss",
            "dr",
            "prof",
            "herr",
            "frau",
            "sr",
            "sra",
            "mme",
            "mlle",
            "madame",
            "monsieur",
            "mademoiselle");

    private static String[][] byLength(String... words) {
        int longest = 0;
        for (String w : words) {
            longest = Math.max(longest, w.length());
        }
        String[][] by = new String[longest + 1][];
        for (int l = 0; l <= longest; l++) {
            final int length = l;
            by[l] = java.util.Arrays.stream(words)
                    .filter(w -> w.length() == length)
                    .toArray(String[]::new);
        }
        return by;
    }

    /** Whether {@code t[i, j)} (ASCII letters) is one of {@link #NAME_WORDS}, in any case. */
    private static boolean nameWord(CharSequence t, int i, int j) {
        int length = j - i;
        if (length >= NAME_WORDS.length) {
            return false;
        }
        for (String w : NAME_WORDS[length]) {
            if (regionEqualsIgnoreCase(t, i, w)) {
                return true;
            }
        }
        return false;
    }

    private static final String[] SPANISH_STREETS = {"Calle", "C/", "Avenida", "Avda.", "Paseo", "Plaza", "Carrer"};

    /** A digit; or Calle, C/, Avenida, Avda., Paseo, Plaza, Carrer; or a word of lower-case letters followed by (".") whitespace and a digit. */
    private static boolean europeanStreetStart(CharSequence t, int i) {
        char c = t.charAt(i);
        if (c >= '0' && c <= '9') {
            // \b\d{1,4},?\s(?:rue|avenue|...)\s: after the digits (all of the run: a digit is no ',' or \s) an optional
            // comma, one whitespace character and a French street type
            int j = i + 1;
            while (digitAt(t, j)) {
                j++;
            }
            if (charAt(t, j, ',')) {
                j++;
            }
            if (!spaceAt(t, j) || j + 1 >= t.length() || "rabpci".indexOf(t.charAt(j + 1)) < 0) {
                return false;
            }
            for (String type : FRENCH_STREETS) {
                if (regionEquals(t, j + 1, type)) {
                    return true;
                }
            }
            return false;
        }
        char second = i + 1 < t.length() ? t.charAt(i + 1) : 0;
        if ((c == 'C' && (second == 'a' || second == '/'))
                || (c == 'A' && second == 'v')
                || (c == 'P' && (second == 'a' || second == 'l'))) {
            for (String s : SPANISH_STREETS) {
                if (regionEquals(t, i, s)) {
                    return true;
                }
            }
        }
        int j = i + 1;
        int n = t.length();
        while (j < n) {
            char x = t.charAt(j);
            if (!((x >= 'a' && x <= 'z') || x == '\u00e4' || x == '\u00f6' || x == '\u00fc' || x == '\u00df')) {
                break;
            }
            j++;
        }
        // the German alternative: the run of lower-case letters ends with a street suffix (after at least one letter,
        // and at most 30 before it), then '.' for "str.", whitespace and a digit
        boolean dot = charAt(t, j, '.');
        if (!(spaceAt(t, dot ? j + 1 : j) && digitAt(t, (dot ? j + 1 : j) + 1))) {
            return false;
        }
        for (String suffix : dot ? GERMAN_ABBREVIATED : GERMAN_STREETS) {
            int before = j - (i + 1) - suffix.length();
            if (before >= 1 && before <= 30 && regionEquals(t, j - suffix.length(), suffix)) {
                return true;
            }
        }
        return false;
    }

    /** The street suffixes of the German alternative of {@link #streetAddressEu()} ("str." is "str" and a '.'). */
    private static final String[] GERMAN_STREETS = {
        "stra\u00dfe", "strasse", "weg", "platz", "gasse", "allee", "ring", "damm"
    };

    private static final String[] GERMAN_ABBREVIATED = {"str"};

    private static boolean regionEquals(CharSequence t, int i, String s) {
        if (i + s.length() > t.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (t.charAt(i + k) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A word of a name: a capital (and an apostrophe and a capital: "O'Neil", "O'BRIEN"), then lower-case letters
     * (with {@code ' ’ -}) and up to two more such parts that begin with a capital ("McDonald", "Smith-Jones"), or more
     * capitals ("WHITFIELD", as records print names).
     */
    private static final String NAME_WORD =
            "\\p{Lu}(?:['’]\\p{Lu})?(?:[\\p{Ll}'’-]{1,30}(?:\\p{Lu}[\\p{Ll}'’-]{1,30}){0,2}|[\\p{Lu}'’-]{1,30})";
    /** How far a line is read for the colon of a label ({@link #NAME_WRAP}). */
    private static final int LABEL_LINE = 40;

    /**
     * A name wrapped after its first word (a comma may end that word): a line break, a next line that is no label (no
     * colon in its first {@value #LABEL_LINE} characters), one more word that no capitalised word follows on its line
     * ("Patient: Margaret⏎Whitfield, DOB …", "Dr. Alan⏎Whitfield for follow-up"; not "First Name: Margaret⏎Last Name:
     * …", "Dear Dr. Whitfield⏎Thank You …", nor a heading after a whole name).
     */
    private static final String NAME_WRAP =
            ",?(?:\\r\\n?|\\n)(?![^\\r\\n:]{0," + LABEL_LINE + "}:)(?>" + NAME_WORD + ")(?![ \\t]+\\p{Lu})";

    /** Up to four words, the first may be followed by a comma ("WHITFIELD, MARGARET"). */
    private static final String NAME =
            "(?>" + NAME_WORD + ")(?:" + NAME_WRAP + "|(?:,[ \\t]" + NAME_WORD + ")?(?:[ \\t]" + NAME_WORD + "){0,3})";

    /**
     * The labels: those that name a person (a quote may open the name: a JSON member read as {@code patient:
     * "…"}), then the bare "name", "nom", "nombre", which in JSON name tools, files and products as often.
     */
    private static final String NAME_LABEL =
            "(?:(?i:\\b(?:patient(?:'s)? name|patient|(?:full |first |last |family |given |sur)name|client"
                    + "|paciente|patientin|patiente)\\b)(?:\\s{0,3}:\\s{0,3}\"?|\\s(?:is|es|est|ist)\\s)"
                    + "|(?i:\\b(?:name|nom|nombre)\\b)(?:\\s{0,3}:\\s{0,3}|\\s(?:is|es|est|ist)\\s))";

    private static final String HONORIFIC = "(?i:\\b(?:mr|mrs|ms|miss|dr|prof|herr|frau|señor|señora|sr|sra|mme|mlle"
            + "|madame|monsieur|mademoiselle)\\b)\\.?\\s(?:(?i:dr|prof|med)\\.?\\s){0,3}";
    private static final String PERSON_NAME = "(?:" + NAME_LABEL + "|" + HONORIFIC + ")(" + NAME + ")";
    /** {@link #PERSON_NAME} compiled, for the starts {@link #personNameAt} leaves to the pattern. */
    private static final java.util.regex.Pattern PERSON_NAME_PATTERN = java.util.regex.Pattern.compile(PERSON_NAME);

    static Recognizer personName() {
        return Recognizer.of(FindingTypes.PERSON_NAME, PERSON_NAME, 0, (t, s, m) -> {
                    int nameStart = m != null ? m.start(1) : s[4];
                    int nameEnd = m != null ? m.end(1) : s[5];
                    boolean colon = false;
                    for (int i = s[0]; i < nameStart; i++) {
                        if (t.charAt(i) == ':') {
                            colon = true;
                            break;
                        }
                    }
                    if (capitals(t, nameStart)) {
                        // "MR BRAIN", "MS FLARE", "Patient is NPO", "Name: TBD": abbreviations in records written in
                        // capitals. After an honorific a name in capitals needs its full stop ("MR. SMITH"); after a
                        // label, two words (given name and surname)
                        int honorific = honorificEnd(t, s[0]);
                        boolean quoted = nameStart > 0 && t.charAt(nameStart - 1) == '"';
                        if (honorific >= 0 ? !charAt(t, honorific, '.') : words(t, nameStart, nameEnd) < 2 && !quoted) {
                            // (a quoted value after a label that names a person is one, in capitals too: a FHIR
                            // family name converted from HL7 v2, "family name": "VRABEC")
                            return -1;
                        }
                    }
                    s[0] = nameStart;
                    s[1] = nameEnd;
                    return colon ? 0.85 : 0.7;
                })
                .onlyWith(
                        "patient",
                        "name",
                        "client",
                        "nom",
                        "paciente",
                        "mr",
                        "ms",
                        "miss",
                        "dr",
                        "prof",
                        "herr",
                        "frau",
                        "señor",
                        "señora",
                        "sr",
                        "mme",
                        "mlle",
                        "madame",
                        "monsieur",
                        "mademoiselle")
                .startingAt(Starts.of()
                        .prefixes(
                                true,
                                "patient",
                                "full",
                                "first",
                                "last",
                                "family",
                                "given",
                                "surname",
                                "name",
                                "client",
                                "nom",
                                "paciente",
                                "mr",
                                "ms",
                                "miss",
                                "dr",
                                "prof",
                                "herr",
                                "frau",
                                "se\u00f1or",
                                "sr",
                                "mme",
                                "mlle",
                                "madame",
                                "monsieur",
                                "mademoiselle")
                        .notAfter(W)
                        .check(PiiRecognizers::labelEnd))
                .withMatchAt(PiiRecognizers::personNameAt);
    }

    /** The label alternatives of {@link #personName()} in the order the regex tries them (its optional parts taken first). */
    private static final String[] NAME_LABELS = {
        "patient's name",
        "patient name",
        "patient",
        "full name",
        "first name",
        "last name",
        "family name",
        "given name",
        "surname",
        "client",
        "paciente",
        "patientin",
        "patiente",
        "name",
        "nom",
        "nombre"
    };
    /** The first {@link #NAME_LABELS} that name a person: a quote may open the name after them. */
    private static final int QUOTED_LABELS = 13;

    private static final String[] HONORIFICS = {
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "herr",
        "frau",
        "señor",
        "señora",
        "sr",
        "sra",
        "mme",
        "mlle",
        "madame",
        "monsieur",
        "mademoiselle"
    };
    /** The titles after an honorific, up to three ("Frau <b>Prof. Dr.</b> Schneider"), in the regex's order. */
    private static final String[] TITLES = {"dr", "prof", "med"};

    private static final String[] IS_WORDS = {"is", "es", "est", "ist"};

    /**
     * {@link #personName()}'s pattern at {@code i} ({@code lookingAt} with transparent bounds), by hand: the label or
     * honorific alternatives in the regex's order, each followed by a word boundary, its connector and the name
     * (greedy and last, so the first way it matches is the longest). A word boundary next to a character outside
     * ASCII is what JDK 17 and JDK 19 and later define differently ({@code \b} follows {@code \w} since 19): at such
     * a start the pattern itself decides, so the result is the running JDK's in every case.
     */
    static boolean personNameAt(CharSequence t, int i, int[] groups) {
        int n = t.length();
        if (i > 0) {
            char p = t.charAt(i - 1);
            if (p >= 128) {
                return personNameByPattern(t, i, groups);
            }
            if (asciiLetterOrDigit(p) || p == '_') {
                return false; // \b before a letter
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            String[] words = pass == 0 ? NAME_LABELS : HONORIFICS;
            for (int x = 0; x < words.length; x++) {
                String w = words[x];
                if (!regionEqualsIgnoreCase(t, i, w)) {
                    continue;
                }
                int e = i + w.length();
                if (e < n) {
                    char c = t.charAt(e);
                    if (c >= 128) {
                        return personNameByPattern(t, i, groups);
                    }
                    if (asciiLetterOrDigit(c) || c == '_') {
                        continue; // no \b after the word
                    }
                }
                int nameStart = pass == 0 ? labelConnector(t, e, x < QUOTED_LABELS) : honorificConnector(t, e);
                if (nameStart < 0) {
                    continue;
                }
                if (pass == 1) {
                    // up to three titles after the honorific ("Frau Prof. Dr.", "Herr Prof. Dr. med."), the most first
                    int first = title(t, nameStart);
                    int second = first < 0 ? -1 : title(t, first);
                    int third = second < 0 ? -1 : title(t, second);
                    for (int titled : new int[] {third, second, first}) {
                        int end = titled < 0 ? -1 : name(t, titled);
                        if (end >= 0) {
                            groups[0] = i;
                            groups[1] = end;
                            groups[2] = titled;
                            groups[3] = end;
                            return true;
                        }
                    }
                }
                int end = name(t, nameStart);
                if (end >= 0) {
                    groups[0] = i;
                    groups[1] = end;
                    groups[2] = nameStart;
                    groups[3] = end;
                    return true;
                }
                if (pass == 0) {
                    // the label's other connector (the one not taken) cannot start a name either: both are tried by
                    // labelConnector
                    int other = labelConnectorAfterIs(t, e);
                    if (other >= 0 && (end = name(t, other)) >= 0) {
                        groups[0] = i;
                        groups[1] = end;
                        groups[2] = other;
                        groups[3] = end;
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Where the name starts after a label's {@code \s{0,3}:\s{0,3}} (at most three whitespace characters, ':', then
     * the whitespace after it, at most three: greedy, and a name cannot start with whitespace); else where it starts
     * after {@code \s(?:is|es|est|ist)\s}; -1 if neither connector is there.
     */
    private static int labelConnector(CharSequence t, int e, boolean quote) {
        int n = t.length();
        int r = 0;
        while (r < 4 && e + r < n && spaceAt(t, e + r)) {
            r++;
        }
        if (r <= 3 && charAt(t, e + r, ':')) {
            int p = e + r + 1;
            int r2 = 0;
            while (r2 < 3 && spaceAt(t, p + r2)) {
                r2++;
            }
            // an opening quote after a label that names a person: a JSON member read as patient: "Eleanor Huxtable"
            return quote && charAt(t, p + r2, '"') ? p + r2 + 1 : p + r2;
        }
        return labelConnectorAfterIs(t, e);
    }

    /** Where the name starts after {@code \s(?:is|es|est|ist)\s} (lower case: the connector is outside {@code (?i)}), or -1. */
    private static int labelConnectorAfterIs(CharSequence t, int e) {
        if (!spaceAt(t, e)) {
            return -1;
        }
        for (String w : IS_WORDS) {
            if (regionEquals(t, e + 1, w) && spaceAt(t, e + 1 + w.length())) {
                return e + 2 + w.length();
            }
        }
        return -1;
    }

    /** Where the name starts after an honorific's {@code \.?\s}, or -1. */
    private static int honorificConnector(CharSequence t, int e) {
        if (charAt(t, e, '.') && spaceAt(t, e + 1)) {
            return e + 2;
        }
        return spaceAt(t, e) ? e + 1 : -1;
    }

    /** How many words {@code [from, to)} holds (separated by white space or a comma). */
    private static int words(CharSequence t, int from, int to) {
        int count = 0;
        boolean in = false;
        for (int i = from; i < to; i++) {
            boolean gap = spaceAt(t, i) || t.charAt(i) == ',';
            if (!gap && !in) {
                count++;
            }
            in = !gap;
        }
        return count;
    }

    /** Whether the word at {@code q} is written in capitals (its second character is a capital letter). */
    private static boolean capitals(CharSequence t, int q) {
        int first = Character.codePointAt(t, q);
        int second = q + Character.charCount(first);
        return second < t.length() && Character.getType(Character.codePointAt(t, second)) == Character.UPPERCASE_LETTER;
    }

    /** The end of the honorific the match at {@code start} begins with, or -1 if it begins with a label. */
    private static int honorificEnd(CharSequence t, int start) {
        int j = start;
        while (j < t.length() && Character.isLetter(t.charAt(j))) {
            j++;
        }
        for (String h : HONORIFICS) {
            if (j - start == h.length() && regionEqualsIgnoreCase(t, start, h)) {
                return j;
            }
        }
        return -1;
    }

    /** Where the name starts after a title ({@code (?i:dr|prof|med)\\.?\\s}) at {@code q}, or -1. */
    private static int title(CharSequence t, int q) {
        for (String w : TITLES) {
            if (regionEqualsIgnoreCase(t, q, w)) {
                int e = q + w.length();
                if (charAt(t, e, '.') && spaceAt(t, e + 1)) {
                    return e + 2;
                }
                if (spaceAt(t, e)) {
                    return e + 1;
                }
            }
        }
        return -1;
    }

    /** {@link #NAME} at {@code q} (by code points, greedy): its end, or -1. */
    private static int name(CharSequence t, int q) {
        int p = nameWord(t, q);
        if (p < 0) {
            return -1;
        }
        // wrapped after the first word (the regex's first alternative)
        int wrap = lineWrap(t, charAt(t, p, ',') ? p + 1 : p);
        if (wrap >= 0) {
            int end = nameWord(t, wrap);
            if (end >= 0 && !blanksThenCapital(t, end)) {
                return end;
            }
        }
        if (charAt(t, p, ',') && blankAt(t, p + 1)) {
            int next = nameWord(t, p + 2);
            if (next >= 0) {
                p = next;
            }
        }
        for (int w = 0; w < 3 && blankAt(t, p); w++) {
            int next = nameWord(t, p + 1);
            if (next < 0) {
                break;
            }
            p = next;
        }
        return p;
    }

    /** {@link #NAME_WORD} at {@code q} (by code points, greedy, the regex's first way): its end, or -1. */
    private static int nameWord(CharSequence t, int q) {
        int n = t.length();
        if (q >= n) {
            return -1;
        }
        int cp = Character.codePointAt(t, q);
        if (Character.getType(cp) != Character.UPPERCASE_LETTER) {
            return -1;
        }
        int p = q + Character.charCount(cp);
        if (p + 1 < n && (t.charAt(p) == '\'' || t.charAt(p) == '\u2019')) {
            // an apostrophe and a capital (O'Brien, O'BRIEN, D'Arcy), if the rest of a word follows
            int c = Character.codePointAt(t, p + 1);
            if (Character.getType(c) == Character.UPPERCASE_LETTER) {
                int rest = wordRest(t, p + 1 + Character.charCount(c));
                if (rest >= 0) {
                    return rest;
                }
            }
        }
        return wordRest(t, p);
    }

    /** The rest of {@link #NAME_WORD} after its first capital (and the apostrophe part): its end, or -1. */
    private static int wordRest(CharSequence t, int p) {
        int n = t.length();
        if (p < n && lowerPart(Character.codePointAt(t, p))) {
            p = run(t, p, false);
            for (int g = 0; g < 2 && p < n; g++) {
                int c = Character.codePointAt(t, p);
                int after = p + Character.charCount(c);
                if (Character.getType(c) != Character.UPPERCASE_LETTER
                        || after >= n
                        || !lowerPart(Character.codePointAt(t, after))) {
                    break;
                }
                p = run(t, after, false);
            }
            return p;
        }
        if (p < n && Character.getType(Character.codePointAt(t, p)) == Character.UPPERCASE_LETTER) {
            return run(t, p, true);
        }
        return -1;
    }

    /** A lower-case letter, an apostrophe or a hyphen: {@code [\\p{Ll}'’-]}. */
    private static boolean lowerPart(int c) {
        return Character.getType(c) == Character.LOWERCASE_LETTER || c == '\'' || c == '\u2019' || c == '-';
    }

    /** The end of up to 30 code points from {@code p} of {@code [\\p{Ll}'’-]} (or {@code [\\p{Lu}'’-]} if {@code upper}). */
    private static int run(CharSequence t, int p, boolean upper) {
        int n = t.length();
        int k = 0;
        while (k < 30 && p < n) {
            int c = Character.codePointAt(t, p);
            boolean part = upper
                    ? Character.getType(c) == Character.UPPERCASE_LETTER || c == '\'' || c == '\u2019' || c == '-'
                    : lowerPart(c);
            if (!part) {
                break;
            }
            p += Character.charCount(c);
            k++;
        }
        return p;
    }

    /** The pattern's own answer at {@code i} (next to characters outside ASCII). */
    private static boolean personNameByPattern(CharSequence t, int i, int[] groups) {
        java.util.regex.Matcher m = PERSON_NAME_PATTERN.matcher(t);
        m.useTransparentBounds(true);
        m.useAnchoringBounds(false);
        m.region(i, t.length());
        if (!m.lookingAt()) {
            return false;
        }
        groups[0] = m.start();
        groups[1] = m.end();
        groups[2] = m.start(1);
        groups[3] = m.end(1);
        return true;
    }
}
