package dev.llmgate.policy.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The card scanner against a brute-force reference of its rule (every group-aligned sub-run of a
 * run, checked from scratch), on random runs built from card numbers, their prefixes and noise; and
 * the work on a long run of one-digit groups staying a bounded number of steps per group.
 */
class CardNumbersTest {
    private static final String[] CARDS = {
        "4111111111111111",
        "5500000000000004",
        "378282246310005",
        "6011111111111117",
        "30569309025904",
        "4222222222222",
        "3530111333300000",
        "4111111111111111110"
    };

    record Hit(int start, int end, double score) {}

    static List<Hit> scan(String text) {
        List<Hit> out = new ArrayList<>();
        CardNumbers.scan(text, null, 0, (s, e, score) -> out.add(new Hit(s, e, score)));
        return out;
    }

    /** The rule, stated naively: whole run first, else left to right the longest printed sub-run that is a card. */
    static List<Hit> reference(String text) {
        List<Hit> out = new ArrayList<>();
        // the runs: groups of digits separated by single spaces (the generator only makes those)
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (!Character.isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            List<int[]> groups = new ArrayList<>();
            while (i < n && Character.isDigit(text.charAt(i))) {
                int s = i;
                while (i < n && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                groups.add(new int[] {s, i});
                if (i + 1 < n && text.charAt(i) == ' ' && Character.isDigit(text.charAt(i + 1))) {
                    i++;
                }
            }
            out.addAll(referenceRun(text, groups));
        }
        return out;
    }

    static List<Hit> referenceRun(String t, List<int[]> groups) {
        int g = groups.size();
        String all = digits(t, groups, 0, g - 1);
        if (all.length() >= 12 && all.length() <= 19 && Checksums.paymentCard(all)) {
            return List.of(new Hit(
                    groups.get(0)[0],
                    groups.get(g - 1)[1],
                    printed(groups, 0, g - 1) ? CardNumbers.PRINTED : CardNumbers.ANY_GROUPING));
        }
        List<Hit> out = new ArrayList<>();
        int a = 0;
        while (a < g) {
            int best = -1;
            for (int b = a; b < g; b++) {
                String d = digits(t, groups, a, b);
                if (d.length() > 19) {
                    break;
                }
                if (d.length() >= 12 && (a > 0 || b < g - 1) && printed(groups, a, b) && Checksums.paymentCard(d)) {
                    best = b;
                }
            }
            if (best >= 0) {
                out.add(new Hit(groups.get(a)[0], groups.get(best)[1], CardNumbers.PRINTED));
                a = best + 1;
            } else {
                a++;
            }
        }
        // no card in the run: the whole run, printed and Luhn-valid, is one of an unknown issuer
        if (out.isEmpty()
                && all.length() >= 12
                && all.length() <= 19
                && Checksums.luhn(all)
                && !Checksums.allSame(all)
                && printed(groups, 0, g - 1)) {
            return List.of(new Hit(groups.get(0)[0], groups.get(g - 1)[1], CardNumbers.UNKNOWN_ISSUER));
        }
        return out;
    }

    static boolean printed(List<int[]> groups, int a, int b) {
        int[] len = new int[b - a + 1];
        for (int k = a; k <= b; k++) {
            len[k - a] = groups.get(k)[1] - groups.get(k)[0];
        }
        if (len.length == 1) {
            return true;
        }
        if (len.length == 3 && len[0] == 4 && len[1] == 6 && (len[2] == 4 || len[2] == 5)) {
            return true;
        }
        boolean equal = len[0] >= 2;
        boolean fours = true;
        for (int k = 0; k < len.length; k++) {
            equal &= len[k] == len[0];
            if (k < len.length - 1) {
                fours &= len[k] == 4;
            }
        }
        return equal || (fours && len[len.length - 1] <= 4);
    }

    static String digits(String t, List<int[]> groups, int a, int b) {
        StringBuilder sb = new StringBuilder();
        for (int k = a; k <= b; k++) {
            sb.append(t, groups.get(k)[0], groups.get(k)[1]);
        }
        return sb.toString();
    }

    @Test
    void findsWhatTheNaiveRuleFindsOnRandomRuns() {
        Random random = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder digits = new StringBuilder();
            int pieces = 1 + random.nextInt(4);
            for (int p = 0; p < pieces; p++) {
                String card = CARDS[random.nextInt(CARDS.length)];
                switch (random.nextInt(4)) {
                    case 0 -> digits.append(card);
                    case 1 -> digits.append(card, 0, 1 + random.nextInt(card.length()));
                    case 2 -> digits.append(random.nextInt(1000));
                    default -> digits.append(card, random.nextInt(4), card.length());
                }
            }
            // cut into groups: printed groupings most of the time, random ones otherwise
            StringBuilder text = new StringBuilder("x ");
            int i = 0;
            int style = random.nextInt(4);
            while (i < digits.length()) {
                int len = switch (style) {
                    case 0 -> 4;
                    case 1 -> 1 + random.nextInt(6);
                    case 2 -> new int[] {4, 6, 5}[Math.min(2, text.length() / 7)];
                    default -> 2 + random.nextInt(2);
                };
                int end = Math.min(digits.length(), i + len);
                if (i > 0) {
                    text.append(' ');
                }
                text.append(digits, i, end);
                i = end;
            }
            text.append(" y");
            String s = text.toString();
            assertThat(scan(s)).as(s).isEqualTo(reference(s));
        }
    }

    @Test
    void aLongRunOfOneDigitGroupsFindsNothingAndIsReadOnce() {
        String ones = "1 ".repeat(100_000);
        assertThat(scan(ones)).isEmpty();
        String mixed = "1234 ".repeat(50_000) + "4111 1111 1111 1111";
        assertThat(scan(mixed)).isNotEmpty();
    }
}
