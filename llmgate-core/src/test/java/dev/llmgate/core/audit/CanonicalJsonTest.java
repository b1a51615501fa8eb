package dev.llmgate.core.audit;

import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.JsonReader;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(CanonicalJson.write(m)).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    @Test
    void escapesStringsAsRfc8785Section3222() {
        String input = "{\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}";
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
    }

    @Test
    void roundTripsNestedValues() {
        String canonical = "{\"a\":[1,{\"b\":null,\"c\":\"\\\"x\\\"\"}],\"z\":false}";
        assertThat(CanonicalJson.write(JsonReader.parse(canonical))).isEqualTo(canonical);
        assertThat(CanonicalJson.write(JsonReader.parse(" { \"z\" : false , \"a\" : [ 1 , { \"c\" : \"\\\"x\\\"\" , \"b\" : null } ] } ")))
                .isEqualTo(canonical);
    }
}
