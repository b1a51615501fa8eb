package dev.llmgate.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.GatewayTimeoutException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.SseException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.AssistantMessageParam;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageContentParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.anthropic.models.messages.UserMessageParam;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.Role;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.providers.anthropic.internal.AnthropicServerSide;
import dev.llmgate.providers.anthropic.internal.AnthropicSseEncoder;
import dev.llmgate.providers.anthropic.internal.AnthropicWire;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.Secrets;
import dev.llmgate.providers.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Headers;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The official anthropic-java SDK, pointed at a server that speaks through {@link AnthropicServerSide} and
 * {@link AnthropicSseEncoder}: the SDK's own request bodies are read, and the SDK accepts every answer,
 * stream and error written back, raising the exception its documentation names for each error.
 */
class AnthropicServerSideSdkTest {
    static final String KEY = AnthropicTestSupport.KEY;
    static final Instant NOW = Fixtures.CLOCK.instant();

    @StartStop
    final MockWebServer server = new MockWebServer();

    final AtomicReference<AnthropicServerSide.Intercepted> seen = new AtomicReference<>();
    final AtomicReference<byte[]> seenBody = new AtomicReference<>();
    final AtomicInteger requests = new AtomicInteger();

    /** Serves every request through the codec: read, then {@code answer}. */
    void serve(Function<AnthropicServerSide.Intercepted, MockResponse> answer) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.incrementAndGet();
                byte[] body = request.getBody().toByteArray();
                seenBody.set(body);
                AnthropicServerSide.Intercepted in;
                try {
                    in = AnthropicServerSide.read(body, "anthropic:");
                } catch (InvalidRequestException e) {
                    return reply(AnthropicServerSide.error(e, Secrets.of(KEY), NOW));
                }
                seen.set(in);
                return answer.apply(in);
            }
        });
    }

    final List<AnthropicClient> clients = new ArrayList<>();

    AnthropicClient client(int maxRetries) {
        AnthropicClient c = AnthropicOkHttpClient.builder()
                .apiKey(KEY)
                .baseUrl(server.url("/").toString())
                .maxRetries(maxRetries)
                .build();
        clients.add(c);
        return c;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(AnthropicClient::close);
    }

    static MockResponse reply(AnthropicServerSide.ErrorReply e) {
        return new MockResponse.Builder()
                .code(e.status())
                .headers(e.headers())
                .body(new Buffer().write(e.body()))
                .build();
    }

    static MockResponse json(byte[] body) {
        return new MockResponse.Builder()
                .code(200)
                .addHeader("content-type", "application/json")
                .body(new Buffer().write(body))
                .build();
    }

    static MockResponse sse(List<StreamEvent> events, AnthropicSseEncoder encoder) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (StreamEvent e : events) {
            out.writeBytes(encoder.encode(e));
        }
        return new MockResponse.Builder()
                .code(200)
                .addHeader("content-type", "text/event-stream")
                .body(new Buffer().write(out.toByteArray()))
                .build();
    }

    static ChatResponse response(String id, String text, List<ToolCall> calls, FinishReason reason) {
        return ChatResponse.builder()
                .id(id)
                .provider("anthropic")
                .model("claude-test")
                .text(text)
                .toolCalls(calls)
                .finishReason(reason)
                .usage(new Usage(120, 7, 100, 0, 15))
                .build();
    }

    @Test
    void aPlainSdkRequestIsReadAndItsAnswerParsed() {
        serve(in -> json(AnthropicServerSide.writeMessage(
                response("chatcmpl-1", "Bonjour \uD83D\uDE00", List.of(), FinishReason.STOP), Optional.empty())));
        {
            AnthropicClient client = client(0);
            com.anthropic.models.messages.Message m = client.messages()
                    .create(MessageCreateParams.builder()
                            .model("claude-sonnet-4-5")
                            .maxTokens(300)
                            .system("Be brief.")
                            .addUserMessage("Say hello")
                            .putAdditionalBodyProperty("top_k", JsonValue.from(40))
                            .addStopSequence("END")
                            .enabledThinking(1024)
                            .metadata(Metadata.builder().userId("user-7").build())
                            .build());
            m.validate();
            assertThat(m.id()).startsWith("msg_llmgate_").hasSize("msg_llmgate_".length() + 24);
            assertThat(m.content()).hasSize(1);
            assertThat(m.content().get(0).asText().text()).isEqualTo("Bonjour \uD83D\uDE00");
            assertThat(m.stopReason()).contains(StopReason.END_TURN);
            assertThat(m.usage().inputTokens()).isEqualTo(5);
            assertThat(m.usage().cacheReadInputTokens()).contains(100L);
            assertThat(m.usage().cacheCreationInputTokens()).contains(15L);
            assertThat(m.usage().outputTokens()).isEqualTo(7);
        }
        ChatRequest r = seen.get().request();
        assertThat(seen.get().stream()).isFalse();
        assertThat(r.model()).isEqualTo("anthropic:claude-sonnet-4-5");
        assertThat(r.messages()).containsExactly(Message.system("Be brief."), Message.user("Say hello"));
        assertThat(r.maxOutputTokens()).hasValue(300);
        assertThat(r.stop()).containsExactly("END");
        assertThat(r.providerOptions())
                .containsEntry("top_k", 40)
                .containsEntry("metadata", Map.of("user_id", "user-7"))
                .containsEntry("thinking", Map.of("type", "enabled", "budget_tokens", 1024));
        // what the gate would forward is what the SDK sent
        assertSdkBodyRoundTrips();
    }

    private void assertSdkBodyRoundTrips() {
        byte[] body = seenBody.get();
        AnthropicServerSide.Intercepted in = AnthropicServerSide.read(body, "");
        byte[] forwarded =
                AnthropicWire.requestBody(in.request(), in.stream(), new AnthropicWire.Options(1, false), "anthropic");
        AnthropicServerSideReadTest.assertSameJson(
                AnthropicServerSideReadTest.tree(forwarded),
                AnthropicServerSideReadTest.normalise(AnthropicServerSideReadTest.tree(body)));
    }

    @Test
    void anSdkToolConversationIsReadAndAToolAnswerParsed() {
        ToolCall call = new ToolCall("toolu_01A", "get_weather", "{\"location\":\"Paris\",\"units\":[\"c\"]}");
        serve(in -> json(AnthropicServerSide.writeMessage(
                response("msg_01XYZ", "Checking.", List.of(call), FinishReason.TOOL_CALLS), Optional.empty())));
        Tool tool = Tool.builder()
                .name("get_weather")
                .description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .addRequired("location")
                        .build())
                // a prompt-caching breakpoint: forwarded where the SDK put it (the round trip below)
                .cacheControl(com.anthropic.models.messages.CacheControlEphemeral.builder()
                        .build())
                .build();
        {
            AnthropicClient client = client(0);
            com.anthropic.models.messages.Message m = client.messages()
                    .create(MessageCreateParams.builder()
                            .model("claude-sonnet-4-5")
                            .maxTokens(300)
                            .addTool(tool)
                            .toolChoice(
                                    ToolChoiceTool.builder().name("get_weather").build())
                            .addUserMessage("Weather in Paris?")
                            .addMessage(AssistantMessageParam.builder()
                                    .content(MessageContentParam.ofContentBlockParams(List.of(
                                            ContentBlockParam.ofText("Let me check."),
                                            ContentBlockParam.ofToolUse(ToolUseBlockParam.builder()
                                                    .id("toolu_00")
                                                    .name("get_weather")
                                                    .input(JsonValue.from(Map.of("location", "Lyon")))
                                                    .build()))))
                                    .build())
                            .addMessage(UserMessageParam.builder()
                                    .content(MessageContentParam.ofContentBlockParams(List.of(
                                            ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                                    .toolUseId("toolu_00")
                                                    .content("18 C")
                                                    .isError(true) // carried beside the neutral tool message
                                                    .cacheControl(
                                                            com.anthropic.models.messages.CacheControlEphemeral
                                                                    .builder()
                                                                    .build())
                                                    .build()),
                                            ContentBlockParam.ofText("And Paris?"))))
                                    .build())
                            .build());
            m.validate();
            assertThat(m.id()).isEqualTo("msg_01XYZ");
            assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
            assertThat(m.content()).hasSize(2);
            assertThat(m.content().get(0).asText().text()).isEqualTo("Checking.");
            assertThat(m.content().get(1).asToolUse().id()).isEqualTo("toolu_01A");
            assertThat(m.content().get(1).asToolUse().name()).isEqualTo("get_weather");
            assertThat(m.content().get(1).asToolUse()._input())
                    .isEqualTo(JsonValue.from(Map.of("location", "Paris", "units", List.of("c"))));
        }
        ChatRequest r = seen.get().request();
        assertThat(r.toolChoice()).contains(ToolChoice.tool("get_weather"));
        assertThat(r.tools().get(0).parametersJsonSchema()).contains("\"required\":[\"location\"]");
        assertThat(r.messages())
                .extracting(Message::role)
                .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.USER);
        assertThat(r.metadata().attributes()).containsEntry(AnthropicWire.TOOL_ERRORS_ATTRIBUTE, "toolu_00");
        assertThat(r.messages().get(1).toolCalls())
                .containsExactly(new ToolCall("toolu_00", "get_weather", "{\"location\":\"Lyon\"}"));
        assertThat(r.messages().get(2)).isEqualTo(Message.tool("toolu_00", "18 C"));
        assertSdkBodyRoundTrips();
    }

    @Test
    void theSdkAccumulatesAnEncodedStreamToTheSameTextAndToolCalls() {
        List<StreamEvent> events = List.of(
                new StreamEvent.TextDelta("Let me "),
                new StreamEvent.TextDelta("check \"Paris\"\n\u2028\u0000."),
                new StreamEvent.ToolCallDelta(0, Optional.of("toolu_A"), Optional.of("get_weather"), ""),
                new StreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "{\"location\":"),
                new StreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "\"Paris\"}"),
                new StreamEvent.ToolCallDelta(1, Optional.of("toolu_B"), Optional.of("get_time"), "{}"),
                new StreamEvent.ToolCallDelta(2, Optional.of("toolu_C"), Optional.of("noop"), ""),
                new StreamEvent.UsageUpdate(new Usage(50, 9, 10, 0, 0)),
                StreamEvent.Finish.of(FinishReason.TOOL_CALLS, "msg_x", "anthropic", "claude-test"));
        serve(in -> sse(events, AnthropicSseEncoder.synthesised(in.model())));
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> types = new ArrayList<>();
        AnthropicClient client = client(0);
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
                .createStreaming(MessageCreateParams.builder()
                        .model("claude-sonnet-4-5")
                        .maxTokens(100)
                        .addUserMessage("Weather?")
                        .build())) {
            stream.stream().forEach(e -> {
                e.validate();
                types.add(kind(e));
                accumulator.accumulate(e);
            });
        }
        assertThat(seen.get().stream()).isTrue();
        com.anthropic.models.messages.Message m = accumulator.message();
        assertThat(m.model().asString()).isEqualTo("claude-sonnet-4-5");
        assertThat(m.id()).startsWith("msg_llmgate_");
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        List<ContentBlock> content = m.content();
        assertThat(content).hasSize(4);
        assertThat(content.get(0).asText().text()).isEqualTo("Let me check \"Paris\"\n\u2028\u0000.");
        assertThat(content.get(1).asToolUse().id()).isEqualTo("toolu_A");
        assertThat(content.get(1).asToolUse()._input()).isEqualTo(JsonValue.from(Map.of("location", "Paris")));
        assertThat(content.get(2).asToolUse().name()).isEqualTo("get_time");
        assertThat(content.get(3).asToolUse()._input()).isEqualTo(JsonValue.from(Map.of()));
        assertThat(m.usage().inputTokens()).isEqualTo(40);
        assertThat(m.usage().cacheReadInputTokens()).contains(10L);
        assertThat(m.usage().outputTokens()).isEqualTo(9);
        assertThat(types)
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
    }

    private static String kind(RawMessageStreamEvent e) {
        if (e.isMessageStart()) {
            return "message_start";
        }
        if (e.isContentBlockStart()) {
            return "content_block_start";
        }
        if (e.isContentBlockDelta()) {
            return "content_block_delta";
        }
        if (e.isContentBlockStop()) {
            return "content_block_stop";
        }
        if (e.isMessageDelta()) {
            return "message_delta";
        }
        return e.isMessageStop() ? "message_stop" : "unknown";
    }

    @Test
    void aFailureAfterTheStreamBeganReachesTheSdkAsAnErrorNotACleanEnd() {
        serve(in -> {
            AnthropicSseEncoder encoder = AnthropicSseEncoder.synthesised(in.model());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(encoder.encode(new StreamEvent.TextDelta("partial")));
            out.writeBytes(encoder.error(
                    new OverloadedException(
                            "upstream overloaded, key " + KEY, ErrorDetails.of("anthropic"), Optional.empty()),
                    Secrets.of(KEY)));
            out.writeBytes(encoder.encode(StreamEvent.Finish.of(FinishReason.STOP, "", "", "")));
            return new MockResponse.Builder()
                    .code(200)
                    .addHeader("content-type", "text/event-stream")
                    .body(new Buffer().write(out.toByteArray()))
                    .build();
        });
        List<RawMessageStreamEvent> got = new ArrayList<>();
        AnthropicClient client = client(0);
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
                .createStreaming(MessageCreateParams.builder()
                        .model("claude-x")
                        .maxTokens(10)
                        .addUserMessage("hi")
                        .build())) {
            assertThatThrownBy(() -> stream.stream().forEach(got::add))
                    .isInstanceOf(SseException.class)
                    .satisfies(t -> {
                        SseException e = (SseException) t;
                        assertThat(e.body().toString())
                                .contains("overloaded_error")
                                .doesNotContain("TESTKEY");
                        assertThat(e.getMessage()).doesNotContain("TESTKEY");
                    });
        }
        assertThat(got).isNotEmpty().noneMatch(RawMessageStreamEvent::isMessageStop);
    }

    // ---------------------------------------------------------------------------------------------
    // Errors

    AnthropicServiceException sdkError(LlmException e, int maxRetries) {
        serve(in -> reply(AnthropicServerSide.error(e, Secrets.of(KEY), NOW)));
        AnthropicClient client = client(maxRetries);
        try {
            client.messages()
                    .create(MessageCreateParams.builder()
                            .model("claude-x")
                            .maxTokens(10)
                            .addUserMessage("hi")
                            .build());
        } catch (AnthropicServiceException thrown) {
            assertThat(thrown.getMessage()).doesNotContain("TESTKEY");
            assertThat(thrown.body().toString()).doesNotContain("TESTKEY");
            return thrown;
        }
        throw new AssertionError("the SDK accepted an error answer");
    }

    @Test
    void aPolicyBlockIsAPermissionErrorNamingTheRule() {
        AnthropicServiceException e = sdkError(
                new PolicyBlockedException(
                        "blocked by policy 'hipaa' at request (rules [phi.ssn], findings {phi.ssn=1})",
                        List.of("phi.ssn")),
                2);
        assertThat(e).isInstanceOf(com.anthropic.errors.PermissionDeniedException.class);
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.getMessage()).contains("phi.ssn").contains("permission_error");
        assertThat(requests).hasValue(1);
    }

    @Test
    void aBudgetIsARateLimitErrorThatTheSdkDoesNotRetry() {
        AnthropicServiceException e = sdkError(
                new BudgetExceededException(
                        "budget exceeded", "tenant=acme tokens<=100", Duration.ofHours(1), NOW.plusMillis(90_500)),
                2);
        assertThat(e).isInstanceOf(RateLimitException.class);
        assertThat(e.headers().values("retry-after")).containsExactly("91");
        assertThat(e.headers().values("x-should-retry")).containsExactly("false");
        assertThat(requests).hasValue(1); // not 3: the SDK would otherwise sleep the retry-after, then ask again
    }

    @Test
    void aRateLimitIsRetriedByTheSdkAfterTheTimeItWasTold() {
        AnthropicServiceException e = sdkError(
                new RateLimitedException(
                        "slow down",
                        ErrorDetails.of("anthropic", 429, "rate_limit_error", "req_1"),
                        Optional.of(Duration.ZERO)),
                2);
        assertThat(e).isInstanceOf(RateLimitException.class);
        assertThat(e.requestId()).contains("req_1");
        assertThat(requests).hasValue(3);
    }

    @Test
    void overloadTimeoutAndServerErrorsKeepTheirMeaning() {
        AnthropicServiceException overloaded = sdkError(
                new OverloadedException("busy", ErrorDetails.of("anthropic"), Optional.of(Duration.ofSeconds(2))), 0);
        assertThat(overloaded).isInstanceOf(com.anthropic.errors.OverloadedException.class);
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(overloaded.headers().values("retry-after")).containsExactly("2");

        assertThat(sdkError(new RequestTimeoutException("too slow", ErrorDetails.of("anthropic")), 0))
                .isInstanceOf(GatewayTimeoutException.class);
        AnthropicServiceException network =
                sdkError(new NetworkException("connection reset", ErrorDetails.of("anthropic"), null), 0);
        assertThat(network).isInstanceOf(InternalServerException.class);
        assertThat(network.statusCode()).isEqualTo(500);
        assertThat(sdkError(
                        new InvalidRequestException(
                                "no such model", ErrorDetails.of("anthropic", 404, "not_found_error", "")),
                        0))
                .isInstanceOf(com.anthropic.errors.NotFoundException.class);
    }

    /** The client's key, echoed by the upstream in its error, reaches neither the SDK's exception nor its body. */
    @Test
    void theClientsKeyEchoedByTheUpstreamNeverReachesTheClient() {
        ProviderErrors errors = new ProviderErrors("anthropic", KEY);
        LlmException upstream = errors.fromStatus(
                401,
                Headers.of("request-id", "req_2"),
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key "
                        + KEY + " (Authorization: Bearer " + KEY + ")\"}}",
                Fixtures.blocking());
        assertThat(upstream).isInstanceOf(AuthenticationException.class);
        AnthropicServiceException e = sdkError(upstream, 2);
        assertThat(e).isInstanceOf(UnauthorizedException.class);
        assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain("abcdefghijklmnop");
        // an exception whose own message carries the key (e.g. a client stack's I/O error) is masked too
        AnthropicServerSide.ErrorReply raw = AnthropicServerSide.error(
                new NetworkException("failed: Authorization: Bearer " + KEY, ErrorDetails.NONE, null),
                Secrets.of(KEY),
                NOW);
        assertThat(new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("TESTKEY")
                .contains("[REDACTED]");
    }

    @Test
    void aRequestTheGateCannotCarryIsA400ThatTheSdkDoesNotRetry() {
        serve(in -> {
            throw new AssertionError("read should have refused it");
        });
        {
            AnthropicClient client = client(2);
            assertThatThrownBy(() -> client.messages()
                            .create(MessageCreateParams.builder()
                                    .model("claude-x")
                                    .maxTokens(10)
                                    .addUserMessage(MessageContentParam.ofContentBlockParams(
                                            List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                                    .toolUseId("t")
                                                    .contentOfBlocks(List.of(
                                                            ToolResultBlockParam.Content.Block.ofText("a"),
                                                            ToolResultBlockParam.Content.Block.ofText("b")))
                                                    .build()))))
                                    .build()))
                    .isInstanceOf(com.anthropic.errors.BadRequestException.class)
                    .hasMessageContaining("several content blocks");
        }
        assertThat(requests).hasValue(1);
    }
}
