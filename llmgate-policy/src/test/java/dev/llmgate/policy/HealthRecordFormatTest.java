package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Red-team round 10: the two formats health records travel in named their values by position (HL7 v2: {@code
 * PID|1||00482913^^^HOSP^MR||WHITFIELD^MARGARET||19560314}) or by keys no label reads (FHIR: {@code "name":
 * [{"family": "Whitfield"}]}, an Identifier's {@code "value"}), so a patient's name, record number, date of birth and
 * social security number passed HIPAA. The fields that identify a person are now read under the labels the standards
 * give them.
 */
class HealthRecordFormatTest {
    private static final Policy HIPAA =
            Policy.builder().name("hipaa").preset(CompliancePreset.HIPAA).build();

    /** A segment from its fields (index = field number; null or missing = empty). */
    private static String segment(String name, String... fields) {
        StringBuilder b = new StringBuilder(name);
        for (int i = 1; i < fields.length; i++) {
            b.append('|').append(fields[i] == null ? "" : fields[i]);
        }
        return b.toString();
    }

    private static String[] fields(int count, Object... numberThenValue) {
        String[] f = new String[count + 1];
        for (int i = 0; i < numberThenValue.length; i += 2) {
            f[(Integer) numberThenValue[i]] = (String) numberThenValue[i + 1];
        }
        return f;
    }

    private static final String MSH = "MSH|^~\\&|EPIC|HOSP|LAB|HOSP|202612071200||ADT^A01|MSG00001|P|2.5";

    private static final String PID = segment(
            "PID",
            fields(
                    20,
                    1,
                    "1",
                    3,
                    "00482913^^^HOSP^MR~A77120934^^^STATE^PI",
                    5,
                    "WHITFIELD^MARGARET^ANNE",
                    7,
                    "19560314",
                    8,
                    "F",
                    11,
                    "12 ELM ST^^SPRINGFIELD^IL^62701",
                    13,
                    "^PRN^PH^^1^217^5550142",
                    19,
                    "536221234"));

    private static final String NK1 =
            segment("NK1", fields(5, 1, "1", 2, "WHITFIELD^HAROLD", 3, "SPO^Spouse", 5, "^PRN^PH^^1^217^5550143"));

    private static final String IN1 = segment(
            "IN1", fields(49, 1, "1", 16, "WHITFIELD^MARGARET", 18, "19560314", 36, "XJH88812345", 49, "W1234567890"));

    private static final List<String> HL7_VALUES = List.of(
            "00482913",
            "A77120934",
            "WHITFIELD",
            "MARGARET",
            "19560314",
            "536221234",
            "5550142",
            "5550143",
            "XJH88812345",
            "W1234567890");

    @ParameterizedTest(name = "segments ended by {0}")
    @ValueSource(strings = {"\r", "\n", "\r\n"})
    void hipaaMasksTheFieldsOfAnHl7MessageThatIdentifyAPerson(String end) {
        String message = String.join(end, MSH, PID, NK1, IN1) + end;
        String redacted = HIPAA.redact(message, PolicyStage.INPUT);
        for (String value : HL7_VALUES) {
            assertThat(redacted).as(value).doesNotContain(value);
        }
        // the structure stays: segment names, separators, coded values
        assertThat(redacted)
                .startsWith(MSH)
                .contains("PID|1||")
                .contains("^^^HOSP^MR")
                .contains("SPO^Spouse");
    }

    @Test
    void anHl7MessageInAnAnswerIsMaskedBlockingAndStreamed() {
        String message = String.join("\r", MSH, PID, NK1, IN1);
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ScriptedProvider.replying(Reply.text(message)))
                .addInterceptor(HIPAA.interceptor())
                .build()) {
            String text = gate.chat(ChatRequest.of("p:m", "The ADT message?")).text();
            for (String value : HL7_VALUES) {
                assertThat(text).as(value).doesNotContain(value);
            }
        }
        for (int size : new int[] {1, 7, 64}) {
            String received = PolicyInterceptorTest.streamed(HIPAA, message, size);
            for (String value : List.of("00482913", "WHITFIELD", "19560314", "536221234")) {
                assertThat(received).as("%s in chunks of %d", value, size).doesNotContain(value);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "MSH#$~\\&#EPIC#HOSP\rPID#1##00482913$$$HOSP$MR##WHITFIELD$MARGARET##19560314",
                "MSH|$~\\&|EPIC|HOSP\rPID|1||00482913$$$HOSP$MR||WHITFIELD$MARGARET||19560314"
            })
    void anMshSegmentsOwnSeparatorsAreUsed(String message) {
        String redacted = HIPAA.redact(message, PolicyStage.INPUT);
        assertThat(redacted)
                .doesNotContain("00482913")
                .doesNotContain("19560314")
                .doesNotContain("WHITFIELD");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "MSH.9 message type is ADT^A01\nPID|1||00482913^^^HOSP^MR||WHITFIELD^MARGARET||19560314|F",
                "MSH: the header comes first\nPID|1||00482913^^^HOSP^MR||WHITFIELD^MARGARET||19560314|F",
                "MSH-9 (message type)\nPID|1||00482913^^^HOSP^MR||WHITFIELD^MARGARET||19560314|F",
                // a review: separators repeated or too few are no declaration either
                "**MSH:**\nPID|1||00482913^^^HOSP^MR||WHITFIELD^MARGARET||19560314|F",
                "MSH:...\nPID|1||00482913^^^HOSP^MR||WHITFIELD^MARGARET||19560314|F",
                "MSH():\nPID|1||00482913^^^HOSP^MR||WHITFIELD^MARGARET||19560314|F"
            })
    void aLineThatOnlyNamesTheMshSegmentDeclaresNoSeparators(String text) {
        // a review: "MSH.9 message type" was taken for an MSH declaring '.' as the field separator, so the PID after it
        // was not read
        assertThat(HIPAA.redact(text, PolicyStage.INPUT))
                .doesNotContain("00482913")
                .doesNotContain("WHITFIELD")
                .doesNotContain("19560314");
        for (int size : new int[] {1, 7, 64}) {
            assertThat(PolicyInterceptorTest.streamed(HIPAA, text, size))
                    .as("chunks of %d", size)
                    .doesNotContain("00482913")
                    .doesNotContain("WHITFIELD");
        }
    }

    @ParameterizedTest(name = "lead-in [{0}]")
    @ValueSource(strings = {"    ", "> ", "1. ", "- ", "\uFEFF"})
    void aSegmentAfterALinesLeadInIsRead(String leadIn) {
        // a review: a segment in a markdown code block, a quote or a list was not read
        String message = leadIn + "PID|1||00482913^^^HOSP^MR||WHITFIELD^MARGARET||19560314|F";
        String redacted = HIPAA.redact("The record:\n" + message, PolicyStage.INPUT);
        assertThat(redacted)
                .doesNotContain("00482913")
                .doesNotContain("19560314")
                .doesNotContain("WHITFIELD");
    }

    @Test
    void aStreamedSegmentLongerThanTheHoldFailsClosed() {
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            ids.append(i == 0 ? "" : "~")
                    .append(String.format("%08d", 10_000_000 + i * 7919))
                    .append("^^^HOSP^MR");
        }
        String message = "PID|1||" + ids + "||WHITFIELD^MARGARET||19560314|F";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyInterceptorTest.streamed(HIPAA, message, 64))
                .isInstanceOf(dev.llmgate.api.exception.PolicyBlockedException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                // an observation's result and a markdown table hold field separators and no person
                "MSH|^~\\&|LAB|HOSP|EPIC|HOSP|202612071200||ORU^R01|MSG00002|P|2.5\r"
                        + "OBX|1|NM|2345-7^Glucose^LN||105|mg/dL|70-105|N|||F",
                "| metric | value |\n|---|---|\n| PID controller gain | 0.35 |",
                "PID|1"
            })
    void textWithFieldSeparatorsAndNoPersonIsUnchanged(String text) {
        assertThat(HIPAA.redact(text, PolicyStage.INPUT)).isEqualTo(text);
    }

    private static final String FHIR_PATIENT = "{\"resourceType\": \"Patient\", \"identifier\": [{\"use\": \"usual\","
            + " \"type\": {\"coding\": [{\"system\": \"http://terminology.hl7.org/CodeSystem/v2-0203\", \"code\": \"MR\"}]},"
            + " \"system\": \"urn:oid:1.2.36.146.595.217.0.1\", \"value\": \"00482913\"}],"
            + " \"name\": [{\"use\": \"official\", \"family\": \"Whitfield\", \"given\": [\"Margaret\", \"Anne\"]}],"
            + " \"telecom\": [{\"system\": \"phone\", \"value\": \"2175550142\", \"use\": \"home\"}],"
            + " \"gender\": \"female\", \"birthDate\": \"1956-03-14\"}";

    @Test
    void hipaaMasksAFhirPatientsNameIdentifierTelecomAndBirthDate() {
        List<String> values = List.of("00482913", "Whitfield", "Margaret", "Anne", "2175550142", "1956-03-14");
        String redacted = HIPAA.redact(FHIR_PATIENT, PolicyStage.INPUT);
        for (String value : values) {
            assertThat(redacted).as(value).doesNotContain(value);
        }
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ScriptedProvider.replying(Reply.text(FHIR_PATIENT)))
                .addInterceptor(HIPAA.interceptor())
                .build()) {
            String text = gate.chat(ChatRequest.of("p:m", "The patient?")).text();
            for (String value : values) {
                assertThat(text).as(value).doesNotContain(value);
            }
        }
        for (int size : new int[] {1, 7, 64}) {
            String received = PolicyInterceptorTest.streamed(HIPAA, FHIR_PATIENT, size);
            for (String value : values) {
                assertThat(received).as("%s in chunks of %d", value, size).doesNotContain(value);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                // names in capitals (converted from HL7 v2); a Patient's contact's single HumanName
                "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"VRABEC\",\"given\":[\"ZOLTAN\"]}]}",
                "{\"resourceType\":\"Patient\",\"contact\":[{\"name\":{\"family\":\"Vrabec\",\"given\":[\"Zoltan\"]}}]}"
            })
    void hipaaMasksFhirNamesInCapitalsAndAContactsName(String json) {
        String redacted = HIPAA.redact(json, PolicyStage.INPUT);
        assertThat(redacted.toLowerCase(java.util.Locale.ROOT))
                .doesNotContain("vrabec")
                .doesNotContain("zoltan");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"name\":[{\"locale\":\"en-US\",\"text\":\"Wireless Mouse\"},{\"locale\":\"de-DE\",\"text\":\"Kabellose Maus\"}]}",
                "{\"resourceType\": \"CodeSystem\", \"name\": \"ObservationStatus\", \"title\": \"Observation Status\","
                        + " \"concept\": [{\"code\": \"final\", \"display\": \"Final\"}]}",
                "{\"font\": {\"name\": {\"family\": \"Roboto\"}}, \"family\": \"Sans Serif\"}"
            })
    void fhirAndOtherJsonWithoutAPersonIsUnchanged(String json) {
        assertThat(HIPAA.redact(json, PolicyStage.INPUT)).isEqualTo(json);
    }

    @Test
    void anHl7MessageInsideAJsonStringIsRead() {
        // a review: HL7 in a tool's argument or result ({"message": "MSH|...\rPID|..."}) was not read
        String json =
                "{\"message\": \"MSH|^~\\\\&|EPIC|HOSP\\rPID|1||00482913^^^HOSP^MR||VRABEC^ZOLTAN||19560314|F\\r\"}";
        String redacted = HIPAA.redact(json, PolicyStage.INPUT);
        assertThat(redacted).doesNotContain("00482913").doesNotContain("VRABEC").doesNotContain("19560314");
        assertThat(redacted).startsWith("{\"message\": \"MSH|^~\\\\&|EPIC|HOSP\\rPID|1||");
    }

    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {1, 7, 13, 64})
    void aStreamedMessageWithItsOwnSeparatorsIsReadAfterItsMshLeftTheWindow(int size) {
        // a third review: once the MSH line was released, later windows read the segments with the default separators
        StringBuilder message = new StringBuilder("Here is the ADT message you asked for:\n\n");
        message.append("MSH#^~\\&#EPIC#HOSP#LAB#HOSP#20240101120000##ADT^A01#MSG0001#P#2.5.1\n");
        for (int i = 0; i < 6; i++) {
            message.append("OBX#").append(i + 1).append("#NM#2345-7^Glucose^LN##105#mg/dL#70-105#N###F\n");
        }
        message.append("PID#1##00482913^^^HOSP^MR##VRABEC^ZOLTAN^A##19560314#M###12 Oak St^^Springfield^IL^62701\n");
        String received = PolicyInterceptorTest.streamed(HIPAA, message.toString(), size);
        assertThat(received).doesNotContain("VRABEC").doesNotContain("00482913").doesNotContain("19560314");
    }

    @Test
    void anMshLineIsNotReleasedInPartWhereverTheWindowFalls() {
        // a review: an MSH declares separators only with three encoding characters and the field separator after them;
        // a release keeps half a window, so a long MSH line split by one is read with them wherever it falls
        for (int pad = 0; pad < 400; pad += 13) {
            String message = "Here is the message:" + " x".repeat(pad) + "\n"
                    + "MSH#^~\\&#EPIC#HOSP#LAB#HOSP#20240101120000##ADT^A01#MSG0001#P#2.5.1#" + "#".repeat(12)
                    + "CONTINUATION POINTER AND OTHER OPTIONAL FIELDS OF A LONG HEADER^".repeat(3) + "\n"
                    + "PID#1##00482913^^^HOSP^MR##VRABEC^ZOLTAN^A##19560314#M\n";
            assertThat(PolicyInterceptorTest.streamed(HIPAA, message, 7))
                    .as("after %d characters", message.indexOf("MSH"))
                    .doesNotContain("VRABEC")
                    .doesNotContain("00482913");
        }
    }

    @Test
    void aLongLineThatOnlyBeginsLikeASegmentIsReleasedAsText() {
        // a third review: a process table's long "PID|COMMAND|..." line failed the stream closed
        String line = "PID|COMMAND|" + "abc def ".repeat(700);
        Policy soc2 =
                Policy.builder().name("soc2").preset(CompliancePreset.SOC2).build();
        assertThat(PolicyInterceptorTest.streamed(soc2, line, 64)).isEqualTo(line);
        assertThat(PolicyInterceptorTest.streamed(HIPAA, line, 64)).isEqualTo(line);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"message\": \"MSH#^~\\\\&#EPIC#HOSP\\rPID#1##00482913^^^HOSP^MR##VRABEC^ZOLTAN^A##19560314#F\"}",
                "Here:\n+ PID|1||00482913^^^HOSP^MR||VRABEC^ZOLTAN||19560314|F"
            })
    void segmentsWithOwnSeparatorsInJsonAndAfterAPlusAreRead(String text) {
        assertThat(HIPAA.redact(text, PolicyStage.INPUT))
                .doesNotContain("00482913")
                .doesNotContain("VRABEC");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"results\":[{\"name\":{\"scientific\":\"Panthera leo\",\"family\":\"Felidae\"}}]}",
                "{\"fonts\":[{\"name\":{\"family\":\"Roboto\",\"style\":\"Italic\"}}]}",
                "{\"@graph\":[{\"@type\":\"Book\",\"identifier\":{\"@type\":\"PropertyValue\",\"propertyID\":\"ISBN\",\"value\":\"978-3-16-148410-0\"}}]}",
                "{\"items\":[{\"identifier\":{\"type\":\"sku\",\"value\":\"SKU-88213-B\"}}]}"
            })
    void singleObjectsOutsideAFhirContactAreNoDataType(String json) {
        assertThat(HIPAA.redact(json, PolicyStage.INPUT)).isEqualTo(json);
    }
}
