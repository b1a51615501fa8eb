package dev.llmgate.policy.detect.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The eight-bytes-at-a-time loops against plain loops over the same bytes, on random texts of every
 * length from 0 to 80 (so every alignment of a run and of the partial last word is met).
 */
class AsciiLanesTest {

    private static final String ALPHABET = "aAbBfFgGzZ09 :?+/\\x.-\n";

    @Test
    void lowerCasingMatchesThePlainLoopAndRefusesBytesAboveAscii() {
        Random random = new Random(11L);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(80)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte)
                        (random.nextInt(10) == 0
                                ? random.nextInt(256)
                                : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String text = new String(b, StandardCharsets.ISO_8859_1);
            boolean ascii = text.chars().allMatch(c -> c < 0x80);
            byte[] lowered = b.clone();
            assertThat(AsciiLanes.lowerCaseAscii(lowered)).as(text).isEqualTo(ascii);
            if (!ascii) {
                continue;
            }
            assertThat(new String(lowered, StandardCharsets.ISO_8859_1)).isEqualTo(text.toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void lowerCasingReportsControlCharactersOtherThanALineBreakExactly() {
        Random random = new Random(15L);
        String alphabet = "aZ \n\t\r\u000b\u000c\u0000\u001f\u007f!~";
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            }
            if (random.nextInt(4) == 0 && b.length > 0) {
                b[random.nextInt(b.length)] = (byte) (0x80 + random.nextInt(128));
            }
            String text = new String(b, StandardCharsets.ISO_8859_1);
            boolean ascii = text.chars().allMatch(c -> c < 0x80);
            boolean control = text.chars().anyMatch(c -> c < 0x20 && c != '\n');
            byte[] lowered = b.clone();
            int flags = AsciiLanes.lowerCase(lowered);
            if (!ascii) {
                assertThat(flags & AsciiLanes.NOT_ASCII).as(text).isEqualTo(AsciiLanes.NOT_ASCII);
                continue;
            }
            assertThat(flags).as(text).isEqualTo(control ? AsciiLanes.CONTROL : 0);
            assertThat(new String(lowered, StandardCharsets.ISO_8859_1)).isEqualTo(text.toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void wordAndClassBytesMatchTheirDefinitionsForEveryAsciiByte() {
        Random random = new Random(16L);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[8];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) random.nextInt(128);
            }
            long lane = AsciiLanes.load(b, 0);
            int classes = random.nextInt(8);
            for (int i = 0; i < 8; i++) {
                char c = (char) b[i];
                boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                boolean in = ((classes & AsciiLanes.LOWER_CASE_LETTERS) != 0 && c >= 'a' && c <= 'z')
                        || ((classes & AsciiLanes.DIGITS) != 0 && c >= '0' && c <= '9')
                        || ((classes & AsciiLanes.SPACE) != 0 && c == ' ');
                long bit = 0x80L << (8 * i);
                assertThat((AsciiLanes.wordBytes(lane) & bit) != 0)
                        .as("%d", (int) c)
                        .isEqualTo(word);
                assertThat((AsciiLanes.classBytes(lane, classes) & bit) != 0)
                        .as("%d in %d", (int) c, classes)
                        .isEqualTo(in);
            }
        }
    }

    @Test
    void theRecognizerFeaturesOfBytesAreThoseOfTheCharacters() {
        Random random = new Random(17L);
        String alphabet = "a0 9@:.-,/\u00b0\u00c0\u00ff?\u00ad\u00ae\u00ba\u00b9\u00b0\u00c0";
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, n = random.nextInt(40); i < n; i++) {
                sb.append(random.nextInt(8) == 0 ? '\u4e00' : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = sb.toString();
            assertThat(Recognizer.features(Latin1Copy.of(text))).as(text).isEqualTo(Recognizer.features(text));
        }
    }

    @Test
    void asciiTextIsToldApartFromTheQuestionMarksOfItsLatin1Encoding() {
        Random random = new Random(18L);
        String[] pieces = {"a", "?", "??", " ", "\u00e9", "\u2019", "\ud83d\ude00", "\ud800", "\udc00", "Z", "\u007f"};
        for (int round = 0; round < 20_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, n = random.nextInt(30); i < n; i++) {
                sb.append(random.nextInt(3) == 0 ? pieces[random.nextInt(pieces.length)] : "x");
            }
            String text = sb.toString();
            boolean ascii = text.chars().allMatch(c -> c < 0x80);
            assertThat(AsciiLanes.isAscii(text, text.getBytes(StandardCharsets.ISO_8859_1)))
                    .as(text)
                    .isEqualTo(ascii);
        }
    }

    @Test
    void theEndOfALetterRunMatchesThePlainLoop() {
        Random random = new Random(14L);
        String letters = "aAzZmM@[`{ 1\u00c1\u00e1\u00ff\u0080";
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte)
                        (random.nextInt(4) == 0
                                ? letters.charAt(random.nextInt(letters.length()))
                                : 'a' + random.nextInt(26));
            }
            int from = random.nextInt(b.length);
            int j = from;
            while (j < b.length && ((b[j] | 0x20) & 0xFF) >= 'a' && ((b[j] | 0x20) & 0xFF) <= 'z') {
                j++;
            }
            assertThat(AsciiLanes.endOfLetters(b, from))
                    .as("%s from %d", new String(b, StandardCharsets.ISO_8859_1), from)
                    .isEqualTo(j);
        }
    }

    @Test
    void longRunsAndShortWordsAreNeverMissed() {
        Random random = new Random(12L);
        int alarms = 0;
        for (int round = 0; round < 50_000; round++) {
            // words of a random length (often one or two letters, sometimes long), so each condition is met near its
            // edge
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(81);
            while (sb.length() < length) {
                int word = random.nextInt(3) == 0 ? 1 + random.nextInt(2) : random.nextInt(26);
                String letters = random.nextBoolean() ? "abcdef0123456789:" : "abcdefghijklmnopqrstuvwxyz+/.@";
                for (int k = 0; k < word && sb.length() < length; k++) {
                    sb.append(letters.charAt(random.nextInt(letters.length())));
                }
                if (sb.length() < length) {
                    sb.append(' ');
                }
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            boolean expected = run(b, false) >= 20 || run(b, true) >= 24 || nineSpacesIn25(b);
            boolean answer = AsciiLanes.mayHoldLongRunsOrShortWords(b);
            if (expected) {
                assertThat(answer).as("<%s>", sb).isTrue();
            } else if (answer) {
                alarms++;
            }
        }
        // false alarms come only from the spaces counted per aligned words: a few, not most
        assertThat(alarms).isLessThan(5_000);
    }

    @Test
    void proseRaisesNoAlarm() {
        String prose = "summarise the quarterly report for the board and list the three largest risks. ".repeat(26);
        assertThat(AsciiLanes.mayHoldLongRunsOrShortWords(prose.getBytes(StandardCharsets.ISO_8859_1)))
                .isFalse();
        assertThat(AsciiLanes.mayHoldLongRunsOrShortWords(
                        (prose + "aaaaaaaaaaaaaaaaaaaa").getBytes(StandardCharsets.ISO_8859_1)))
                .isTrue();
        // an e-mail address or a domain is no base64 run: '.' and '@' end one
        assertThat(AsciiLanes.mayHoldLongRunsOrShortWords(
                        (prose + "maria.gonzalez@example.com. ").getBytes(StandardCharsets.ISO_8859_1)))
                .isFalse();
        assertThat(AsciiLanes.mayHoldLongRunsOrShortWords(
                        (prose + "a b c d e f g h i").getBytes(StandardCharsets.ISO_8859_1)))
                .isTrue();
    }

    /** The longest run of bytes without a space, {@code .} or {@code @}, or (letters) without a letter g-z. */
    private static int run(byte[] b, boolean letters) {
        int longest = 0;
        int run = 0;
        for (byte c : b) {
            boolean breaks = letters ? c >= 'g' && c <= 'z' : c == ' ' || c == '.' || c == '@';
            run = breaks ? 0 : run + 1;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private static boolean nineSpacesIn25(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            int spaces = 0;
            for (int k = i; k < Math.min(b.length, i + 25); k++) {
                spaces += b[k] == ' ' ? 1 : 0;
            }
            if (spaces >= 9) {
                return true;
            }
        }
        return false;
    }
}
