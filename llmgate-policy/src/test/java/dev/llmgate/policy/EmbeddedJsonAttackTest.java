package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JSON keys were read as labels only when the whole text was JSON, so the same payload pasted into a question ("Why
 * does this fail? ```json {…}```"), or shown in a model's answer, let through what its keys name: a FHIR resource's
 * {@code family}/{@code given} names and identifiers, {@code memberId}, {@code lastName}. A JSON object or array that
 * begins a line of a text is now read as a JSON text's members are.
 */
class EmbeddedJsonAttackTest {
    private static final Policy HIPAA =
            Policy.builder().name("hipaa").preset(CompliancePreset.HIPAA).build();

    private static final String FHIR = "{\n"
            + "  \"resourceType\": \"Patient\",\n"
            + "  \"identifier\": [{\"system\": \"urn:oid:1.2.36.146.595.217.0.1\", \"value\": \"00482913\"}],\n"
            + "  \"name\": [{\"family\": \"Vrabec\", \"given\": [\"Zoltan\"]}],\n"
            + "  \"birthDate\": \"1956-03-14\"\n"
            + "}";

    private static final String PAYLOAD = "{\"memberId\": \"XJH48213\", \"lastName\": \"Vrabec\", \"plan\": \"gold\"}";

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "Why does the validator reject this resource?\n```json\n" + FHIR + "\n```\nThanks!",
                "Why does the validator reject this resource?\n\n" + FHIR + "\n\nThanks!",
                "Our API returns:\n    " + PAYLOAD + "\nIs the member active?",
                "Our API returns:\n```\n" + PAYLOAD + "\n```",
                "Records:\n[" + PAYLOAD + ",\n " + PAYLOAD + "]"
            })
    void jsonInsideAQuestionIsReadUnderItsKeys(String prompt) {
        String redacted = HIPAA.redact(prompt, PolicyStage.INPUT);
        assertThat(redacted).doesNotContain("Vrabec").doesNotContain("Zoltan");
        if (prompt.contains("XJH48213")) {
            assertThat(redacted).doesNotContain("XJH48213");
        } else {
            assertThat(redacted).doesNotContain("00482913");
        }
    }

    @Test
    void jsonInsideABlockingAnswerIsReadUnderItsKeys() {
        String answer = "Here is the resource you asked for:\n```json\n" + FHIR + "\n```";
        assertThat(blockingAnswer(answer))
                .startsWith("Here is the resource you asked for:")
                .doesNotContain("Vrabec")
                .doesNotContain("Zoltan")
                .doesNotContain("00482913");
    }

    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {1, 7, 64, 300})
    void jsonInsideAStreamedAnswerIsHeldUntilItClosesAndReadUnderItsKeys(int size) {
        String answer = "Here is the resource you asked for:\n```json\n" + FHIR + "\n```\nAnything else?";
        String received = PolicyInterceptorTest.streamed(HIPAA, answer, size);
        assertThat(received)
                .startsWith("Here is the resource you asked for:")
                .endsWith("Anything else?")
                .doesNotContain("Vrabec")
                .doesNotContain("Zoltan")
                .doesNotContain("00482913");
    }

    @ParameterizedTest(name = "{0} fields")
    @ValueSource(ints = {7, 20, 60, 110})
    void aLongerClosedValueIsNotCutInsideWhenReleased(int fields) {
        // a review: once a held value closed, the usual cut (half a window before the end) fell inside it, and its
        // last members were read in the next window without the keys before them
        StringBuilder answer = new StringBuilder("Here is the record:\n```json\n{\n");
        for (int i = 0; i < fields; i++) {
            answer.append("  \"field").append(i).append("\": \"value\",\n");
        }
        answer.append("  \"memberId\": \"XJH48213\",\n  \"lastName\": \"Vrabec\"\n}\n```\n");
        answer.append("Let me know if you need anything else. ".repeat(3));
        for (int size : new int[] {1, 7, 64, 300}) {
            assertThat(PolicyInterceptorTest.streamed(HIPAA, answer.toString(), size))
                    .as("chunks of %d", size)
                    .doesNotContain("Vrabec")
                    .doesNotContain("XJH48213")
                    .endsWith("anything else. ");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"status\": \"ok\"}\nThe record:\n{\"memberId\": \"XJH48213\", \"lastName\": \"Vrabec\"}\nDone.",
                "[1] Record below\n{\"memberId\": \"XJH48213\", \"lastName\": \"Vrabec\"}",
                "The records:\n- {\"memberId\": \"XJH48213\", \"lastName\": \"Vrabec\"}",
                "The records:\n> {\"memberId\": \"XJH48213\", \"lastName\": \"Vrabec\"}",
                "The records:\n1. {\"memberId\": \"XJH48213\", \"lastName\": \"Vrabec\"}",
                "The records:\n\u00a0{\"memberId\": \"XJH48213\", \"lastName\": \"Vrabec\"}"
            })
    void jsonAfterAJsonValueOrALinesLeadInIsReadInAnswersAndStreams(String answer) {
        // a review: an answer that begins with a JSON value was read as JSON and then text, and a value after a list
        // or quote marker was passed over
        assertThat(HIPAA.redact(answer, PolicyStage.OUTPUT))
                .doesNotContain("Vrabec")
                .doesNotContain("XJH48213");
        assertThat(blockingAnswer(answer)).doesNotContain("Vrabec").doesNotContain("XJH48213");
        for (int size : new int[] {1, 7, 64}) {
            assertThat(PolicyInterceptorTest.streamed(HIPAA, answer, size))
                    .as("chunks of %d", size)
                    .doesNotContain("Vrabec")
                    .doesNotContain("XJH48213");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "Why is limit ignored?\n{\"parameters\": [{\"name\": \"limit\", \"in\": \"query\"}]}",
                "{\"parameters\": [{\"name\": \"limit\", \"in\": \"query\"}], \"mail\": {\"app\": \"Mail\"}}"
            })
    void nestedKeysAreNotReadAsAHostName(String text) {
        // a review: the label of a nested member, "parameters.in", was read as a host name and masked in the key
        assertThat(HIPAA.redact(text, PolicyStage.INPUT)).isEqualTo(text);
        assertThat(blockingAnswer(text)).isEqualTo(text);
    }

    @Test
    void aJsonValueLongerThanTheHoldIsReleasedAsText() {
        // (a deliberate limit: a review found that failing closed blocked lockfiles and catalogues in code blocks)
        StringBuilder answer = new StringBuilder("Sample data:\n[\n");
        for (int i = 0; i < 1000; i++) {
            answer.append("  {\"id\": ").append(i).append(", \"colour\": \"blue\", \"size\": \"large\"},\n");
        }
        answer.append("  {\"id\": 1000}\n]\nDone.");
        assertThat(answer.length()).isGreaterThan(2 * 16384);
        for (Policy policy : new Policy[] {
            HIPAA, Policy.builder().name("soc2").preset(CompliancePreset.SOC2).build()
        }) {
            assertThat(PolicyInterceptorTest.streamed(policy, answer.toString(), 64))
                    .isEqualTo(answer.toString());
        }
    }

    @Test
    void anOpenValueLongerThanTheHoldIsReadAsFarAsItCameBeforeItsReleasedInPart() {
        StringBuilder answer = new StringBuilder("Export:\n[\n");
        for (int i = 0; i < 600; i++) {
            answer.append("  {\"id\": ").append(i).append(", \"colour\": \"blue\", \"size\": \"large\"},\n");
        }
        answer.append("  {\"memberId\": \"XJH48213\", \"lastName\": \"Vrabec\"},\n");
        for (int i = 0; i < 600; i++) {
            answer.append("  {\"id\": ").append(i).append(", \"colour\": \"red\", \"size\": \"small\"},\n");
        }
        answer.append("  {\"id\": 1}\n]\nDone.");
        assertThat(PolicyInterceptorTest.streamed(HIPAA, answer.toString(), 64))
                .doesNotContain("XJH48213")
                .doesNotContain("Vrabec")
                .endsWith("Done.");
    }

    @Test
    void anUnbalancedQuoteInProseIsNoOpenJsonValue() {
        // a review: a string that never closed ran across lines, so the rest of the answer was held as JSON
        String answer = "Use this list of folders:\n\n[\"C:\\temp\\\"]\n\n" + "Then restart the service. ".repeat(1600);
        assertThat(PolicyInterceptorTest.streamed(HIPAA, answer, 64)).isEqualTo(answer);
    }

    @Test
    void aFhirBundleOfSeveralKilobytesIsReadUnderItsKeysInAStream() {
        // a review: a 6 KB bundle of patients in a fenced block passed a stream (the hold was 4,096 characters)
        StringBuilder bundle =
                new StringBuilder("Here is the bundle:\n```json\n{\"resourceType\": \"Bundle\", \"entry\": [\n");
        for (int i = 0; i < 24; i++) {
            bundle.append("  {\"resource\": {\"resourceType\": \"Patient\", \"id\": \"pat-")
                    .append(i)
                    .append("\", \"identifier\": [{\"system\": \"urn:oid:1.2.36.146.595.217.0.1\", \"value\": \"0048")
                    .append(1000 + i)
                    .append("\"}], \"name\": [{\"use\": \"official\", \"family\": \"Vrabec")
                    .append((char) ('a' + i % 26))
                    .append("\", \"given\": [\"Zoltan\"]}], \"gender\": \"male\", \"birthDate\": \"1956-03-14\"}}")
                    .append(i < 23 ? ",\n" : "\n");
        }
        bundle.append("]}\n```\nAnything else?");
        assertThat(bundle.length()).isGreaterThan(4096);
        for (int size : new int[] {7, 64}) {
            String received = PolicyInterceptorTest.streamed(HIPAA, bundle.toString(), size);
            assertThat(received)
                    .as("chunks of %d", size)
                    .doesNotContain("Vrabec")
                    .doesNotContain("Zoltan");
            assertThat(received).endsWith("Anything else?");
        }
    }

    @Test
    void aWindowThatEndsInsideALiteralKeepsTheValueHeld() {
        // a review: a chunk ending in "t" of true read as no JSON, and the open value was released unread
        String first = "Here is the record:\n{\"lastName\": \"Vrabec\", \"memberId\": \"XJH48213\", \"note\": \""
                + "nothing to add here ".repeat(13) + "\", \"active\": t";
        String received = streamedChunks(first, "rue}\nDone.");
        assertThat(received).doesNotContain("Vrabec").doesNotContain("XJH48213").endsWith("Done.");
    }

    /** The text of a blocking answer {@code answer} as the HIPAA gate returns it. */
    private static String blockingAnswer(String answer) {
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ScriptedProvider.replying(Reply.text(answer)))
                .addInterceptor(HIPAA.interceptor())
                .build()) {
            return gate.chat(ChatRequest.of("p:m", "Record?")).text();
        }
    }

    private static String streamedChunks(String... chunks) {
        StringBuilder received = new StringBuilder();
        try (LlmGate gate = LlmGate.builder()
                        .provider("p", ScriptedProvider.replying(Reply.chunks(chunks)))
                        .addInterceptor(HIPAA.interceptor())
                        .build();
                ChatStream s = gate.stream(ChatRequest.of("p:m", "Record?"))) {
            while (s.hasNext()) {
                if (s.next() instanceof StreamEvent.TextDelta d) {
                    received.append(d.text());
                }
            }
        }
        return received.toString();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "See the docs:\n[the guide](../guide.md) and\n[x] done\n[ ] open",
                "Config:\n```json\n{\"name\": \"my-app\", \"version\": \"1.0.0\", \"private\": true}\n```",
                "{ this is not json } and\n{neither: is this}\n[1, 2, 3]",
                "Unclosed:\n{\"memberId\": \"XJH48213\", \"note\": \"the rest never came"
            })
    void textWithoutAJsonValueOrWithoutIdentifiersIsUnchanged(String text) {
        if (text.startsWith("Unclosed")) {
            // an object that never closes is no JSON value: its keys are not read (the text reading still applies)
            assertThat(HIPAA.redact(text, PolicyStage.INPUT)).startsWith("Unclosed:\n{\"memberId\": ");
            return;
        }
        assertThat(HIPAA.redact(text, PolicyStage.INPUT)).isEqualTo(text);
    }
}
