package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Red-team round 9: a JSON answer or tool call was read as its values, then its keys, so a value that needs its label
 * ({@code {"password": "…"}}, {@code {"ssn": "536221234"}}, {@code {"phone": "2175550142"}}) stood apart from it
 * and passed SOC 2, AGENT and HIPAA in answers (blocking and streamed) and in tool calls, while the same text typed
 * as prose was caught. Each member is now also read as {@code key: value}.
 */
class JsonMemberLabelAttackTest {

    private static Policy preset(String name) {
        return Policy.builder()
                .name(name)
                .preset(CompliancePreset.valueOf(name))
                .build();
    }

    private static LlmGate gate(Policy policy, Reply reply) {
        return LlmGate.builder()
                .provider("p", ScriptedProvider.replying(reply))
                .addInterceptor(policy.interceptor())
                .build();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "SOC2 | {\"password\": \"Xk9#mP2$vL8qR4wZ\"}",
                "AGENT | {\"password\": \"Xk9#mP2$vL8qR4wZ\"}",
                "AGENT | {\"service\": \"billing\", \"api_key\": \"Zk3Jq8Vw2Lm9Xp4Rt7Yb1Nc6Zk3Jq8Vw2\"}",
                "SOC2 | {\"db\": {\"user\": \"admin\", \"password\": \"Xk9#mP2$vL8qR4wZ\"}}",
                "SOC2 | {\"passwords\": [\"x\", \"y\"], \"password\": \"Xk9#mP2$vL8qR4wZ\"}",
                "SOC2 | {\"password\": \"\", \"token\": \"Zk3Jq8Vw2Lm9Xp4Rt7Yb1Nc6Zk3Jq8Vw2\"}",
                "SOC2 | {\"db_password\": {\"sensitive\": true, \"value\": \"Xk9#mP2$vL8qR4wZ\"}}",
                "SOC2 | {\"password\": [\"n/a\", \"Zq8!vLm2#Rt\"]}",
                "SOC2 | {\"aws\": {\"secret_access_key\": \"pppppppppppppppppppppppppppppppppppppppp\"}}"
            })
    void aCredentialUnderItsKeyIsBlockedInAnAnswerBlockingAndStreamed(String presetName, String answer) {
        Policy policy = preset(presetName);
        try (LlmGate gate = gate(policy, Reply.text(answer))) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "Config?")))
                    .isInstanceOf(PolicyBlockedException.class);
        }
        for (int size : new int[] {1, 7, 64}) {
            assertThatThrownBy(() -> PolicyInterceptorTest.streamed(policy, answer, size))
                    .as("chunks of " + size)
                    .isInstanceOf(PolicyBlockedException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"AGENT", "SOC2"})
    void aCredentialUnderItsKeyInAToolCallIsBlocked(String presetName) {
        ToolCall call = new ToolCall(
                "c1", "connect", "{\"host\":\"db.internal\",\"user\":\"admin\",\"password\":\"Xk9#mP2$vL8qR4wZ\"}");
        try (LlmGate gate = gate(preset(presetName), Reply.toolCalls(call))) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "Connect")))
                    .isInstanceOf(PolicyBlockedException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"ssn\": \"536221234\"} | 536221234",
                "{\"ssn\": 536221234} | 536221234",
                "{\"phone\": \"2175550142\"} | 2175550142",
                "{\"patient\": {\"name\": \"Margaret Whitfield\", \"phones\": [\"2175550142\"]}} | 2175550142",
                "{\"name\": \"Margaret Whitfield\"} | Whitfield",
                "{\"patient\": \"Eleanor Huxtable\"} | Huxtable",
                "{\"full name\": \"Eleanor Huxtable\"} | Huxtable",
                "{\"patients\": [{\"phone\": \"2175550142\"}]} | 2175550142",
                "{\"phones\": [[\"2175550142\"], [\"2175550143\"]]} | 2175550143",
                "{\"phones\": [\"2175550142\", \"2175550143\", \"2175550144\", \"2175550145\", \"2175550146\"]} | 2175550146",
                // a review: a nested member's label joined by '_' (patient_mrn) hid the label from the detectors
                "{\"patient\": {\"mrn\": \"A1234567\"}} | A1234567",
                "{\"records\": [{\"mrn\": \"A1234567\"}]} | A1234567",
                "{\"device\": {\"imei\": \"490154203237518\"}} | 490154203237518"
            })
    void hipaaMasksAValueThatNeedsItsKeyInAnAnswerAndAToolCall(String answer, String value) {
        Policy hipaa = preset("HIPAA");
        try (LlmGate gate = gate(hipaa, Reply.text(answer))) {
            assertThat(gate.chat(ChatRequest.of("p:m", "Record?")).text()).doesNotContain(value);
        }
        for (int size : new int[] {1, 7, 64}) {
            assertThat(PolicyInterceptorTest.streamed(hipaa, answer, size))
                    .as("chunks of " + size)
                    .doesNotContain(value);
        }
        try (LlmGate gate = gate(hipaa, Reply.toolCalls(new ToolCall("c1", "save", answer)))) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "Save"));
            assertThat(r.toolCalls().get(0).argumentsJson()).doesNotContain(value);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"name\": \"get_weather\", \"description\": \"Weather for a city\", \"parameters\": {\"type\": \"object\"}}",
                "{\"password_policy\": \"at least 12 characters\", \"show_password\": true}",
                "{\"token_count\": 1234, \"max_tokens\": 512}",
                "{\"id\": 42, \"items\": [1, 2, 3], \"total\": 99.5}"
            })
    void ordinaryJsonStaysAllowed(String answer) {
        for (String presetName : new String[] {"SOC2", "AGENT", "HIPAA", "PCI_DSS"}) {
            try (LlmGate gate = gate(preset(presetName), Reply.text(answer))) {
                assertThat(gate.chat(ChatRequest.of("p:m", "JSON?")).text())
                        .as(presetName)
                        .isEqualTo(answer);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"phone", "ph\\u006fne"})
    void aStreamedArrayLongerThanTheWindowKeepsItsKeyForEveryElement(String key) {
        // review of round 9: elements more than a window after their key were released in clear (an escaped key too)
        StringBuilder answer = new StringBuilder("{\"patient\": {\"" + key + "\": [");
        java.util.List<String> numbers = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String n = "21755" + String.format("%05d", 10007 * (i + 1) % 100000);
            numbers.add(n);
            answer.append(i == 0 ? "" : ", ").append('"').append(n).append('"');
        }
        answer.append("]}}");
        Policy hipaa = preset("HIPAA");
        for (int size : new int[] {1, 7, 64}) {
            String received = PolicyInterceptorTest.streamed(hipaa, answer.toString(), size);
            for (String n : numbers) {
                assertThat(received).as("chunks of " + size).doesNotContain(n);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"{\"password\": [\"n/a\", \"Zq8!vLm2#Rt\"]}", "{\"db\": {\"password\": \"Xk9#mP2$vL8qR4wZ\"}}"})
    void aUserMessageThatIsJsonIsReadMemberByMemberToo(String text) {
        assertThat(preset("SOC2").evaluate(text, PolicyStage.INPUT).verdict()).isEqualTo(Verdict.BLOCK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"firstName\": \"Margaret\", \"lastName\": \"Whitfield\"} | Whitfield",
                "{\"first_name\": \"Margaret\", \"last_name\": \"Whitfield\"} | Whitfield",
                "{\"PatientName\": \"Margaret Whitfield\"} | Whitfield",
                "{\"patient-name\": \"Margaret Whitfield\"} | Whitfield",
                "{\"memberId\": \"XJH123456789\"} | XJH123456789",
                "{\"medicalRecordNumber\": \"00482913\"} | 00482913",
                "{\"socialSecurityNumber\": \"536221234\"} | 536221234",
                "{\"phoneNumber\": \"5552017788\"} | 5552017788",
                "{\"contact\": {\"mobilePhone\": \"5552017788\"}} | 5552017788",
                "{\"patient\": {\"phoneNumbers\": [\"5552017788\"]}} | 5552017788",
                "{\"dateOfBirth\": \"1956-03-14\"} | 1956-03-14",
                "{\"MRNNumber\": \"4471829\"} | 4471829",
                "{\"SSNNumber\": \"536221234\"} | 536221234",
                // plural keys of arrays (the label is the plural's): memberIds and patientMRNs passed, and MRNs was
                // split
                // into "MR Ns" (its "Ns" masked as a name, the key corrupted)
                "{\"memberIds\": [\"XJH48213\", \"QKM77120\"]} | QKM77120",
                "{\"patientMRNs\": [\"00482913\", \"00771209\"]} | 00771209",
                "{\"patientNames\": [\"Zoltan Vrabec\"]} | Vrabec",
                "{\"lastNames\": [\"Vrabec\", \"Whitfield\"]} | Whitfield"
            })
    void hipaaReadsACompoundKeyAsTheWordsOfItsLabel(String answer, String value) {
        // red-team leftover of round 9: camel-case and snake-case keys (the way Java and JavaScript applications write
        // JSON) were read as one word, so {"memberId": …}, {"lastName": …} and {"phoneNumber": …} passed HIPAA
        Policy hipaa = preset("HIPAA");
        assertThat(hipaa.evaluate(answer, PolicyStage.INPUT).findings()).isNotEmpty();
        try (LlmGate gate = gate(hipaa, Reply.text(answer))) {
            assertThat(gate.chat(ChatRequest.of("p:m", "Record?")).text()).doesNotContain(value);
        }
        for (int size : new int[] {1, 7, 64}) {
            assertThat(PolicyInterceptorTest.streamed(hipaa, answer, size))
                    .as("chunks of " + size)
                    .doesNotContain(value);
        }
        try (LlmGate gate = gate(hipaa, Reply.toolCalls(new ToolCall("c1", "save", answer)))) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "Save"));
            assertThat(r.toolCalls().get(0).argumentsJson()).doesNotContain(value);
        }
    }

    @org.junit.jupiter.api.Test
    void pciBlocksACvvUnderACamelCaseKey() {
        String answer = "{\"cardCvv\": \"737\", \"cardExpiry\": \"12/29\"}";
        Policy pci = preset("PCI_DSS");
        try (LlmGate gate = gate(pci, Reply.text(answer))) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "Card?")))
                    .isInstanceOf(PolicyBlockedException.class);
        }
        for (int size : new int[] {1, 7, 64}) {
            assertThatThrownBy(() -> PolicyInterceptorTest.streamed(pci, answer, size))
                    .as("chunks of " + size)
                    .isInstanceOf(PolicyBlockedException.class);
        }
    }

    @org.junit.jupiter.api.Test
    void aStreamedArrayUnderACamelCaseKeyKeepsItsWords() {
        StringBuilder answer = new StringBuilder("{\"patient\": {\"phoneNumbers\": [");
        java.util.List<String> numbers = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String n = "21755" + String.format("%05d", 10007 * (i + 1) % 100000);
            numbers.add(n);
            answer.append(i == 0 ? "" : ", ").append('"').append(n).append('"');
        }
        answer.append("]}}");
        Policy hipaa = preset("HIPAA");
        for (int size : new int[] {1, 7, 64}) {
            String received = PolicyInterceptorTest.streamed(hipaa, answer.toString(), size);
            for (String n : numbers) {
                assertThat(received).as("chunks of " + size).doesNotContain(n);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"displayName\": \"Weather Report\", \"toolName\": \"get_weather\"}",
                "{\"userName\": \"jdoe42\", \"fileName\": \"Quarterly Report.pdf\"}",
                "{\"clientName\": \"Acme Corp\", \"productName\": \"Apple Watch\"}",
                "{\"maxTokens\": 512, \"tokenCount\": 1234, \"passwordPolicy\": \"at least 12 characters\"}",
                // a review: a key ending in a word that labels a person on its own names something else
                "{\"httpClient\": \"OkHttp\", \"emailClient\": \"Microsoft Outlook\", \"apiClient\": \"Axios\"}",
                "{\"http_client\": \"Apache HttpClient\", \"defaultPatient\": \"Demo Record\"}",
                "{\"productNames\": [\"Acme Widget\", \"Globex Turbo\"], \"fileNames\": [\"Report Final.pdf\"]}",
                "{\"patientMRNs\": []}"
            })
    void ordinaryJsonWithCompoundKeysStaysAllowed(String answer) {
        for (String presetName : new String[] {"SOC2", "AGENT", "HIPAA", "PCI_DSS", "GDPR"}) {
            try (LlmGate gate = gate(preset(presetName), Reply.text(answer))) {
                assertThat(gate.chat(ChatRequest.of("p:m", "JSON?")).text())
                        .as(presetName)
                        .isEqualTo(answer);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aValueReadUnderAKeyAsWrittenAndAsItsWordsIsCountedOnce() {
        // a review: {"x-client": …} was found twice (x-client: "…" and x client: "…")
        Decision d = preset("HIPAA").evaluate("{\"x-client\": \"Eleanor Huxtable\"}", PolicyStage.INPUT);
        assertThat(d.findings()).filteredOn(f -> f.type().equals("PERSON_NAME")).hasSize(1);
    }

    @org.junit.jupiter.api.Test
    void pciBlocksACvvUnderAKeyWithAnAcronym() {
        assertThat(preset("PCI_DSS")
                        .evaluate("{\"CVVCode\": \"737\"}", PolicyStage.INPUT)
                        .verdict())
                .isEqualTo(Verdict.BLOCK);
    }
}
