package dev.llmgate.policy.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The building blocks of the scan prefilters: the keyword pass, the run gates' configuration and the context-word starts. */
class ScanGateTest {

    @Test
    void keywordsMatchAsciiCaseInsensitivelyAndOtherCharactersExactly() {
        KeywordScan scan = new KeywordScan(List.of(
                new String[] {"patient"},
                new String[] {"s/n", "imei"},
                new String[] {"f\u00fchrerschein"},
                new String[] {"dl"},
                new String[] {"x"},
                new String[] {"\u00fcber"}));
        assertThat(scan.presentGroups("The PATIENT was seen")).isEqualTo(0b1);
        assertThat(scan.presentGroups("serial S/N 123")).isEqualTo(0b10);
        assertThat(scan.presentGroups("Imei")).isEqualTo(0b10);
        assertThat(scan.presentGroups("F\u00fcHRERSCHEIN")).isEqualTo(0b100);
        // (?i) without UNICODE_CASE does not fold non-ASCII letters, and neither does the keyword pass
        assertThat(scan.presentGroups("F\u00dcHRERSCHEIN")).isZero();
        // the Kelvin sign and dotted capital I lower-case to ASCII letters, but no ASCII-only (?i) pattern matches them
        assertThat(scan.presentGroups("\u0130MEI")).isZero();
        assertThat(scan.presentGroups("a DL at the end: dl")).isEqualTo(0b1000);
        assertThat(scan.presentGroups("xylophone")).isEqualTo(0b10000);
        assertThat(scan.presentGroups("\u00fcber alles")).isEqualTo(0b100000);
        assertThat(scan.presentGroups("")).isZero();
        assertThat(scan.presentGroups("d")).isZero();
    }

    @Test
    void bothKeywordSearchesAgreeWithARegionCompareOnTextWithCharactersOutsideLatin1() {
        // many keywords: the pair filter; few (the wanted subsets below): the search by each keyword's rarest
        // character.
        // '?' in the text and keywords with characters outside Latin-1 meet the ISO-8859-1 copy's '?' on both sides.
        String[] words = {
            "mrn",
            "chart",
            "patient",
            "s/n",
            "a?b",
            "\u0142\u00f3d\u017a",
            "x\u0142",
            "se\u00f1or",
            "aws_secret",
            "xox",
            "https://h",
            "dl",
            "zz"
        };
        List<String[]> groups = new ArrayList<>();
        for (String w : words) {
            groups.add(new String[] {w});
        }
        KeywordScan scan = new KeywordScan(groups);
        Random random = new Random(11L);
        String alphabet =
                "mrnMRNchartCHARTpatientPATIENT/sSnN?aAbB\u0142\u0141\u00f3\u017a\u00f1xXoOw_eEcC:htpsHTPS dlDLzZ\u00c9\u4e2d";
        for (int k = 0; k < 30_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, n = random.nextInt(40); i < n; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            long expected = 0;
            for (int g = 0; g < words.length; g++) {
                for (int at = 0; at + words[g].length() <= text.length(); at++) {
                    if (foldedAt(text, at, words[g])) {
                        expected |= 1L << g;
                        break;
                    }
                }
            }
            assertThat(scan.presentGroups(text)).as(text).isEqualTo(expected);
            long wanted = random.nextLong() & ((1L << words.length) - 1);
            assertThat(scan.presentGroups(text, wanted) & wanted).as(text).isEqualTo(expected & wanted);
            long few = (1L << random.nextInt(words.length)) | (1L << random.nextInt(words.length));
            assertThat(scan.presentGroups(text, few) & few).as(text).isEqualTo(expected & few);
        }
    }

    /** Whether {@code k} is at {@code i} of {@code text}, ASCII upper-case letters of the text folded to lower case. */
    private static boolean foldedAt(String text, int i, String k) {
        for (int j = 0; j < k.length(); j++) {
            char c = text.charAt(i + j);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + 32);
            }
            if (c != k.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void keywordsAgreeWithALowerCasedSearchOnAsciiText() {
        String[] words = {"mrn", "medical record", "chart", "patient", "member", "s/n", "dl", "licen", "acct", "group"};
        List<String[]> groups = new ArrayList<>();
        for (String w : words) {
            groups.add(new String[] {w});
        }
        KeywordScan scan = new KeywordScan(groups);
        Random random = new Random(3L);
        String alphabet = "mrnMRNedicalEDICAL chartCHART/sSnNdlDLgroupGROUP";
        for (int k = 0; k < 20_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, n = random.nextInt(30); i < n; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            long expected = 0;
            for (int g = 0; g < words.length; g++) {
                if (text.toLowerCase(Locale.ROOT).contains(words[g])) {
                    expected |= 1L << g;
                }
            }
            assertThat(scan.presentGroups(text)).as(text).isEqualTo(expected);
            // asking for some groups reports at least those of them that are present
            long wanted = random.nextLong();
            assertThat(scan.presentGroups(text, wanted) & wanted).as(text).isEqualTo(expected & wanted);
        }
    }

    @Test
    void keywordsMustBeLowerCase() {
        assertThatThrownBy(() -> new KeywordScan(List.<String[]>of(new String[] {"Patient"})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower case");
    }

    @Test
    void runGatesRejectMeaninglessConfiguration() {
        assertThatThrownBy(() -> Starts.of().letterRun("a", false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Starts.of().letterRun("\u00e9", false, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Starts.of().digitRun(0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Starts.of().digitRun(5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Starts.of().digitRun(1, 2, "\u00b7")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Starts.of().lettersAtMost(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Starts.of().lettersAtMost(16)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void contextStartsFindWhatFindFinds() {
        List<Pattern> contexts = new ArrayList<>();
        for (Recognizer r : PiiRecognizers.all()) {
            if (r.contextPattern() != null) {
                contexts.add(r.contextPattern());
            }
        }
        assertThat(contexts).hasSizeGreaterThan(10);
        List<ContextStarts> starts = new ArrayList<>();
        for (Pattern p : contexts) {
            starts.add(new ContextStarts(p));
        }
        String[] pieces = {
            "phone",
            "Tel",
            "DOB",
            "d.o.b",
            "born on",
            "zip code",
            "CA",
            "NY ",
            "ssn",
            "card",
            "passport",
            "ip",
            "routing",
            "VIN",
            "npi",
            "dea",
            " ",
            "  ",
            ",",
            ":",
            "-",
            "x",
            "1",
            "_",
            "\n",
            "\u00e9",
            "t\u00e9l\u00e9phone",
            "geboren",
            "n\u00e9e",
            // context words of names: the two-character gate (a pair of letters of one word, "i'm", "m'appelle")
            "Dear",
            "patient",
            "ich hei\u00dfe",
            "Gr\u00fc\u00dfe",
            "je m'appelle",
            "I'm",
            "sign\u00e9",
            "by",
            "hi"
        };
        Random random = new Random(11L);
        int found = 0;
        for (int k = 0; k < 20_000; k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = sb.toString();
            int from = random.nextInt(text.length() + 1);
            int to = from + random.nextInt(text.length() - from + 1);
            for (int c = 0; c < contexts.size(); c++) {
                Pattern p = contexts.get(c);
                Matcher plain = p.matcher(text);
                plain.useTransparentBounds(true);
                plain.region(from, to);
                boolean expected = plain.find();
                Matcher m = p.matcher(text);
                m.useTransparentBounds(true);
                assertThat(starts.get(c).find(text, m, from, to))
                        .as("%s in <%s>[%d, %d)", p, text, from, to)
                        .isEqualTo(expected);
                found += expected ? 1 : 0;
            }
        }
        assertThat(found).isGreaterThan(1_000);
    }
}
