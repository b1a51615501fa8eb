package dev.llmgate.policy.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written linear scans that replace patterns whose backtracking grew with the input
 * (private-key blocks, magnetic-stripe data, the overlap resolution of findings) give exactly what
 * the patterns' {@code find()} loops (and the old quadratic resolution) give, on generated texts
 * built from the patterns' own pieces; and they do it in linear work, counted.
 */
class LinearFindersTest {

    /** The pattern's find() loop: {start, end} per match. */
    static List<List<Integer>> reference(Pattern p, String text) {
        List<List<Integer>> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(List.of(m.start(), m.end()));
        }
        return out;
    }

    static List<List<Integer>> found(Recognizer.Finder f, String text) {
        List<List<Integer>> out = new ArrayList<>();
        f.findAll(MeteredText.unlimited(text), (s, e) -> out.add(List.of(s, e)));
        return out;
    }

    static String splice(Random random, String[] pieces, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    @Test
    void privateKeyBlocksAsThePatternFindsThem() {
        Pattern pattern = Pattern.compile(PemBlockFinder.PATTERN);
        PemBlockFinder finder = new PemBlockFinder();
        String[] pieces = {
            "-----BEGIN ",
            "-----END ",
            "PRIVATE KEY",
            "PRIVATE ",
            " BLOCK",
            "-----",
            "RSA ",
            "EC ",
            "ENCRYPTED ",
            "A1 ",
            "ABCDEFGHIJK ",
            "ABCDEFGHIJ ",
            "KEY",
            "\n",
            "MIIBVgIBADANBg",
            "kqhkiG9w0BAQEFAASC",
            "==",
            " ",
            "\t",
            "x",
            "-",
            "%",
            "\uD83D\uDE00",
            "\u00e9",
            "\uD800",
            "PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----",
            "-----END PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----END EC PRIVATE KEY BLOCK-----",
            "-----BEGIN A B C D PRIVATE KEY-----",
            // retyped headers: any case, one to three spaces (and four, which no header has)
            "-----begin ",
            "-----End  ",
            "private  key",
            "Private Key",
            "rsa  ",
            "  ",
            "    ",
            "block",
            "-----BEGIN  rsa   PRIVATE  KEY-----",
            "-----end rsa private key-----"
        };
        Random random = new Random(11);
        int matches = 0;
        for (int k = 0; k < 20_000; k++) {
            String text = splice(random, pieces, 1 + random.nextInt(24));
            List<List<Integer>> expected = reference(pattern, text);
            assertThat(found(finder, text)).as("<%s>", text).isEqualTo(expected);
            matches += expected.size();
        }
        assertThat(matches).as("the texts hold keys").isGreaterThan(1_000);
    }

    /** Bodies around the 16,384 limit, counted in code points by the pattern: a surrogate pair is one step. */
    @Test
    void privateKeyBodiesAtTheLengthLimitCountCodePoints() {
        Pattern pattern = Pattern.compile(PemBlockFinder.PATTERN);
        PemBlockFinder finder = new PemBlockFinder();
        String begin = "-----BEGIN RSA PRIVATE KEY-----";
        String end = "-----END RSA PRIVATE KEY-----";
        int compared = 0;
        for (int chars : new int[] {16_382, 16_383, 16_384, 16_385, 16_386, 20_000, 32_768, 32_769, 40_000}) {
            for (int pairs : new int[] {0, 1, 2, 3, 5000, 16_384}) {
                if (2 * pairs > chars) {
                    continue;
                }
                String body = "\uD83D\uDE00".repeat(pairs) + "A".repeat(chars - 2 * pairs);
                for (String text : List.of(
                        begin + body + end,
                        begin + body + end + "\n" + begin + "QUJD",
                        "x" + begin + body + "-" + end,
                        begin + "A".repeat(chars) + "!")) {
                    assertThat(found(finder, text))
                            .as("%d chars, %d pairs", chars, pairs)
                            .isEqualTo(reference(pattern, text));
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(100);
    }

    @Test
    void magneticStripeDataAsThePatternFindsIt() {
        Pattern pattern = Pattern.compile(TrackDataFinder.PATTERN);
        TrackDataFinder finder = new TrackDataFinder();
        String[] pieces = {
            "%",
            "B",
            ";",
            "^",
            "=",
            "?",
            "DOE/JOHN",
            "O'BRIEN/SEAN",
            "SMITH-JONES,MARY",
            "D",
            "A",
            "AB",
            " ",
            "x",
            "0",
            "12",
            "4111",
            "1111111",
            "4111111111111",
            "41111111111111111",
            "4111111111111111111",
            "41111111111111111111",
            "25121010000000000000",
            "1234567",
            "1234567890123456789012345678901234567890",
            "12345678901234567890123456789012345678901",
            ".",
            "/",
            "\uD83D\uDE00"
        };
        Random random = new Random(13);
        int matches = 0;
        for (int k = 0; k < 40_000; k++) {
            String text = splice(random, pieces, 1 + random.nextInt(14));
            List<List<Integer>> expected = reference(pattern, text);
            assertThat(found(finder, text)).as("<%s>", text).isEqualTo(expected);
            matches += expected.size();
        }
        assertThat(matches).as("the texts hold track data").isGreaterThan(1_000);
    }

    /**
     * The resolution of overlaps by comparing each finding with every kept one: the reference. A dropped
     * finding is kept after all when every kept finding it overlaps nests with it and is of another type.
     */
    static List<Finding> quadraticResolution(List<Finding> findings) {
        if (findings.size() < 2) {
            return findings;
        }
        List<Finding> byStrength = new ArrayList<>(findings);
        byStrength.sort((a, b) -> {
            int c = Double.compare(b.confidence(), a.confidence());
            if (c != 0) {
                return c;
            }
            c = Integer.compare(b.length(), a.length());
            return c != 0 ? c : Integer.compare(a.start(), b.start());
        });
        List<Finding> kept = new ArrayList<>();
        for (Finding f : byStrength) {
            if (kept.stream().noneMatch(k -> k.overlaps(f))) {
                kept.add(f);
            }
        }
        List<Finding> nested = new ArrayList<>();
        for (Finding f : findings) {
            if (kept.stream().anyMatch(k -> k == f)) {
                continue;
            }
            List<Finding> overlapping = kept.stream().filter(k -> k.overlaps(f)).toList();
            boolean nests = overlapping.stream()
                    .allMatch(k -> !k.type().equals(f.type())
                            && ((k.start() <= f.start() && f.end() <= k.end())
                                    || (f.start() <= k.start() && k.end() <= f.end())));
            if (!overlapping.isEmpty() && nests) {
                nested.add(f);
            }
        }
        kept.addAll(nested);
        kept.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return kept;
    }

    @Test
    void overlapResolutionKeepsWhatComparingEveryPairKept() {
        Random random = new Random(17);
        for (int k = 0; k < 20_000; k++) {
            List<Finding> findings = new ArrayList<>();
            int span = 1 + random.nextInt(random.nextBoolean() ? 60 : 400);
            for (int i = 0, count = random.nextInt(random.nextBoolean() ? 25 : 120); i < count; i++) {
                int start = random.nextInt(span);
                int length = random.nextInt(5) == 0 ? 0 : random.nextInt(random.nextInt(8) == 0 ? 150 : 12);
                findings.add(new Finding("T" + random.nextInt(3), start, start + length, random.nextInt(4) / 4.0, "d"));
            }
            assertThat(Recognizer.resolveOverlaps(findings))
                    .as("%s", findings)
                    .isEqualTo(quadraticResolution(findings));
        }
        // findings side by side (one recognizer's), some of length zero at their neighbours' edges, in any order
        for (int k = 0; k < 5_000; k++) {
            List<Finding> findings = new ArrayList<>();
            int at = 0;
            for (int i = 0, count = 2 + random.nextInt(80); i < count; i++) {
                at += random.nextInt(3);
                int length = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(6);
                findings.add(new Finding("T", at, at + length, random.nextInt(3) / 2.0, "d"));
                at += length;
            }
            java.util.Collections.shuffle(findings, random);
            assertThat(Recognizer.resolveOverlaps(findings))
                    .as("%s", findings)
                    .isEqualTo(quadraticResolution(findings));
        }
    }

    /** The hand-written e-mail match at a start agrees with the pattern's {@code lookingAt} (transparent bounds) everywhere. */
    @Test
    void emailMatchesWhereThePatternMatches() {
        Pattern email = PiiRecognizers.email().pattern();
        String[] pieces = {
            "a",
            "ab",
            "A1",
            "x",
            "@",
            ".",
            "-",
            "_",
            "%",
            "+",
            "xn--",
            "xn--p1ai",
            "com",
            "co",
            "c",
            "example",
            "1",
            "42",
            "a".repeat(63),
            "b".repeat(64),
            "abcdefghijklmnopqrstuvwxyz",
            "q".repeat(25),
            " ",
            ",",
            "\u00e9",
            "\uD83D\uDE00",
            "j.doe@",
            "mail.example.org",
            "@@",
            "..",
            "a@b.co",
            "@mail.",
            ".com",
            "x@y.",
            "@xn--p1ai",
            "@a.b.c.d.e.f.g.h.i.jk",
            "john.doe@example.com"
        };
        Random random = new Random(47);
        int matches = 0;
        int[] groups = new int[4];
        for (int k = 0; k < 30_000; k++) {
            String text = splice(random, pieces, 1 + random.nextInt(16));
            Matcher m = email.matcher(text);
            m.useTransparentBounds(true);
            m.useAnchoringBounds(false);
            for (int i = 0; i < text.length(); i++) {
                m.region(i, text.length());
                boolean expected = m.lookingAt();
                assertThat(PiiRecognizers.emailAt(text, i, groups))
                        .as("at %d of <%s>", i, text)
                        .isEqualTo(expected);
                if (expected) {
                    matches++;
                    assertThat(groups[1]).as("end at %d of <%s>", i, text).isEqualTo(m.end());
                }
            }
        }
        assertThat(matches).isGreaterThan(5_000);
    }

    /**
     * The hand-written person-name match at a start agrees with the pattern's {@code lookingAt} (transparent bounds)
     * everywhere, the name's span included: labels and honorifics in every case, connectors, names with apostrophes,
     * hyphens, letters outside the BMP, runs longer than 30, and characters outside ASCII around the words (where the
     * JDK's definition of a word boundary decides: run on JDK 17 and 25).
     */
    @Test
    void personNamesMatchWhereThePatternMatches() {
        Pattern name = PiiRecognizers.personName().pattern();
        String[] pieces = {
            "Patient",
            "patient's name",
            "PATIENT NAME",
            "patient name",
            "Full name",
            "first name",
            "surname",
            "Name",
            "client",
            "nom",
            "Nombre",
            "paciente",
            "patientin",
            "Patiente",
            "Mr",
            "MRS",
            "ms",
            "Miss",
            "Dr",
            "prof",
            "Herr",
            "frau",
            "Se\u00f1or",
            "SE\u00d1OR",
            "se\u00f1ora",
            "sr",
            "Sra",
            "Mme",
            "mlle",
            ":",
            " : ",
            "   :   ",
            "    :",
            " is ",
            " es ",
            " est ",
            " ist ",
            " Is ",
            ".",
            " ",
            "  ",
            "\t",
            "\n",
            "John",
            "Smith",
            "O'Neil",
            "Anne-Marie",
            "D\u2019Arcy",
            "john",
            "JOHN",
            "\u00c9mile",
            "\uD835\uDC00bc",
            "A\uD835\uDC1Ac",
            "X" + "y".repeat(35),
            "_",
            "1",
            "\u00e9",
            "\u0301",
            "x",
            ",",
            "\uD800",
            "Mr John",
            "Dr. Ann Lee",
            "Patient: John Smith",
            "name is Bob",
            "Nombre: Ana",
            "Mrs. Jo Ann Mary Sue Lee",
            "McDonald",
            "Smith-Jones",
            "WHITFIELD",
            "O'NEIL",
            "JOhn",
            "MacA",
            "Madame",
            "monsieur",
            "Frau Dr. Schneider",
            "Mrs. Dr. lee",
            "Herr Prof",
            "dr.",
            "PROF ",
            "WHITFIELD, MARGARET",
            ", ",
            ",",
            "\"",
            ": \"",
            "name: \"Eleanor Huxtable\"",
            "patient: \"",
            "O'BRIEN",
            "D\u2019A",
            "'",
            "Frau Prof. Dr. Schneider",
            "Herr Dr. med. M\u00fcller",
            "med. ",
            "Nom"
        };
        Random random = new Random(59);
        int matches = 0;
        int[] groups = new int[4];
        for (int k = 0; k < 40_000; k++) {
            String text = splice(random, pieces, 1 + random.nextInt(10));
            Matcher m = name.matcher(text);
            m.useTransparentBounds(true);
            m.useAnchoringBounds(false);
            for (int i = 0; i < text.length(); i++) {
                m.region(i, text.length());
                boolean expected = m.lookingAt();
                assertThat(PiiRecognizers.personNameAt(text, i, groups))
                        .as("at %d of <%s>", i, text)
                        .isEqualTo(expected);
                if (expected) {
                    matches++;
                    assertThat(List.of(groups[0], groups[1], groups[2], groups[3]))
                            .as("spans at %d of <%s>", i, text)
                            .isEqualTo(List.of(m.start(), m.end(), m.start(1), m.end(1)));
                }
            }
        }
        assertThat(matches).isGreaterThan(5_000);
    }
}
