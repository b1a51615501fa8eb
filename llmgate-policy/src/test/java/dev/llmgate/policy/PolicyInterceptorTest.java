package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Message;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.policy.detect.PiiDetector;
import dev.llmgate.policy.detect.SecretDetector;
import dev.llmgate.policy.redact.RedactionMode;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PolicyInterceptorTest {

    /** Captures the call context so a test can read the recorded decisions. */
    static final class CaptureCall implements Interceptor {
        final AtomicReference<CallContext> call = new AtomicReference<>();

        @Override
        public dev.llmgate.api.ChatResult intercept(Chain chain) {
            call.set(chain.call());
            return chain.proceed(chain.request());
        }

        List<PolicyRecord> records() {
            return call.get().list(CallFacts.POLICY);
        }
    }

    static LlmGate gate(Policy policy, ScriptedProvider provider, CaptureCall capture) {
        return LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(capture)
                .addInterceptor(Stage.POLICY, policy.interceptor())
                .build();
    }

    /**
     * The text a stream of {@code answer}, scripted in chunks of {@code size} characters (surrogate pairs split too),
     * delivered through a gate with {@code policy}; a block is thrown.
     */
    static String streamed(Policy policy, String answer, int size) {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < answer.length(); i += size) {
            chunks.add(answer.substring(i, Math.min(answer.length(), i + size)));
        }
        StringBuilder received = new StringBuilder();
        try (LlmGate gate = gate(
                        policy,
                        ScriptedProvider.replying(Reply.chunks(chunks.toArray(new String[0]))),
                        new CaptureCall());
                ChatStream s = gate.stream(ChatRequest.of("p:m", "Summarise"))) {
            while (s.hasNext()) {
                if (s.next() instanceof StreamEvent.TextDelta d) {
                    received.append(d.text());
                }
            }
        }
        return received.toString();
    }

    /** A detector that finds nothing and adds the length of every text it is given to {@code scanned[0]}. */
    static dev.llmgate.policy.detect.Detector counting(long[] scanned) {
        return new dev.llmgate.policy.detect.Detector() {
            @Override
            public String id() {
                return "counting";
            }

            @Override
            public java.util.Set<String> types() {
                return java.util.Set.of("COUNTED");
            }

            @Override
            public void detect(CharSequence text, java.util.function.Consumer<Finding> sink) {
                scanned[0] += text.length();
            }
        };
    }

    static Policy piiPolicy(RedactionMode mode, Verdict verdict) {
        return Policy.builder()
                .name("test")
                .detector(PiiDetector.all())
                .detector(SecretDetector.all())
                .rule(Rule.of("no-secrets", Verdict.BLOCK, "SECRET_*"))
                .rule(Rule.of("pii", verdict, FindingTypes.EMAIL, FindingTypes.US_SSN, FindingTypes.PERSON_NAME))
                .redaction("*", mode)
                .build();
    }

    @Test
    void inputBlockNeverReachesTheProviderAndExplainsItself() {
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        CaptureCall capture = new CaptureCall();
        try (LlmGate gate = gate(piiPolicy(RedactionMode.MASK, Verdict.CONSTRAIN), provider, capture)) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "my key is AKIAIOSFODNN7EXAMPLE")))
                    .isInstanceOf(PolicyBlockedException.class)
                    .satisfies(e ->
                            assertThat(((PolicyBlockedException) e).ruleIds()).containsExactly("no-secrets"))
                    .hasMessageContaining("input")
                    .hasMessageNotContaining("AKIA");
            assertThat(provider.requests()).isEmpty();
            assertThat(capture.records()).singleElement().satisfies(r -> {
                assertThat(r.stage()).isEqualTo("input");
                assertThat(r.verdict()).isEqualTo("BLOCK");
                assertThat(r.findings()).containsEntry(FindingTypes.SECRET_AWS_ACCESS_KEY, 1);
                assertThat(r.toString()).doesNotContain("AKIA");
            });
        }
    }

    @Test
    void constrainSendsTheRedactedRequestAndRecordsEveryStage() {
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        CaptureCall capture = new CaptureCall();
        try (LlmGate gate = gate(piiPolicy(RedactionMode.MASK, Verdict.CONSTRAIN), provider, capture)) {
            ChatResponse r = gate.chat(ChatRequest.builder("p:m")
                    .system("reach me at ops@example.com")
                    .user("Email jane@example.com about SSN 536-22-1456")
                    .build());
            String sent = provider.requests().get(0).lastUserText();
            assertThat(sent).isEqualTo("Email [EMAIL] about SSN [US_SSN]");
            assertThat(provider.requests().get(0).messages().get(0).text())
                    .as("system prompts are not scanned by default")
                    .contains("ops@example.com");
            assertThat(r.text()).isEqualTo("you said: Email [EMAIL] about SSN [US_SSN]");
            assertThat(capture.records())
                    .extracting(PolicyRecord::stage, PolicyRecord::verdict)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("input", "CONSTRAIN"),
                            org.assertj.core.groups.Tuple.tuple("output", "ALLOW"));
        }
    }

    @Test
    void tokenizationRoundTripsForBlockingAndStreamedAnswers() {
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        CaptureCall capture = new CaptureCall();
        try (LlmGate gate = gate(piiPolicy(RedactionMode.TOKENIZE, Verdict.CONSTRAIN), provider, capture)) {
            ChatRequest request =
                    ChatRequest.of("p:m", "Patient: John Smith, mail john@example.com and again john@example.com");
            ChatResponse blocking = gate.chat(request);
            assertThat(provider.requests().get(0).lastUserText())
                    .isEqualTo("Patient: [PERSON_NAME_1], mail [EMAIL_1] and again [EMAIL_1]");
            assertThat(blocking.text()).isEqualTo("you said: " + request.lastUserText());

            StringBuilder streamed = new StringBuilder();
            ChatResponse collected = gate.stream(request, e -> {
                if (e instanceof StreamEvent.TextDelta d) {
                    streamed.append(d.text());
                }
            });
            assertThat(streamed.toString()).isEqualTo("you said: " + request.lastUserText());
            assertThat(collected.text()).isEqualTo(streamed.toString());
        }
    }

    @Test
    void placeholdersSplitAcrossChunksAreRestored() {
        Policy policy = piiPolicy(RedactionMode.TOKENIZE, Verdict.CONSTRAIN);
        ScriptedProvider provider =
                ScriptedProvider.replying(Reply.chunks("Sure, I will write to [EM", "AIL", "_1] now."));
        try (LlmGate gate = gate(policy, provider, new CaptureCall())) {
            ChatResponse r = gate.stream(ChatRequest.of("p:m", "write to jane@example.com"), e -> {});
            assertThat(r.text()).isEqualTo("Sure, I will write to jane@example.com now.");
        }
    }

    @Test
    void hashModeIsKeyedAndStable() {
        Policy policy = Policy.builder()
                .detector(PiiDetector.all())
                .rule(Rule.of("pii", Verdict.CONSTRAIN, FindingTypes.EMAIL))
                .redaction(FindingTypes.EMAIL, RedactionMode.HASH)
                .hmacKey("0123456789abcdef0123".getBytes())
                .build();
        String a = policy.redact("a: x@example.com, b: x@example.com, c: y@example.com", PolicyStage.INPUT);
        assertThat(a).matches("a: \\[EMAIL:[0-9a-f]{12}\\], b: \\[EMAIL:[0-9a-f]{12}\\], c: \\[EMAIL:[0-9a-f]{12}\\]");
        String[] tokens = a.split(", ");
        assertThat(tokens[0].substring(3)).isEqualTo(tokens[1].substring(3)).isNotEqualTo(tokens[2].substring(3));
        Policy otherKey = Policy.builder()
                .detector(PiiDetector.all())
                .rule(Rule.of("pii", Verdict.CONSTRAIN, FindingTypes.EMAIL))
                .redaction(FindingTypes.EMAIL, RedactionMode.HASH)
                .hmacKey("another-key-of-16-bytes".getBytes())
                .build();
        assertThat(otherKey.redact("a: x@example.com", PolicyStage.INPUT)).isNotEqualTo(tokens[0]);
    }

    @Test
    void lastFourKeepsOnlyTheLastFourDigits() {
        Policy policy = Policy.builder()
                .detector(PiiDetector.all())
                .rule(Rule.of("pan", Verdict.CONSTRAIN, FindingTypes.CREDIT_CARD))
                .redaction(FindingTypes.CREDIT_CARD, RedactionMode.LAST_FOUR)
                .build();
        assertThat(policy.redact("card 4111 1111 1111 1111 ok", PolicyStage.OUTPUT))
                .isEqualTo("card [CREDIT_CARD ****1111] ok");
    }

    @Test
    void outputRedactionAppliesToTheModelsAnswer() {
        ScriptedProvider provider = ScriptedProvider.replying(Reply.chunks("The customer's SSN is 536-22-1456."));
        try (LlmGate gate = gate(piiPolicy(RedactionMode.MASK, Verdict.CONSTRAIN), provider, new CaptureCall())) {
            assertThat(gate.chat(ChatRequest.of("p:m", "hi")).text()).isEqualTo("The customer's SSN is [US_SSN].");
        }
    }

    @Test
    void outputBlockThrowsForBlockingCalls() {
        ScriptedProvider provider =
                ScriptedProvider.replying(Reply.chunks("here: ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"));
        CaptureCall capture = new CaptureCall();
        try (LlmGate gate = gate(piiPolicy(RedactionMode.MASK, Verdict.CONSTRAIN), provider, capture)) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "hi")))
                    .isInstanceOf(PolicyBlockedException.class)
                    .hasMessageContaining("output");
            assertThat(capture.records()).extracting(PolicyRecord::verdict).containsExactly("ALLOW", "BLOCK");
        }
    }

    @Test
    void streamedFindingsStraddlingChunkBoundariesAreRedacted() {
        // the SSN and the e-mail are split over several chunks, in every position
        String answer = "Record: SSN 536-22-1456, contact jane.doe@example.com. "
                + "More text follows here. ".repeat(30) + "Second SSN 536-22-1456 end.";
        for (int size = 1; size <= 13; size += 3) {
            assertThat(maskedStream(answer, size))
                    .as("chunk size " + size)
                    .doesNotContain("536-22-1456")
                    .doesNotContain("jane.doe")
                    .startsWith("Record: SSN [US_SSN], contact [EMAIL].")
                    .endsWith("Second SSN [US_SSN] end.");
        }
    }

    /** What a client sees of {@code answer} streamed in chunks of {@code size} through a PII policy that masks. */
    private static String maskedStream(String answer, int size) {
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < answer.length(); i += size) {
            chunks.add(answer.substring(i, Math.min(answer.length(), i + size)));
        }
        ScriptedProvider provider = ScriptedProvider.replying(Reply.chunks(chunks.toArray(new String[0])));
        try (LlmGate gate = gate(piiPolicy(RedactionMode.MASK, Verdict.CONSTRAIN), provider, new CaptureCall())) {
            StringBuilder seen = new StringBuilder();
            gate.stream(ChatRequest.of("p:m", "hi"), e -> {
                if (e instanceof StreamEvent.TextDelta d) {
                    seen.append(d.text());
                }
            });
            return seen.toString();
        }
    }

    @Test
    void aStreamedValueSpelledWithNamedReferencesIsFoundWhereverTheChunksCutIt() {
        // the release must never cut a reference in two: "jane&period;doe&commat;example&period;com" at every cut
        String filler = "More text follows here. ".repeat(12);
        String answer = filler + "contact jane&period;doe&commat;example&period;com now. " + filler;
        for (int size = 1; size <= 13; size += 2) {
            assertThat(maskedStream(answer, size))
                    .as("chunk size " + size)
                    .doesNotContain("jane")
                    .contains("contact [EMAIL] now.");
        }
    }

    @Test
    void streamsReleaseTextBeforeTheEndAndHoldBackAtMostTheWindow() {
        Policy policy = Policy.builder()
                .detector(PiiDetector.all())
                .rule(Rule.of("pii", Verdict.CONSTRAIN, FindingTypes.EMAIL))
                .streamWindow(128)
                .build();
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            chunks.add("word" + i + " ");
        }
        ScriptedProvider provider = ScriptedProvider.replying(Reply.chunks(chunks.toArray(new String[0])));
        try (LlmGate gate = gate(policy, provider, new CaptureCall());
                ChatStream stream = gate.stream(ChatRequest.of("p:m", "hi"))) {
            int emitted = 0;
            int firstTextAtPull = -1;
            while (stream.hasNext()) {
                StreamEvent e = stream.next();
                if (e instanceof StreamEvent.TextDelta d) {
                    if (firstTextAtPull < 0) {
                        firstTextAtPull = provider.eventsPulled();
                    }
                    emitted += d.text().length();
                    int received = 0;
                    for (int i = 0; i < Math.min(provider.eventsPulled(), chunks.size()); i++) {
                        received += chunks.get(i).length();
                    }
                    assertThat(received - emitted).as("held back").isLessThanOrEqualTo(policy.streamWindow());
                }
            }
            assertThat(firstTextAtPull)
                    .as("first text released long before the stream's end")
                    .isLessThan(40);
        }
    }

    @Test
    void aFindingLongerThanTheWindowDoesNotGrowTheHeldText() {
        Policy policy = Policy.builder()
                .detector(PiiDetector.all())
                .rule(Rule.of("urls", Verdict.CONSTRAIN, FindingTypes.URL))
                .streamWindow(128)
                .build();
        String answer = "see https://example.com/" + "a".repeat(2000) + " done";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < answer.length(); i += 10) {
            chunks.add(answer.substring(i, Math.min(answer.length(), i + 10)));
        }
        ScriptedProvider provider = ScriptedProvider.replying(Reply.chunks(chunks.toArray(new String[0])));
        try (LlmGate gate = gate(policy, provider, new CaptureCall());
                ChatStream stream = gate.stream(ChatRequest.of("p:m", "hi"))) {
            StringBuilder seen = new StringBuilder();
            while (stream.hasNext()) {
                if (stream.next() instanceof StreamEvent.TextDelta d) {
                    seen.append(d.text());
                    int received = Math.min(provider.eventsPulled(), chunks.size()) * 10;
                    assertThat(Math.min(received, answer.length()) - seen.length())
                            .isLessThanOrEqualTo(2 * policy.streamWindow());
                }
            }
            assertThat(seen.toString()).startsWith("see [URL]").doesNotContain("example.com");
        }
    }

    @Test
    void blockMidStreamStopsTheStreamWithAPolicyError() {
        String answer =
                "Here is a harmless start. ".repeat(20) + "and the key sk_live_4eC39HqLyjWDarjtT1zdp7dc and more";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < answer.length(); i += 7) {
            chunks.add(answer.substring(i, Math.min(answer.length(), i + 7)));
        }
        ScriptedProvider provider = ScriptedProvider.replying(Reply.chunks(chunks.toArray(new String[0])));
        CaptureCall capture = new CaptureCall();
        try (LlmGate gate = gate(piiPolicy(RedactionMode.MASK, Verdict.CONSTRAIN), provider, capture);
                ChatStream stream = gate.stream(ChatRequest.of("p:m", "hi"))) {
            StringBuilder seen = new StringBuilder();
            assertThatThrownBy(() -> {
                        while (stream.hasNext()) {
                            if (stream.next() instanceof StreamEvent.TextDelta d) {
                                seen.append(d.text());
                            }
                        }
                    })
                    .isInstanceOf(PolicyBlockedException.class)
                    .hasMessageContaining("stream")
                    .satisfies(e ->
                            assertThat(((PolicyBlockedException) e).ruleIds()).contains("no-secrets"));
            assertThat(seen.toString()).startsWith("Here is a harmless start.").doesNotContain("sk_live");
            assertThat(capture.records())
                    .extracting(PolicyRecord::stage, PolicyRecord::verdict)
                    .contains(org.assertj.core.groups.Tuple.tuple("stream", "BLOCK"));
        }
    }

    @Test
    void scanRolesDecideWhichMessagesAreChecked() {
        Policy policy = Policy.builder()
                .detector(PiiDetector.all())
                .rule(Rule.of("pii", Verdict.BLOCK, FindingTypes.EMAIL))
                .scanRoles(dev.llmgate.api.Role.USER, dev.llmgate.api.Role.SYSTEM)
                .build();
        ScriptedProvider provider = ScriptedProvider.echoing("you said: ");
        try (LlmGate gate = gate(policy, provider, new CaptureCall())) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.builder("p:m")
                            .system("ops@example.com")
                            .user("hi")
                            .build()))
                    .isInstanceOf(PolicyBlockedException.class);
            assertThat(gate.chat(ChatRequest.builder("p:m")
                                    .user("hi")
                                    .addMessage(Message.assistant("ops@example.com"))
                                    .user("ok")
                                    .build())
                            .text())
                    .isEqualTo("you said: ok");
        }
    }

    @Test
    void toolCallArgumentsGetTheirPlaceholdersRestoredOnlyWhenAsked() {
        ScriptedProvider provider = ScriptedProvider.replying(Reply.events(new StreamEvent.ToolCallDelta(
                0, java.util.Optional.of("c1"), java.util.Optional.of("send_mail"), "{\"to\":\"[EMAIL_1]\"}")));
        try (LlmGate gate = gate(piiPolicy(RedactionMode.TOKENIZE, Verdict.CONSTRAIN), provider, new CaptureCall())) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "mail jane@example.com"));
            assertThat(provider.requests().get(0).lastUserText()).isEqualTo("mail [EMAIL_1]");
            assertThat(r.toolCalls())
                    .extracting(ToolCall::argumentsJson)
                    .as("arguments leave the process: not restored by default")
                    .containsExactly("{\"to\":\"[EMAIL_1]\"}");
        }
        Policy restoring = Policy.builder()
                .name("test")
                .detector(PiiDetector.all())
                .rule(Rule.of("pii", Verdict.CONSTRAIN, FindingTypes.EMAIL))
                .redaction("*", RedactionMode.TOKENIZE)
                .restoreTokens(
                        dev.llmgate.policy.redact.TokenRestore.ANSWER_TEXT,
                        dev.llmgate.policy.redact.TokenRestore.TOOL_CALL_ARGUMENTS)
                .build();
        try (LlmGate gate = gate(restoring, provider, new CaptureCall())) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "mail jane@example.com"));
            assertThat(r.toolCalls())
                    .extracting(ToolCall::argumentsJson)
                    .containsExactly("{\"to\":\"jane@example.com\"}");
        }
    }

    @Test
    void restoredValuesAreJsonEscapedInArguments() {
        dev.llmgate.policy.redact.TokenVault vault = new dev.llmgate.policy.redact.TokenVault();
        String token = vault.tokenize("NOTE", "say \"hi\"\n");
        assertThat(token).isEqualTo("[NOTE_1]");
        assertThat(vault.tokenize("NOTE", "say \"hi\"\n")).isEqualTo(token);
        assertThat(vault.restoreInJson("{\"n\":\"[NOTE_1]\"}")).isEqualTo("{\"n\":\"say \\\"hi\\\"\\n\"}");
        assertThat(vault.restore("[NOTE_1] [NOTE_2]")).isEqualTo("say \"hi\"\n [NOTE_2]");
        assertThat(vault.toString()).doesNotContain("hi");
    }
}
