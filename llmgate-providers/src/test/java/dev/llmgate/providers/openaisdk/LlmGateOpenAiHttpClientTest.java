package dev.llmgate.providers.openaisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.StandInStages;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the real openai-java SDK (4.x) through a gate against MockWebServer. */
class LlmGateOpenAiHttpClientTest {
    MockWebServer server;
    StandInStages stages;
    LlmGate gate;
    OpenAIClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        stages = new StandInStages();
        gate = LlmGate.builder()
                .addInterceptor(Stage.AUDIT, stages.audit())
                .addInterceptor(Stage.POLICY, stages.policy())
                .addInterceptor(Stage.CACHE, stages.cache())
                .build();
        client = new OpenAIClientImpl(ClientOptions.builder()
                .httpClient(LlmGateOpenAiHttpClient.wrap(
                        gate,
                        "openai",
                        com.openai.client.okhttp.OkHttpClient.builder().build()))
                .baseUrl(server.url("/v1").toString())
                .apiKey("sk-sdk-test-key-0123456789")
                .maxRetries(0)
                .build());
    }

    @AfterEach
    void stop() {
        client.close();
        gate.close();
        server.close();
    }

    @Test
    void theSdksBlockingCallsPassPolicyCacheAndAudit() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(Fixtures.read("openai/chat-completions.default.response.json"))
                .build());
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gpt-5.4")
                .addUserMessage("Write to ann@example.org")
                .build();

        ChatCompletion first = client.chat().completions().create(params);
        ChatCompletion second = client.chat().completions().create(params);

        JsonNode sent = Fixtures.body(server.takeRequest(5, TimeUnit.SECONDS));
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Write to [EMAIL]");
        assertThat(first.choices().get(0).message().content()).contains("Hello! How can I assist you today?");
        assertThat(second.choices().get(0).message().content())
                .isEqualTo(first.choices().get(0).message().content());
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(stages.audit).containsExactly("ok:openai:gpt-5.4", "cache-hit", "ok:openai:gpt-5.4");
    }

    @Test
    void theSdksStreamsPassThroughTheChain() {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(Fixtures.read("openai/chat-stream.text-basic.sse"))
                .build());
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("gpt-4o")
                        .addUserMessage("hi")
                        .build())) {
            stream.stream()
                    .forEach(chunk ->
                            chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).isNotBlank();
        assertThat(stages.audit).containsExactly("ok:openai:gpt-4o");
    }

    @Test
    void theSdksOwnIoFailuresReachTheChainTypedAndTheSdkAsThemselves() {
        server.close();
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("gpt-4o")
                                .addUserMessage("hi")
                                .build()))
                .isInstanceOf(com.openai.errors.OpenAIIoException.class)
                .hasRootCauseInstanceOf(java.net.ConnectException.class);
        assertThat(stages.audit).containsExactly("failed:NetworkException");
    }

    @Test
    void aPolicyBlockSurfacesAsTheSdksOwnPermissionDeniedError() {
        assertThatThrownBy(() -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("gpt-4o")
                                .addUserMessage("this is forbidden")
                                .build()))
                .isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.getMessage())
                            .isEqualTo("403: blocked by test policy")
                            .doesNotContain("forbidden");
                });
        assertThat(server.getRequestCount()).isZero();
    }
}
