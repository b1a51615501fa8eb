package dev.llmgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.JsonReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void sortsMembersByUtf16CodeUnitsAsRfc8785Section323() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\u20ac", "Euro Sign");
        m.put("\r", "Carriage Return");
        m.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
        m.put("1", "One");
        m.put("\ud83d\ude00", "Emoji: Grinning Face");
        m.put("\u0080", "Control");
        m.put("\u00f6", "Latin Small Letter O With Diaeresis");
        assertThat(CanonicalJson.write(m))
                .isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                        + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void escapesStringsAsRfc8785Section3222() {
        String input =
                "{\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}";
        assertThat(CanonicalJson.write(JsonReader.parse(input)))
                .isEqualTo("{\"literals\":[null,true,false],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void escapesLoneSurrogatesAndControlCharactersButNotOtherUnicode() {
        assertThat(CanonicalJson.write("a\ud800b\u001f\u2028\u00e9")).isEqualTo("\"a\\ud800b\\u001f\u2028\u00e9\"");
        assertThat(CanonicalJson.write("\b\f\t")).isEqualTo("\"\\b\\f\\t\"");
    }

    @Test
    void writesIntegersWithinTheSafeRangeAndRejectsEverythingElse() {
        assertThat(CanonicalJson.write(List.of(0L, -5L, 9007199254740991L))).isEqualTo("[0,-5,9007199254740991]");
        assertThatThrownBy(() -> CanonicalJson.write(9007199254740992L)).hasMessageContaining("decimal string");
        assertThatThrownBy(() -> CanonicalJson.write(1.5)).hasMessageContaining("decimals as strings");
        assertThatThrownBy(() -> JsonReader.parse("[1.5]")).hasMessageContaining("non-integer");
        assertThatThrownBy(() -> JsonReader.parse("[1e3]")).hasMessageContaining("non-integer");
    }

    @Test
    void parserIsStrict() {
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate key");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":01}")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> JsonReader.parse("\"a\nb\"")).hasMessageContaining("control character");
        assertThatThrownBy(() -> JsonReader.parse("{} x")).hasMessageContaining("after the JSON value");
        // a crafted line nested 100,000 deep is an invalid entry, not a StackOverflowError
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":" + "[".repeat(100_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than 256 levels");
        assertThat(JsonReader.parse("[".repeat(256) + "]".repeat(256))).isInstanceOf(java.util.List.class);
    }

    @Test
    void roundTripsNestedValues() {
        String canonical = "{\"a\":[1,{\"b\":null,\"c\":\"\\\"x\\\"\"}],\"z\":false}";
        assertThat(CanonicalJson.write(JsonReader.parse(canonical))).isEqualTo(canonical);
        assertThat(CanonicalJson.write(JsonReader.parse(
                        " { \"z\" : false , \"a\" : [ 1 , { \"c\" : \"\\\"x\\\"\" , \"b\" : null } ] } ")))
                .isEqualTo(canonical);
    }

    /** RFC 8785 string escaping written out character by character, as the reference for the bulk path. */
    private static String reference(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\b':
                    sb.append("\\b");
                    break;
                case '\f':
                    sb.append("\\f");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    boolean pair = Character.isHighSurrogate(c)
                            && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pair) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }

    @Test
    void longAndShortStringsAreEscapedExactlyAsCharacterByCharacter() {
        java.util.Random random = new java.util.Random(7);
        String alphabet =
                "abcXYZ019 ?/\"\\\b\f\n\r\t\u0000\u001f\u007f\u0080\u00e9\u2028\u20ac\ud800\udc00\ud83d\ude00\uffff";
        for (int round = 0; round < 20_000; round++) {
            int length = random.nextInt(round % 10 == 0 ? 300 : 40);
            boolean ascii = random.nextBoolean();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                sb.append(
                        ascii && random.nextInt(8) != 0
                                ? (char) (' ' + random.nextInt(95))
                                : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            assertThat(CanonicalJson.write(s)).as("round %d", round).isEqualTo(reference(s));
            assertThat(CanonicalJson.utf8(s)).isEqualTo(reference(s).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void integersAreWrittenAsLongToStringWrites() {
        for (long n : new long[] {
            0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321012L, 9007199254740991L, -9007199254740991L
        }) {
            assertThat(CanonicalJson.write(n)).isEqualTo(Long.toString(n));
        }
    }

    @Test
    void timestampsAreFormattedAndParsedAsJavaTimeDoes() {
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern(
                        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(java.time.ZoneOffset.UTC);
        java.util.Random random = new java.util.Random(11);
        List<Long> millis = new java.util.ArrayList<>(List.of(
                0L,
                1L,
                999L,
                1000L,
                86_399_999L,
                86_400_000L,
                -1L,
                -86_400_001L,
                951_782_400_000L /* 2000-02-29 */,
                253_402_300_799_999L,
                253_402_300_800_000L,
                1_740_823_200_250L));
        for (int i = 0; i < 20_000; i++) {
            millis.add(random.nextLong() % 400_000_000_000_000L);
            millis.add(1_700_000_000_000L + random.nextInt(1_000_000_000));
        }
        for (long m : millis) {
            String expected = format.format(java.time.Instant.ofEpochMilli(m));
            assertThat(dev.llmgate.core.audit.internal.Timestamps.format(m)).isEqualTo(expected);
            if (m >= 0 && m < 253_402_300_800_000L) {
                assertThat(dev.llmgate.core.audit.internal.Timestamps.parse(expected))
                        .isEqualTo(java.time.Instant.ofEpochMilli(m));
            }
        }
        for (String text : List.of(
                "2024-02-29T12:00:00.000Z",
                "2023-02-29T12:00:00.000Z",
                "2025-04-31T00:00:00.000Z",
                "2025-01-01T24:00:00.000Z",
                "2016-12-31T23:59:60.000Z",
                "2025-01-01T00:00:00Z",
                "2025-01-01T00:00:00.5Z",
                "1969-12-31T23:59:59.999Z",
                "2025-13-01T00:00:00.000Z",
                "2025-1x-01T00:00:00.000Z",
                "2025-01-01T00:60:00.000Z",
                "2025-01-01t00:00:00.000Z",
                "+2025-01-01T00:00:00.000Z",
                "2025-01-01T00:00:00.000+01:00",
                "")) {
            Object expected;
            try {
                expected = java.time.Instant.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                expected = "rejected";
            }
            Object actual;
            try {
                actual = dev.llmgate.core.audit.internal.Timestamps.parse(text);
            } catch (java.time.format.DateTimeParseException e) {
                actual = "rejected";
            }
            assertThat(actual).as(text).isEqualTo(expected);
        }
    }
}
