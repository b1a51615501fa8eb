package dev.llmgate.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.LocalModelServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Existing LangChain4j models (OpenAI's) behind a gate: the chain, fallback between them, errors both ways. */
class LangChain4jProviderTest {
    MockWebServer primary;
    MockWebServer backup;
    final List<AttemptEvent> attempts = new CopyOnWriteArrayList<>();

    interface Assistant {
        String chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    @BeforeEach
    void start() throws Exception {
        primary = new MockWebServer();
        backup = new MockWebServer();
        primary.start();
        backup.start();
    }

    @AfterEach
    void stop() {
        primary.close();
        backup.close();
    }

    static MockResponse rateLimited() {
        return new MockResponse.Builder()
                .code(429)
                .addHeader("Content-Type", "application/json")
                .body(LangChain4jOnGateTest.fixture("429-rate-limit-exceeded.gpt-pilot-pr53.json"))
                .build();
    }

    static MockResponse ok() {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(LangChain4jOnGateTest.fixture("chat-completions.default.response.json"))
                .build();
    }

    static OpenAiChatModel existing(MockWebServer server) {
        return OpenAiChatModel.builder()
                .baseUrl(server.url("/v1").toString())
                .apiKey("sk-existing-0123456789")
                .modelName("gpt-4o-mini")
                .maxRetries(0) // the gate's route is the one retry layer
                .build();
    }

    LlmGate gate(Policy policy) {
        return LlmGate.builder()
                .provider("primary", LangChain4jProvider.of("primary", existing(primary)))
                .provider(
                        "backup",
                        LangChain4jProvider.builder("backup")
                                .chatModel(existing(backup))
                                .streamingChatModel(OpenAiStreamingChatModel.builder()
                                        .baseUrl(backup.url("/v1").toString())
                                        .apiKey("sk-existing-0123456789")
                                        .modelName("gpt-4o-mini")
                                        .build())
                                .build())
                .addInterceptor(Router.builder()
                        .route(Route.builder("assistant")
                                .deployment(Deployment.of("primary:default"))
                                .deployment(Deployment.of("backup:default"))
                                .retry(RetryPolicy.NONE)
                                .build())
                        .listener(attempts::add)
                        .build())
                .addInterceptor(policy.interceptor())
                .build();
    }

    @Test
    void anExistingModelFallsOverToAnotherThroughTheGatesRoute() throws Exception {
        primary.enqueue(rateLimited());
        backup.enqueue(ok());
        try (LlmGate gate =
                gate(Policy.builder().preset(CompliancePreset.PCI_DSS).build())) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(GateChatModel.builder(gate).model("assistant").build())
                    .build();
            String answer = assistant.chat("Charge card 4111 1111 1111 1111 please");
            assertThat(answer).isEqualTo("Hello! How can I assist you today?");
        }
        assertThat(attempts)
                .extracting(a -> a.provider() + ":" + a.outcome())
                .containsExactly("primary:RateLimitedException", "backup:success");
        String sentToPrimary =
                primary.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
        String sentToBackup = backup.takeRequest(5, TimeUnit.SECONDS).getBody().utf8();
        assertThat(LangChain4jOnGateTest.JSON
                        .readTree(sentToPrimary)
                        .get("model")
                        .asText())
                .isEqualTo("gpt-4o-mini");
        assertThat(sentToPrimary).doesNotContain("4111");
        assertThat(sentToBackup).doesNotContain("4111");
    }

    @Test
    void whenEveryModelFailsTheApplicationSeesLangChain4jsExceptionWithTheGatesCause() {
        primary.enqueue(rateLimited());
        backup.enqueue(rateLimited());
        try (LlmGate gate = gate(Policy.builder().build())) {
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(GateChatModel.builder(gate).model("assistant").build())
                    .build();
            assertThatThrownBy(() -> assistant.chat("hi"))
                    .isInstanceOf(dev.langchain4j.exception.RateLimitException.class)
                    .hasCauseInstanceOf(RateLimitedException.class);
        }
    }

    @Test
    void anExistingStreamingModelStreamsThroughTheGate() throws Exception {
        primary.enqueue(rateLimited());
        backup.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(LangChain4jOnGateTest.fixture("chat-stream.text-basic.sse"))
                .build());
        try (LlmGate gate = gate(Policy.builder().build())) {
            StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class)
                    .streamingChatModel(GateStreamingChatModel.of(gate, "assistant"))
                    .build();
            StringBuilder text = new StringBuilder();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            assistant
                    .chat("weather?")
                    .onPartialResponse(text::append)
                    .onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally)
                    .start();
            ChatResponse r = done.get(10, TimeUnit.SECONDS);
            assertThat(text.toString())
                    .startsWith("I'm unable to provide")
                    .isEqualTo(r.aiMessage().text());
        }
        assertThat(attempts).extracting(AttemptEvent::provider).containsExactly("primary", "backup");
    }

    @Test
    void embeddingsRunThroughTheGateBothWays() {
        try (LocalModelServer server = LocalModelServer.start();
                LlmGate inner = LlmGate.builder()
                        .provider(
                                "local",
                                dev.llmgate.providers.openai.OpenAiCompatibleProvider.builder(server.baseUrl())
                                        .name("local")
                                        .build())
                        .build()) {
            GateEmbeddingModel model = GateEmbeddingModel.of(inner, "local:" + LocalModelServer.MODEL);
            var r = model.embedAll(List.of(
                    dev.langchain4j.data.segment.TextSegment.from("alpha"),
                    dev.langchain4j.data.segment.TextSegment.from("beta")));
            assertThat(r.content()).hasSize(2);
            assertThat(r.content().get(0).vector()).isNotEmpty();
            // and the same LangChain4j model behind a second gate, as an existing model would be
            try (LlmGate outer = LlmGate.builder()
                    .provider(
                            "lc4j",
                            LangChain4jProvider.builder("lc4j")
                                    .embeddingModel(model)
                                    .build())
                    .build()) {
                var e = outer.embed(dev.llmgate.api.EmbeddingRequest.of("lc4j:default", "alpha"));
                assertThat(e.vectors().get(0)).isEqualTo(r.content().get(0).vector());
            }
        }
    }

    @Test
    void aToolCallRoundTripsThroughAnExistingModel() throws Exception {
        backup.enqueue(ok());
        primary.enqueue(ok());
        try (LlmGate gate = gate(Policy.builder().build())) {
            ChatRequest request = ChatRequest.builder("primary:gpt-4o-mini")
                    .addMessage(dev.llmgate.api.Message.user("add 2 and 3"))
                    .addMessage(dev.llmgate.api.Message.assistant(
                            "", List.of(new dev.llmgate.api.ToolCall("call_1", "add", "{\"a\":2,\"b\":3}"))))
                    .addMessage(dev.llmgate.api.Message.tool("call_1", "5"))
                    .addTool(dev.llmgate.api.ToolDefinition.of(
                            "add",
                            "Adds",
                            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\","
                                    + "\"minimum\":0}},\"required\":[\"a\",\"b\"]}"))
                    .build();
            assertThat(gate.chat(request).text()).isEqualTo("Hello! How can I assist you today?");
        }
        var sent = LangChain4jOnGateTest.JSON.readTree(
                primary.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
        assertThat(sent.at("/messages/1/tool_calls/0/id").asText()).isEqualTo("call_1");
        assertThat(sent.at("/messages/2/tool_call_id").asText()).isEqualTo("call_1");
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("add");
        assertThat(sent.at("/tools/0/function/parameters/properties/b/minimum").asInt())
                .isZero();
        assertThat(sent.at("/tools/0/function/parameters/properties/b/type").asText())
                .isEqualTo("integer");
        assertThat(sent.at("/tools/0/function/parameters/required").toString()).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void aHandlerThatThrowsStopsTheStreamUpstreamAndGetsItsOwnException() throws Exception {
        dev.llmgate.testing.ScriptedProvider provider = dev.llmgate.testing.ScriptedProvider.replying(
                dev.llmgate.testing.Reply.words("one two three four five six seven eight nine ten eleven twelve"));
        try (LlmGate gate = LlmGate.builder().provider("p", provider).build()) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            RuntimeException boom = new IllegalStateException("the application's handler failed");
            GateStreamingChatModel.of(gate, "p:m")
                    .chat(
                            dev.langchain4j.model.chat.request.ChatRequest.builder()
                                    .messages(dev.langchain4j.data.message.UserMessage.from("hi"))
                                    .build(),
                            new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
                                @Override
                                public void onPartialResponse(String text) {
                                    throw boom;
                                }

                                @Override
                                public void onCompleteResponse(ChatResponse response) {
                                    failed.complete(null);
                                }

                                @Override
                                public void onError(Throwable error) {
                                    failed.complete(error);
                                }
                            });
            assertThat(failed.get(10, TimeUnit.SECONDS)).isSameAs(boom);
            assertThat(provider.streamsReleased()).isEqualTo(1);
            assertThat(provider.eventsPulled()).isLessThan(12);
        }
    }

    @Test
    void closingAStreamOfAWrappedStreamingModelWakesItsConsumer() throws Exception {
        // a streaming model that never answers: the consumer would wait forever without the close
        dev.langchain4j.model.chat.StreamingChatModel silent = new dev.langchain4j.model.chat.StreamingChatModel() {
            @Override
            public void doChat(
                    dev.langchain4j.model.chat.request.ChatRequest request,
                    dev.langchain4j.model.chat.response.StreamingChatResponseHandler handler) {}
        };
        LangChain4jProvider provider =
                LangChain4jProvider.builder("silent").streamingChatModel(silent).build();
        dev.llmgate.api.ChatStream stream =
                provider.stream(ChatRequest.of("m", "hi"), dev.llmgate.testing.TestCallContext.streamingCall());
        CompletableFuture<Throwable> woke = CompletableFuture.supplyAsync(() -> {
            try {
                stream.hasNext();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        Thread.sleep(50); // most likely the consumer waits by now; the test passes either way, it cannot hang
        stream.close();
        woke.get(10, TimeUnit.SECONDS); // the consumer returned (or threw) instead of waiting forever
    }
}
