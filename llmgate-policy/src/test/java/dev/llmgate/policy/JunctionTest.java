package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.Message;
import dev.llmgate.api.ToolCall;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.ScriptedProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values split at a junction (between two letters or digits of adjacent pieces) are found whether
 * the engine scans each junction's neighbourhood or, with many junctions, the whole text joined.
 */
class JunctionTest {
    static final Policy PCI = Policy.builder().preset(CompliancePreset.PCI_DSS).build();

    private static String sent(ChatRequest request) {
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(Stage.POLICY, PCI.interceptor())
                .build()) {
            gate.chat(request);
        }
        StringBuilder all = new StringBuilder();
        for (Message m : provider.requests().get(0).messages()) {
            all.append(m.text()).append('|');
            for (ToolCall c : m.toolCalls()) {
                all.append(c.argumentsJson()).append('|');
            }
        }
        return all.toString();
    }

    @Test
    void aFewJunctionsInALongTextAreScannedOneByOne() {
        String filler = "lorem ipsum dolor sit amet ".repeat(40);
        String sent = sent(ChatRequest.builder("p:m")
                .user(filler + "card 4111 11")
                .user("11 1111 1111 " + filler)
                .build());
        assertThat(sent.replaceAll("[^0-9]", "")).doesNotContain("41111111");
    }

    @Test
    void manyJunctionsAreScannedInOnePassOverTheJoinedText() {
        StringBuilder args = new StringBuilder("{");
        for (int i = 0; i < 50; i++) {
            args.append("\"k").append(i).append("\":\"v").append(i).append("\",");
        }
        args.append(
                "\"a\":\"4111 11\",\"b\":\"11 1111 1111\",\"c\":\"sk-proj-Q7rT2mXb9\",\"d\":\"LkP4vZs8NcW3hYd6FgJ1aUe\"}");
        ChatRequest r = ChatRequest.builder("p:m")
                .user("pay")
                .addMessage(Message.assistant("", List.of(new ToolCall("c1", "pay", args.toString()))))
                .addMessage(Message.tool("c1", "ok"))
                .build();
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(Stage.POLICY, PCI.interceptor())
                .build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> gate.chat(r))
                    .isInstanceOf(dev.llmgate.api.exception.PolicyBlockedException.class)
                    .hasMessageContaining("pci.8.3.2.credentials");
        }
        ChatRequest withoutKey = ChatRequest.builder("p:m")
                .user("pay")
                .addMessage(Message.assistant(
                        "", List.of(new ToolCall("c1", "pay", args.toString().replace("sk-proj-", "xx-proj-")))))
                .addMessage(Message.tool("c1", "ok"))
                .build();
        assertThat(sent(withoutKey).replaceAll("[^0-9]", "")).doesNotContain("411111");
    }
    /** Arguments whose one card number a lenient JSON reader and a plain reader both see. */
    private static ChatRequest withArguments(String arguments) {
        return ChatRequest.builder("p:m")
                .user("pay")
                .addMessage(Message.assistant("", List.of(new ToolCall("c1", "pay", arguments))))
                .addMessage(Message.tool("c1", "ok"))
                .build();
    }

    @Test
    void jsonReadBothWaysCountsAValueOnceAndMasksItWhole() {
        // not strict JSON (NaN): its values are read decoded and its text is read again as text; one card is one
        Policy twoCards = Policy.builder()
                .detector(dev.llmgate.policy.detect.PiiDetector.all())
                .rule(Rule.builder("two-cards")
                        .types(FindingTypes.CREDIT_CARD)
                        .minCount(2)
                        .verdict(Verdict.BLOCK)
                        .build())
                .build();
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(Stage.POLICY, twoCards.interceptor())
                .build()) {
            gate.chat(withArguments("{\"pan\":\"4111 1111 1111 1111\",\"n\":NaN}"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> gate.chat(
                            withArguments("{\"a\":\"4111 1111 1111 1111\",\"b\":\"5500 0000 0000 0004\",\"n\":NaN}")))
                    .isInstanceOf(dev.llmgate.api.exception.PolicyBlockedException.class)
                    .hasMessageContaining("two-cards");
        }
        String sent = sent(withArguments("{\"a\":\"4111 1111\", /* split */ \"b\":\"1111 1111\",\"n\":NaN}"));
        assertThat(sent.replaceAll("[^0-9]", "")).doesNotContain("41111111");
        assertThat(sent).contains("NaN").contains("/* split */");
    }
}
