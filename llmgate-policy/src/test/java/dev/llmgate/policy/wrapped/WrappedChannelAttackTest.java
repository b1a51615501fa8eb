package dev.llmgate.policy.wrapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFormatTextJsonSchemaConfig;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseTextConfig;
import com.openai.models.responses.ToolChoiceFunction;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.openaisdk.LlmGateOpenAiHttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PCI DSS preset through the wrapped openai-java SDK, attacked where a red-team review found channels the gate
 * did not examine: members the gate reads only in part (a schema's description, a tool choice's extra member, values
 * of the wrong type), embeddings' other members, Responses members written back only in part, tool-call ids, and
 * answer members passed on as upstream sent them. Each test fails on the code before the fix: a raw card number
 * reached upstream or the application.
 */
class WrappedChannelAttackTest {
    static final String PAN = "4111111111111111";

    static final String CHAT_OK = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"ok\",\"refusal\":null},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    static final String RESPONSE_OK = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,"
            + "\"status\":\"completed\",\"model\":\"gpt-4o-mini\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\","
            + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"ok\","
            + "\"annotations\":[]}]}],\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}";
    static final String EMBEDDING_OK = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":[0.1,0.2]}],\"model\":\"text-embedding-3-small\","
            + "\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}";

    MockWebServer server;
    LlmGate gate;
    OpenAIClient client;

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
        client = new OpenAIClientImpl(ClientOptions.builder()
                .httpClient(LlmGateOpenAiHttpClient.wrap(
                        gate,
                        "openai",
                        com.openai.client.okhttp.OkHttpClient.builder().build()))
                .baseUrl(server.url("/v1").toString())
                .apiKey("sk-test-0123456789abcdef")
                .maxRetries(0)
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        gate.close();
        server.close();
    }

    void answer(String body) {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build());
    }

    void stream(String body) {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(body)
                .build());
    }

    /** Everything that reached upstream: each request's target, headers and body. */
    List<String> upstream() throws Exception {
        List<String> seen = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            seen.add(r.getTarget() + "\n" + r.getHeaders() + "\n"
                    + (r.getBody() == null ? "" : r.getBody().utf8()));
        }
        return seen;
    }

    void noCardReachedUpstream() throws Exception {
        assertThat(upstream()).noneMatch(s -> s.contains(PAN));
    }

    static ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hello");
    }

    @Test
    void aSchemaDescriptionTheGateDoesNotReadIsRefusedNotForwarded() throws Exception {
        answer(CHAT_OK);
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat().responseFormat(ResponseFormatJsonSchema.builder()
                                        .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                                                .name("answer")
                                                .description("the customer paid with card " + PAN)
                                                .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                                        .putAdditionalProperty("type", JsonValue.from("object"))
                                                        .build())
                                                .build())
                                        .build())
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("description");
        noCardReachedUpstream();
    }

    @Test
    void aToolChoiceWithAMemberTheGateDoesNotReadIsRefused() throws Exception {
        answer(CHAT_OK);
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat().addTool(ChatCompletionFunctionTool.builder()
                                        .function(FunctionDefinition.builder()
                                                .name("f")
                                                .build())
                                        .build())
                                .toolChoice(ChatCompletionNamedToolChoice.builder()
                                        .function(ChatCompletionNamedToolChoice.Function.builder()
                                                .name("f")
                                                .build())
                                        .putAdditionalProperty("note", JsonValue.from("card " + PAN))
                                        .build())
                                .build()))
                .isInstanceOf(BadRequestException.class);
        noCardReachedUpstream();
    }

    @Test
    void valuesOfTheWrongTypeInMembersTheGateReadsAreRefused() throws Exception {
        answer(CHAT_OK);
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat().putAdditionalBodyProperty("temperature", JsonValue.from(PAN))
                                .build()))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat().putAdditionalBodyProperty("stream_options", JsonValue.from(Map.of("note", PAN)))
                                .build()))
                .isInstanceOf(BadRequestException.class);
        noCardReachedUpstream();
    }

    @Test
    void toolCallIdsAreExaminedInTheHistoryAndInTheAnswer() throws Exception {
        answer(CHAT_OK);
        client.chat()
                .completions()
                .create(chat().addMessage(ChatCompletionAssistantMessageParam.builder()
                                .addToolCall(ChatCompletionMessageFunctionToolCall.builder()
                                        .id("call_" + PAN)
                                        .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                                                .name("lookup")
                                                .arguments("{}")
                                                .build())
                                        .build())
                                .build())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId("call_" + PAN)
                                .content("found")
                                .build())
                        .build());
        List<String> seen = upstream();
        assertThat(seen).hasSize(1).noneMatch(s -> s.contains(PAN));
        // the call and its result still answer each other
        assertThat(seen.get(0)).contains("\"id\":\"call_redacted\"", "\"tool_call_id\":\"call_redacted\"");

        // two ids that both hold a card stay two ids, each still paired with its result
        answer(CHAT_OK);
        ChatCompletionAssistantMessageParam.Builder two = ChatCompletionAssistantMessageParam.builder();
        for (String id : List.of("call_" + PAN, "call_5555555555554444")) {
            two.addToolCall(ChatCompletionMessageFunctionToolCall.builder()
                    .id(id)
                    .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                            .name("lookup")
                            .arguments("{}")
                            .build())
                    .build());
        }
        client.chat()
                .completions()
                .create(chat().addMessage(two.build())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId("call_5555555555554444")
                                .content("second")
                                .build())
                        .addMessage(ChatCompletionToolMessageParam.builder()
                                .toolCallId("call_" + PAN)
                                .content("first")
                                .build())
                        .build());
        String body = upstream().get(0);
        assertThat(body)
                .doesNotContain(PAN, "5555555555554444")
                .contains(
                        "{\"role\":\"tool\",\"content\":\"second\",\"tool_call_id\":\"call_redacted_2\"}",
                        "{\"role\":\"tool\",\"content\":\"first\",\"tool_call_id\":\"call_redacted\"}");

        answer("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
                + "\"tool_calls\":[{\"id\":\"" + PAN + "\",\"type\":\"function\",\"function\":{\"name\":\"" + PAN
                + "\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}");
        ChatCompletion c = client.chat().completions().create(chat().build());
        assertThat(c.choices().get(0).message().toolCalls().orElseThrow().toString())
                .doesNotContain(PAN);
    }

    @Test
    void embeddingsRefuseMembersBesideTheTextsToEmbed() throws Exception {
        answer(EMBEDDING_OK);
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("text-embedding-3-small")
                                .input("hello")
                                .user(PAN)
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("\"user\"");
        assertThatThrownBy(() -> client.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model("text-embedding-3-small")
                                .input("hello")
                                .putAdditionalBodyProperty("metadata", JsonValue.from(Map.of("card", PAN)))
                                .build()))
                .isInstanceOf(BadRequestException.class);
        noCardReachedUpstream();
    }

    static ResponseCreateParams.Builder responses() {
        return ResponseCreateParams.builder().model("gpt-4o-mini").input("hello");
    }

    static ResponseFormatTextJsonSchemaConfig.Schema objectSchema() {
        return ResponseFormatTextJsonSchemaConfig.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .build();
    }

    @Test
    void aResponsesSchemaNameIsSentAsRedactedAndItsDescriptionIsRefused() throws Exception {
        answer(RESPONSE_OK);
        client.responses()
                .create(responses()
                        .text(ResponseTextConfig.builder()
                                .format(ResponseFormatTextJsonSchemaConfig.builder()
                                        .name("card_" + PAN)
                                        .schema(objectSchema())
                                        .build())
                                .build())
                        .build());
        noCardReachedUpstream();
        answer(RESPONSE_OK);
        assertThatThrownBy(() -> client.responses()
                        .create(responses()
                                .text(ResponseTextConfig.builder()
                                        .format(ResponseFormatTextJsonSchemaConfig.builder()
                                                .name("answer")
                                                .description("card " + PAN)
                                                .schema(objectSchema())
                                                .build())
                                        .build())
                                .build()))
                .isInstanceOf(BadRequestException.class);
        noCardReachedUpstream();
    }

    @Test
    void aResponsesToolChoiceFollowsItsToolsRedactedNameAndInstructionsMustBeAString() throws Exception {
        answer(RESPONSE_OK);
        client.responses()
                .create(responses()
                        .addTool(FunctionTool.builder()
                                .name(PAN)
                                .parameters(FunctionTool.Parameters.builder().build())
                                .strict(false)
                                .build())
                        .toolChoice(ToolChoiceFunction.builder().name(PAN).build())
                        .build());
        noCardReachedUpstream();
        answer(RESPONSE_OK);
        assertThatThrownBy(() -> client.responses()
                        .create(responses()
                                .putAdditionalBodyProperty("instructions", JsonValue.from(List.of("card " + PAN)))
                                .build()))
                .isInstanceOf(BadRequestException.class);
        noCardReachedUpstream();
    }

    @Test
    void aResponsesCallIdHoldingACardNeverReachesUpstream() throws Exception {
        answer(RESPONSE_OK);
        try {
            client.responses()
                    .create(ResponseCreateParams.builder()
                            .model("gpt-4o-mini")
                            .inputOfResponse(List.of(
                                    ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder()
                                            .callId("call_" + PAN)
                                            .name("lookup")
                                            .arguments("{}")
                                            .build()),
                                    ResponseInputItem.ofFunctionCallOutput(
                                            ResponseInputItem.FunctionCallOutput.builder()
                                                    .callId("call_" + PAN)
                                                    .output("found")
                                                    .build())))
                            .build());
        } catch (BadRequestException refused) {
            // refused (an id cannot be changed in place in a Responses body): nothing was sent
        }
        noCardReachedUpstream();
    }

    @Test
    void aResponsesAnswersAnnotationsLogprobsAndCallNamesReachTheClientOnlyAsExamined() throws Exception {
        answer("{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\","
                + "\"model\":\"gpt-4o-mini\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\","
                + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"see the source\","
                + "\"annotations\":[{\"type\":\"url_citation\",\"start_index\":0,\"end_index\":3,\"title\":\"card "
                + PAN
                + "\",\"url\":\"https://example.com/?pan=" + PAN + "\"}],\"logprobs\":[{\"token\":\"" + PAN
                + "\",\"logprob\":0,\"bytes\":[],\"top_logprobs\":[]}]}]}],"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}");
        Response r = client.responses().create(responses().build());
        assertThat(r.output().toString()).doesNotContain(PAN).contains("see the source");

        answer("{\"id\":\"resp_2\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\","
                + "\"model\":\"gpt-4o-mini\",\"output\":[{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_"
                + PAN + "\",\"name\":\"" + PAN + "\",\"arguments\":\"{}\",\"status\":\"completed\"}],"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}");
        Response call = client.responses().create(responses().build());
        assertThat(call.output().toString()).doesNotContain(PAN);
    }

    static String event(String type, String json) {
        return "event: " + type + "\ndata: {\"type\":\"" + type + "\"," + json + "}\n\n";
    }

    static String streamedAnswer(String completedOutput) {
        String created = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"in_progress\","
                + "\"model\":\"gpt-4o-mini\",\"output\":[]}";
        String completed = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":\"completed\","
                + "\"model\":\"gpt-4o-mini\",\"output\":[" + completedOutput + "],"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}";
        return event("response.created", "\"sequence_number\":0,\"response\":" + created)
                + event(
                        "response.output_item.added",
                        "\"sequence_number\":1,\"output_index\":0,\"item\":{\"type\":\"message\",\"id\":\"msg_1\","
                                + "\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}")
                + event(
                        "response.output_text.delta",
                        "\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
                                + "\"delta\":\"ok\"")
                + event("response.completed", "\"sequence_number\":3,\"response\":" + completed);
    }

    static final String MESSAGE_ITEM = "{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\","
            + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"ok\",\"annotations\":[]}]}";

    String streamed() {
        StringBuilder events = new StringBuilder();
        try (var s = client.responses().createStreaming(responses().build())) {
            s.stream().forEach(e -> events.append(e).append('\n'));
        } catch (RuntimeException failed) {
            events.append("FAILED ").append(failed.getClass().getSimpleName());
        }
        return events.toString();
    }

    @Test
    void aStreamsCompletedResponseCarriesOnlyWhatItsEventsCarried() throws Exception {
        // a function call the events never announced, with a card in its arguments
        stream(streamedAnswer(MESSAGE_ITEM + ",{\"type\":\"function_call\",\"id\":\"fc_9\",\"call_id\":\"call_9\","
                + "\"name\":\"pay\",\"arguments\":\"{\\\"pan\\\":\\\"" + PAN + "\\\"}\",\"status\":\"completed\"}"));
        assertThat(streamed()).doesNotContain(PAN).contains("ok");
        // a reasoning summary (text the gate cannot examine): the stream fails rather than pass it
        stream(streamedAnswer("{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[{\"type\":\"summary_text\","
                + "\"text\":\"card " + PAN + "\"}]}," + MESSAGE_ITEM));
        assertThat(streamed()).doesNotContain(PAN);
    }

    @Test
    void queryParametersTheGateDoesNotExamineAreRefusedAndAzuresApiVersionPasses() throws Exception {
        answer(CHAT_OK);
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat().putAdditionalQueryParam("card", PAN).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("'card'")
                .hasMessageNotContaining(PAN);
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(chat().putAdditionalQueryParam("api-version", PAN)
                                .build()))
                .isInstanceOf(BadRequestException.class);
        noCardReachedUpstream();
        client.chat()
                .completions()
                .create(chat().putAdditionalQueryParam("api-version", "2024-10-21")
                        .build());
        assertThat(upstream()).singleElement().asString().startsWith("/v1/chat/completions?api-version=2024-10-21");
    }

    @Test
    void ordinarySdkCallsAreNotRefused() throws Exception {
        // a stream asking for no obfuscation padding (openai-java 4.x), and a Responses conversation that sends the
        // previous answer's message back (its output_text carries "logprobs": [])
        stream("data: [DONE]\n\n");
        try (var s = client.chat()
                .completions()
                .createStreaming(
                        chat().streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
                                        .includeUsage(true)
                                        .includeObfuscation(false)
                                        .build())
                                .build())) {
            s.stream().count();
        }
        String withLogprobs = RESPONSE_OK.replace("\"annotations\":[]", "\"annotations\":[],\"logprobs\":[]");
        answer(withLogprobs);
        Response first = client.responses().create(responses().build());
        List<ResponseInputItem> items = new ArrayList<>();
        items.add(ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                .role(com.openai.models.responses.EasyInputMessage.Role.USER)
                .content("hello")
                .build()));
        first.output().stream()
                .filter(o -> o.isMessage())
                .forEach(o -> items.add(ResponseInputItem.ofResponseOutputMessage(o.asMessage())));
        answer(RESPONSE_OK);
        client.responses()
                .create(ResponseCreateParams.builder()
                        .model("gpt-4o-mini")
                        .inputOfResponse(items)
                        .build());
        assertThat(upstream()).hasSize(3);
    }
}
