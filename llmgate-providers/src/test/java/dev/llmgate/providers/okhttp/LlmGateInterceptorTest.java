package dev.llmgate.providers.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.StandInStages;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives a plain OkHttp OpenAI client (the kind of code applications already have) through the
 * interceptor, and checks that policy, cache and audit stages apply to its traffic.
 */
class LlmGateInterceptorTest {
    MockWebServer server;
    StandInStages stages;
    LlmGate gate;
    OkHttpClient client;

    /** What an application's existing OpenAI client looks like. */
    String existingClientCall(String json) throws IOException {
        Request request = new Request.Builder()
                .url(server.url("/v1/chat/completions"))
                .header("Authorization", "Bearer sk-existing-client-key-123456")
                .post(RequestBody.create(json, MediaType.get("application/json")))
                .build();
        try (Response response = client.newCall(request).execute()) {
            return response.code() + " " + response.body().string();
        }
    }

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
        client = new OkHttpClient.Builder()
                .addInterceptor(LlmGateInterceptor.of(gate, "openai"))
                .build();
    }

    @AfterEach
    void stop() {
        gate.close();
        server.close();
    }

    @Test
    void blockingCallsPassPolicyCacheAndAudit() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(Fixtures.read("openai/chat-completions.default.response.json"))
                .build());
        String body = "{\"model\":\"gpt-5.4\",\"messages\":[{\"role\":\"user\",\"content\":\"Mail bob@example.com\"}],"
                + "\"max_tokens\":50,\"temperature\":0.1,\"user\":\"u-1\"}";

        String first = existingClientCall(body);
        String second = existingClientCall(body);

        RecordedRequest upstream = server.takeRequest(5, TimeUnit.SECONDS);
        JsonNode sent = Fixtures.body(upstream);
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Mail [EMAIL]");
        assertThat(sent.get("model").asText()).isEqualTo("gpt-5.4");
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(sent.get("user").asText()).as("unknown fields pass through").isEqualTo("u-1");
        assertThat(upstream.getHeaders().get("Authorization")).isEqualTo("Bearer sk-existing-client-key-123456");
        assertThat(server.getRequestCount())
                .as("the second call was a cache hit")
                .isEqualTo(1);

        assertThat(first).startsWith("200 ");
        JsonNode answer = Fixtures.JSON.readTree(first.substring(4));
        assertThat(answer.at("/choices/0/message/content").asText()).isEqualTo("Hello! How can I assist you today?");
        assertThat(answer.at("/usage/prompt_tokens").asInt()).isEqualTo(19);
        assertThat(first.substring(4))
                .as("upstream's own answer, unchanged")
                .isEqualTo(Fixtures.read("openai/chat-completions.default.response.json"));
        JsonNode replay = Fixtures.JSON.readTree(second.substring(4));
        assertThat(replay.at("/choices/0/message/content").asText()).isEqualTo("Hello! How can I assist you today?");
        assertThat(replay.get("id").asText())
                .as("a replay keeps the answer's id")
                .isEqualTo(answer.get("id").asText());
        assertThat(stages.audit).containsExactly("ok:openai:gpt-5.4", "cache-hit", "ok:openai:gpt-5.4");
    }

    @Test
    void streamedCallsAreTransformedAndEndWithDone() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(
                        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"role\":\"assistant\",\"content\":\"the secret \"},\"finish_reason\":null}]}\n\n"
                                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
                                + "\"delta\":{\"content\":\"is out\"},\"finish_reason\":\"stop\"}]}\n\n"
                                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[],"
                                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}\n\n"
                                + "data: [DONE]\n\n")
                .build());

        String reply =
                existingClientCall("{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"tell me\"}]}");

        assertThat(Fixtures.body(server.takeRequest(5, TimeUnit.SECONDS))
                        .get("stream")
                        .asBoolean())
                .isTrue();
        assertThat(reply).startsWith("200 ");
        assertThat(reply)
                .contains("\"content\":\"the [REDACTED] \"")
                .contains("\"content\":\"is out\"")
                .contains("\"finish_reason\":\"stop\"")
                .contains("\"prompt_tokens\":5")
                .endsWith("data: [DONE]\n\n");
        assertThat(reply)
                .as("chunks name the client's model")
                .contains("\"model\":\"gpt-4o\"")
                .doesNotContain("openai:gpt-4o");
        assertThat(reply.indexOf("\"prompt_tokens\""))
                .as("usage comes after the finish chunk, as OpenAI sends it")
                .isGreaterThan(reply.indexOf("\"finish_reason\":\"stop\""));
        assertThat(stages.audit).containsExactly("ok:openai:gpt-4o");
    }

    @Test
    void aStreamThatDidNotAskForUsageGetsNoUsageChunk() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(Fixtures.read("openai/chat-stream.text-basic.sse"))
                .build());
        String reply = existingClientCall(
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(reply).startsWith("200 ").doesNotContain("\"choices\":[]").endsWith("data: [DONE]\n\n");
    }

    @Test
    void partsTheGateCannotPassOnFaithfullyAreRefusedNotDropped() throws Exception {
        String audio = existingClientCall(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"hi\"},{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}]}]}");
        assertThat(audio).startsWith("400 ").contains("input_audio");
        String detail = existingClientCall(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                        + "\"image_url\":{\"url\":\"https://x/y.png\",\"detail\":\"original\"}}]}]}");
        assertThat(detail).startsWith("400 ").contains("original");
        String broken =
                existingClientCall("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"bad name!\"}}]}");
        assertThat(broken).startsWith("400 ").contains("bad name!");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aPolicyBlockReachesTheClientAsAnOpenAiError() throws Exception {
        String reply = existingClientCall(
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"something forbidden\"}]}");
        assertThat(reply).startsWith("403 ");
        JsonNode error = Fixtures.JSON.readTree(reply.substring(4));
        assertThat(error.at("/error/code").asText()).isEqualTo("policy_blocked");
        assertThat(error.at("/error/message").asText()).doesNotContain("something forbidden");
        assertThat(server.getRequestCount()).isZero();
        assertThat(stages.audit).containsExactly("failed:PolicyBlockedException");
    }

    @Test
    void upstreamErrorsKeepTheirMeaning() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .code(429)
                .addHeader("Content-Type", "application/json")
                .addHeader("retry-after", "3")
                .body(Fixtures.read("openai/429-rate-limit-exceeded.gpt-pilot-pr53.json"))
                .build());
        String reply =
                existingClientCall("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(reply).startsWith("429 ").contains("rate_limit_exceeded");
        assertThat(reply).doesNotContain("sk-existing-client-key");
    }

    @Test
    void otherEndpointsAreRefusedByDefaultWithoutReachingUpstream() throws Exception {
        try (Response r = client.newCall(new Request.Builder()
                        .url(server.url("/v1/vector_stores?api_key=sk-in-query-0123456789"))
                        .post(RequestBody.create(
                                "{\"model\":\"gpt-4o\",\"input\":\"hi\"}", MediaType.get("application/json")))
                        .build())
                .execute()) {
            assertThat(r.code()).isEqualTo(403);
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            assertThat(r.body().string())
                    .contains("POST /v1/vector_stores")
                    .contains("PASS_AND_AUDIT")
                    .doesNotContain("sk-in-query");
        }
        assertThat(server.getRequestCount()).isZero();
        assertThat(stages.audit).isEmpty();
    }

    @Test
    void otherEndpointsPassUnexaminedAndAuditedWhenAllowed() throws Exception {
        OkHttpClient passing = new OkHttpClient.Builder()
                .addInterceptor(LlmGateInterceptor.of(
                        gate,
                        WrapOptions.builder("openai")
                                .otherEndpoints(WrapOptions.OtherEndpoints.PASS_AND_AUDIT)
                                .build()))
                .build();
        server.enqueue(new MockResponse.Builder()
                .body("{\"object\":\"list\",\"data\":[]}")
                .build());
        try (Response r = passing.newCall(
                        new Request.Builder().url(server.url("/v1/models")).build())
                .execute()) {
            assertThat(r.body().string()).isEqualTo("{\"object\":\"list\",\"data\":[]}");
        }
        assertThat(stages.audit).containsExactly("ok:openai:unexamined-GET-.v1.models");
    }
}
