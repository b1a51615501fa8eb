package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tokens of an answer's log-probabilities are its text: when the output policy masks the text, the tokens must
 * not carry what it masked — blocking (dropped when the text changed) and streamed (dropped while the text is
 * scanned).
 */
class LogprobsPolicyTest {
    private static final String SSN = "536-22-8410";
    private static final List<TokenLogprob> TOKENS =
            List.of(new TokenLogprob("Patient SSN ", -0.1), new TokenLogprob(SSN, -0.2), new TokenLogprob(".", -0.01));

    private static ScriptedProvider leaky() {
        return ScriptedProvider.answering(call -> Reply.events(
                new StreamEvent.TextDelta("Patient SSN "),
                new StreamEvent.LogprobsDelta(TOKENS.subList(0, 1)),
                new StreamEvent.TextDelta(SSN),
                new StreamEvent.LogprobsDelta(TOKENS.subList(1, 2)),
                new StreamEvent.TextDelta("."),
                new StreamEvent.LogprobsDelta(TOKENS.subList(2, 3)),
                StreamEvent.Finish.of(FinishReason.STOP, "r1", "p", "m")));
    }

    private static LlmGate gate() {
        return LlmGate.builder()
                .provider("p", leaky())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .build();
    }

    @Test
    void aMaskedAnswerLosesItsTokens() {
        try (LlmGate gate = gate()) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "What is on file?"));
            assertThat(r.text()).doesNotContain(SSN);
            assertThat(r.logprobs()).isEmpty();
            assertThat(r.toString() + r.logprobs()).doesNotContain(SSN);
        }
    }

    @Test
    void aStreamUnderAnOutputPolicyCarriesNoTokens() {
        try (LlmGate gate = gate();
                ChatStream s = gate.stream(ChatRequest.of("p:m", "What is on file?"))) {
            List<StreamEvent> events = new ArrayList<>();
            while (s.hasNext()) {
                events.add(s.next());
            }
            assertThat(events).noneMatch(e -> e instanceof StreamEvent.LogprobsDelta);
            StringBuilder text = new StringBuilder();
            events.stream()
                    .filter(e -> e instanceof StreamEvent.TextDelta)
                    .forEach(e -> text.append(((StreamEvent.TextDelta) e).text()));
            assertThat(text.toString()).doesNotContain(SSN);
        }
    }

    @Test
    void anAnswerThePolicyLeftAloneKeepsItsTokens() {
        ModelProvider clean = (request, call) -> ChatResponse.builder()
                .text("Take two tablets.")
                .logprobs(List.of(new TokenLogprob("Take two tablets.", -0.3)))
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", clean)
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .build()) {
            assertThat(gate.chat(ChatRequest.of("p:m", "Dose?")).logprobs()).hasSize(1);
        }
    }

    /** A gate under PCI DSS whose provider answers {@code answer} (a hostile upstream chooses its tokens). */
    private static LlmGate pci(ChatResponse answer) {
        ModelProvider upstream = (request, call) -> answer;
        return LlmGate.builder()
                .provider("p", upstream)
                .addInterceptor(Policy.builder()
                        .preset(CompliancePreset.PCI_DSS)
                        .build()
                        .interceptor())
                .build();
    }

    @Test
    void tokensThatSpellAToolCallTheyDoNotGoWithAreDropped() {
        // the text is left as it was; the tool call's card number is masked; the tokens spell the call's arguments
        ChatResponse answer = ChatResponse.builder()
                .text("Paying.")
                .toolCalls(List.of(new dev.llmgate.api.ToolCall("c1", "pay", "{\"card\":\"4111111111111111\"}")))
                .logprobs(List.of(
                        new TokenLogprob("Paying.", -0.1), new TokenLogprob("{\"card\":\"4111111111111111\"}", -0.2)))
                .build();
        try (LlmGate gate = pci(answer)) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "Pay it"));
            assertThat(r.toolCalls().get(0).argumentsJson()).doesNotContain("4111111111111111");
            assertThat(r.logprobs()).isEmpty();
        }
    }

    @Test
    void tokensThatSpellMoreThanAnUnchangedTextAreDropped() {
        // reasoning the adapter dropped (or anything an upstream puts there) is not in the text the policy read
        ChatResponse answer = ChatResponse.builder()
                .text("Done.")
                .logprobs(List.of(
                        new TokenLogprob("<think>card 4111 1111 1111 1111</think>", -0.1),
                        new TokenLogprob("Done.", -0.2)))
                .build();
        try (LlmGate gate = pci(answer)) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "Done?"));
            assertThat(r.text()).isEqualTo("Done.");
            assertThat(r.logprobs()).isEmpty();
        }
    }

    @Test
    void tokensOfAMaskedRefusalAreDropped() {
        ChatResponse answer = ChatResponse.builder()
                .text("")
                .refusal(java.util.Optional.of("I can't use card 4111111111111111"))
                .logprobs(List.of(new TokenLogprob("I can't use card 4111111111111111", -0.1)))
                .build();
        try (LlmGate gate = pci(answer)) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "Use it"));
            assertThat(r.refusal().orElseThrow()).doesNotContain("4111111111111111");
            assertThat(r.logprobs()).isEmpty();
        }
    }
}
