package dev.llmgate.policy.detect.internal;

import java.util.HashMap;
import java.util.Map;

/** Check-digit validations used to confirm pattern matches. Inputs are digit strings (separators already removed). */
public final class Checksums {
    private Checksums() {}

    /** The digits of {@code s} (other characters dropped). */
    public static String digits(CharSequence s, int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Luhn (mod 10) over all digits, the last being the check digit. */
    public static boolean luhn(CharSequence digits) {
        int sum = 0;
        boolean dbl = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return digits.length() > 1 && sum % 10 == 0;
    }

    /** A payment card: 12 to 19 digits, Luhn-valid, with a known issuer identification number range and length. */
    public static boolean paymentCard(String d) {
        int n = d.length();
        if (n < 12 || n > 19 || !luhn(d) || allSame(d)) {
            return false;
        }
        int p1 = d.charAt(0) - '0';
        int p2 = Integer.parseInt(d.substring(0, 2));
        int p3 = Integer.parseInt(d.substring(0, 3));
        int p4 = Integer.parseInt(d.substring(0, 4));
        int p6 = n >= 6 ? Integer.parseInt(d.substring(0, 6)) : 0;
        if (p1 == 4) {
            return n == 13 || n == 16 || n == 19; // Visa
        }
        if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) {
            return n == 16; // Mastercard
        }
        if (p2 == 34 || p2 == 37) {
            return n == 15; // American Express
        }
        if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925)) {
            return n >= 16; // Discover
        }
        if ((p3 >= 300 && p3 <= 305) || p3 == 309 || p2 == 36 || p2 == 38 || p2 == 39) {
            return n >= 14; // Diners Club
        }
        if (p4 >= 3528 && p4 <= 3589) {
            return n >= 16; // JCB
        }
        if (p2 == 62) {
            return n >= 16; // UnionPay
        }
        if (p2 == 50 || (p2 >= 56 && p2 <= 69)) {
            return n >= 12; // Maestro
        }
        if (p4 == 2014 || p4 == 2149) {
            return n == 15; // Diners Club enRoute
        }
        if (p4 == 2131 || p4 == 1800) {
            return n == 15; // JCB (15-digit ranges)
        }
        if (p4 >= 2200 && p4 <= 2204) {
            return n >= 16; // Mir
        }
        if (p4 == 2205) {
            return n == 16; // BORICA
        }
        if (p4 == 1946) {
            return n == 16 || n == 18 || n == 19; // GPN
        }
        if (p2 == 31) {
            return n == 19; // China T-Union
        }
        if (p2 == 81 || p2 == 82) {
            return n == 16; // RuPay
        }
        if (p4 == 8600 || p4 == 9860 || p4 == 9792) {
            return n == 16; // UzCard, Humo, Troy
        }
        if (p1 == 1) {
            return n == 15; // UATP
        }
        return false;
    }

    /** US SSN rules: area not 000, 666 or 900-999; group not 00; serial not 0000; not a known advertising number. */
    public static boolean ssn(String d) {
        if (d.length() != 9 || allSame(d)) {
            return false;
        }
        int area = Integer.parseInt(d.substring(0, 3));
        int group = Integer.parseInt(d.substring(3, 5));
        int serial = Integer.parseInt(d.substring(5));
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return false;
        }
        return !d.equals("078051120") && !d.equals("219099999") && !d.equals("123456789");
    }

    /** US ITIN: 9 digits starting with 9, group 50-65, 70-88, 90-92 or 94-99. */
    public static boolean itin(String d) {
        if (d.length() != 9 || d.charAt(0) != '9') {
            return false;
        }
        int g = Integer.parseInt(d.substring(3, 5));
        return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || (g >= 94 && g <= 99);
    }

    /** US NPI: 10 digits starting with 1 or 2; Luhn over the prefix 80840 and the 10 digits. */
    public static boolean npi(String d) {
        if (d.length() != 10 || (d.charAt(0) != '1' && d.charAt(0) != '2') || allSame(d.substring(1, 9))) {
            return false;
        }
        return luhn("80840" + d);
    }

    /** US DEA registration: 2 letters and 7 digits; (d1+d3+d5) + 2(d2+d4+d6) ends in d7. */
    public static boolean dea(CharSequence s) {
        if (s.length() != 9) {
            return false;
        }
        char first = Character.toUpperCase(s.charAt(0));
        if ("ABCDEFGHJKLMPRSTUX".indexOf(first) < 0) {
            return false;
        }
        char second = Character.toUpperCase(s.charAt(1));
        if (!(second >= 'A' && second <= 'Z') && second != '9') {
            return false;
        }
        int[] n = new int[7];
        for (int i = 0; i < 7; i++) {
            char c = s.charAt(2 + i);
            if (c < '0' || c > '9') {
                return false;
            }
            n[i] = c - '0';
        }
        int sum = n[0] + n[2] + n[4] + 2 * (n[1] + n[3] + n[5]);
        return sum % 10 == n[6];
    }

    /**
     * The NHS number check (NHS Data Dictionary, "NHS Number"): ten digits; the first nine weighted 10 down to 2,
     * summed, 11 minus the sum modulo 11 is the tenth (11 reads as 0; 10 is never issued).
     */
    public static boolean nhs(String d) {
        if (d.length() != 10) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (d.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - sum % 11;
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == d.charAt(9) - '0';
    }

    /** ABA routing number: 9 digits, weights 3-7-1, sum divisible by 10. */
    public static boolean abaRouting(String d) {
        if (d.length() != 9 || allSame(d)) {
            return false;
        }
        int[] w = {3, 7, 1, 3, 7, 1, 3, 7, 1};
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += w[i] * (d.charAt(i) - '0');
        }
        int prefix = Integer.parseInt(d.substring(0, 2));
        boolean validPrefix =
                prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix == 80;
        return validPrefix && sum % 10 == 0;
    }

    private static final Map<String, Integer> IBAN_LENGTHS = new HashMap<>();

    static {
        String table =
                "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 "
                        + "ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 "
                        + "LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 "
                        + "RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30";
        for (String entry : table.split(" ", -1)) {
            IBAN_LENGTHS.put(entry.substring(0, 2), Integer.parseInt(entry.substring(2)));
        }
    }

    /** IBAN: the country's length and MOD-97 = 1 (ISO 13616). {@code iban} has no separators; letters in any case. */
    public static boolean iban(CharSequence iban) {
        int n = iban.length();
        if (n < 15 || n > 34) {
            return false;
        }
        String country = ("" + iban.charAt(0) + iban.charAt(1)).toUpperCase(java.util.Locale.ROOT);
        Integer expected = IBAN_LENGTHS.get(country);
        if (expected == null || expected != n) {
            return false;
        }
        int rem = 0;
        for (int k = 0; k < n; k++) {
            char c = Character.toUpperCase(iban.charAt((k + 4) % n));
            if (c >= '0' && c <= '9') {
                rem = (rem * 10 + (c - '0')) % 97;
            } else if (c >= 'A' && c <= 'Z') {
                rem = (rem * 100 + (c - 'A' + 10)) % 97;
            } else {
                return false;
            }
        }
        return rem == 1;
    }

    /** North American VIN (ISO 3779 with the check digit in position 9). */
    public static boolean vin(CharSequence v) {
        if (v.length() != 17) {
            return false;
        }
        int[] weights = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
        int sum = 0;
        boolean hasLetter = false;
        boolean hasDigit = false;
        for (int i = 0; i < 17; i++) {
            char c = Character.toUpperCase(v.charAt(i));
            int value;
            if (c >= '0' && c <= '9') {
                value = c - '0';
                hasDigit = true;
            } else if (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q') {
                value = vinLetterValue(c);
                hasLetter = true;
            } else {
                return false;
            }
            sum += value * weights[i];
        }
        int check = sum % 11;
        char expected = check == 10 ? 'X' : (char) ('0' + check);
        return hasLetter && hasDigit && Character.toUpperCase(v.charAt(8)) == expected;
    }

    private static int vinLetterValue(char c) {
        String[] groups = {"AJ", "BKS", "CLT", "DMU", "ENV", "FW", "GPX", "HY", "RZ"};
        for (int i = 0; i < groups.length; i++) {
            if (groups[i].indexOf(c) >= 0) {
                return i + 1;
            }
        }
        return 0;
    }

    /** True if every character is the same (e.g. 111111111), which real identifiers never are. */
    public static boolean allSame(CharSequence s) {
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) != s.charAt(0)) {
                return false;
            }
        }
        return true;
    }

    /** Shannon entropy in bits per character. */
    public static double entropy(CharSequence s, int start, int end) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double n = end - start;
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = c / n;
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        if (other > 0) {
            double p = other / n;
            h -= p * Math.log(p) / Math.log(2);
        }
        return h;
    }
}
