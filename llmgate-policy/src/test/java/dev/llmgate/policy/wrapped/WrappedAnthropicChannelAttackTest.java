package dev.llmgate.policy.wrapped;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.anthropicsdk.LlmGateAnthropicHttpClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PCI DSS preset through the wrapped anthropic-java SDK, attacked where a red-team review found members the gate
 * passed on unexamined: tool-use ids (in the history and in answers), a {@code stop_details} explanation outside a
 * refusal, a refusal's explanation the policy redacted, thinking blocks and citations, and extra members of the usage
 * object (blocking, and in a stream's {@code message_start}). Each test fails on the code before the fix.
 */
class WrappedAnthropicChannelAttackTest {
    static final String PAN = "4111111111111111";
    static final String OK =
            "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";

    MockWebServer server;
    LlmGate gate;
    AnthropicClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        QueueDispatcher d = new QueueDispatcher();
        d.setFailFast(
                new MockResponse.Builder().code(599).body("no answer queued").build());
        server.setDispatcher(d);
        server.start();
        gate = LlmGate.builder()
                .addInterceptor(Policy.builder()
                        .preset(CompliancePreset.PCI_DSS)
                        .build()
                        .interceptor())
                .build();
        client = AnthropicOkHttpClient.builder()
                .apiKey("sk-ant-test-0123456789")
                .baseUrl(server.url("/").toString())
                .maxRetries(0)
                .interceptors(List.of(LlmGateAnthropicHttpClient.interceptor(gate, WrapOptions.of("anthropic"))))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        gate.close();
        server.close();
    }

    void answer(String type, String body) {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", type)
                .body(body)
                .build());
    }

    static MessageCreateParams.Builder ask() {
        return MessageCreateParams.builder()
                .model("claude-sonnet-4-5")
                .maxTokens(100)
                .addUserMessage("hello");
    }

    @Test
    void toolUseIdsInTheHistoryReachUpstreamRedactedAndStillPaired() throws Exception {
        answer("application/json", OK);
        client.messages()
                .create(ask().addAssistantMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolUse(ToolUseBlockParam.builder()
                                        .id("toolu_" + PAN)
                                        .name("lookup")
                                        .input(ToolUseBlockParam.Input.builder().build())
                                        .build())))
                        .addUserMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId("toolu_" + PAN)
                                        .content("found")
                                        .build())))
                        .build());
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        String body = r.getBody().utf8();
        assertThat(body)
                .doesNotContain(PAN)
                .contains("\"id\":\"toolu_redacted\"", "\"tool_use_id\":\"toolu_redacted\"");
    }

    @Test
    void anAnswerReachesTheAppWithOnlyWhatThePolicyExamined() {
        answer(
                "application/json",
                "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                        + "\"content\":[{\"type\":\"thinking\",\"thinking\":\"the card is " + PAN
                        + "\",\"signature\":\"s\"},"
                        + "{\"type\":\"text\",\"text\":\"ok\",\"citations\":[{\"type\":\"char_location\",\"cited_text\":\"card "
                        + PAN + "\",\"document_index\":0,\"start_char_index\":0,\"end_char_index\":4}]},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_" + PAN + "\",\"name\":\"lookup\",\"input\":{}}],"
                        + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                        + "\"stop_details\":{\"type\":\"note\",\"explanation\":\"card " + PAN + "\"},"
                        + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"note\":\"card " + PAN + "\"}}");
        Message m = client.messages().create(ask().build());
        assertThat(m.toString()).doesNotContain(PAN).contains("ok", "lookup");
    }

    @Test
    void aRefusalsExplanationReachesTheAppAsThePolicyRedactedIt() {
        answer(
                "application/json",
                "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                        + "\"content\":[],\"stop_reason\":\"refusal\",\"stop_sequence\":null,"
                        + "\"stop_details\":{\"type\":\"refusal\",\"category\":\"cyber\",\"explanation\":\"it held card "
                        + PAN + "\"},\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        Message m = client.messages().create(ask().build());
        assertThat(m.toString()).doesNotContain(PAN).contains("it held card");
    }

    @Test
    void aStreamsMessageStartCarriesOnlyTheUsageCounts() {
        answer(
                "text/event-stream",
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                        + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,"
                        + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"service_tier\":\"standard\","
                        + "\"note\":\"card " + PAN + "\"}}}\n\n"
                        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_" + PAN
                        + "\",\"name\":\"lookup\",\"input\":{}}}\n\n"
                        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}\n\n"
                        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}\n\n"
                        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        StringBuilder events = new StringBuilder();
        try (var s = client.messages().createStreaming(ask().build())) {
            s.stream().forEach(e -> events.append(e).append('\n'));
        }
        assertThat(events.toString()).doesNotContain(PAN).contains("standard", "lookup");
    }

    @Test
    void queryParametersTheGateDoesNotExamineAreRefused() throws Exception {
        answer("application/json", OK);
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> client.messages()
                .create(ask().putAdditionalQueryParam("card", PAN).build()));
        assertThat(refused).isInstanceOf(com.anthropic.errors.BadRequestException.class);
        assertThat(refused.getMessage()).doesNotContain(PAN);
        assertThat(server.takeRequest(100, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aToolLoopThatSendsTheAnswerBackIsNotRefused() throws Exception {
        // the SDK turns the answer into a request param as it came, "citations": null included
        answer(
                "application/json",
                "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"Let me check.\",\"citations\":null},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"GetWeather\",\"input\":{\"city\":\"Paris\"}}],"
                        + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        MessageCreateParams.Builder b = ask().addTool(com.anthropic.models.messages.Tool.builder()
                .name("GetWeather")
                .inputSchema(
                        com.anthropic.models.messages.Tool.InputSchema.builder().build())
                .build());
        Message m = client.messages().create(b.build());
        b.addMessage(m);
        b.addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                .toolUseId(m.content().get(1).asToolUse().id())
                .content("20C")
                .build())));
        answer("application/json", OK);
        client.messages().create(b.build());
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aFailedToolResultStaysFailedWhenItsIdIsRedacted() throws Exception {
        answer("application/json", OK);
        client.messages()
                .create(ask().addAssistantMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolUse(ToolUseBlockParam.builder()
                                        .id("toolu_" + PAN)
                                        .name("lookup")
                                        .input(ToolUseBlockParam.Input.builder().build())
                                        .build())))
                        .addUserMessageOfContentBlockParams(
                                List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                        .toolUseId("toolu_" + PAN)
                                        .content("the lookup failed")
                                        .isError(true)
                                        .build())))
                        .build());
        String body = server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
        assertThat(body)
                .doesNotContain(PAN)
                .contains("\"tool_use_id\":\"toolu_redacted\"")
                .contains("\"is_error\":true");
    }
}
