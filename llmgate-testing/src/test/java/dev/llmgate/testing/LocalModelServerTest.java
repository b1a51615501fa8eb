package dev.llmgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated model over raw HTTP: the shapes of OpenAI's Chat Completions wire format (blocking,
 * SSE, tool calls, errors, embeddings). Its use through llmgate's OpenAI-compatible adapter is tested
 * in llmgate-providers ({@code LocalModelServerAdapterTest}) and by the examples' QuickstartTest.
 */
class LocalModelServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final LocalModelServer server = LocalModelServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> post(LocalModelServer to, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(to.baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!key.isEmpty()) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode chat(String body) throws Exception {
        HttpResponse<String> r = post(server, "/chat/completions", body, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        return JSON.readTree(r.body());
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1");
    }

    @Test
    void aChatCompletionQuotesTheLastUserMessageAndSaysItIsSimulated() throws Exception {
        JsonNode r = chat("{\"model\":\"m1\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"What is a gateway?\"}]}");
        assertThat(r.path("object").asText()).isEqualTo("chat.completion");
        assertThat(r.path("model").asText()).isEqualTo("m1");
        JsonNode choice = r.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText())
                .startsWith("[simulated]")
                .contains("You said: \"What is a gateway?\"");
        JsonNode usage = r.path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo((8 + 18 + 3) / 4);
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt()
                        + usage.path("completion_tokens").asInt());
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void theSameRequestGetsTheSameAnswer() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"same\"}]}";
        assertThat(chat(body).path("choices")).isEqualTo(chat(body).path("choices"));
    }

    @Test
    void aStreamIsServerSentEventsEndingWithAUsageChunkAndDone() throws Exception {
        HttpResponse<String> r = post(
                server,
                "/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream it\"}]}",
                "");
        assertThat(r.headers().firstValue("Content-Type")).contains("text/event-stream");
        List<String> data = new ArrayList<>();
        for (String block : r.body().split("\n\n")) {
            assertThat(block).startsWith("data: ");
            data.add(block.substring("data: ".length()));
        }
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        String finish = "";
        for (String d : data.subList(0, data.size() - 2)) {
            JsonNode chunk = JSON.readTree(d);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            JsonNode choice = chunk.path("choices").get(0);
            text.append(choice.path("delta").path("content").asText(""));
            if (!choice.path("finish_reason").isNull()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertThat(text.toString()).startsWith("[simulated]").contains("You said: \"stream it\"");
        assertThat(finish).isEqualTo("stop");
        JsonNode usageChunk = JSON.readTree(data.get(data.size() - 2));
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    void aRequiredToolIsCalledWithEmptyArguments() throws Exception {
        JsonNode r = chat(
                "{\"model\":\"m\",\"tool_choice\":\"required\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}");
        JsonNode choice = r.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{}");

        JsonNode after = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_sim_1\",\"content\":\"sunny\"}]}");
        assertThat(after.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("[simulated] The tool returned: sunny");
    }

    @Test
    void aJsonResponseFormatGetsAJsonObject() throws Exception {
        JsonNode r = chat(
                "{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"json\"}]}");
        JsonNode answer = JSON.readTree(
                r.path("choices").get(0).path("message").path("content").asText());
        assertThat(answer.path("answer").asText()).isEqualTo("simulated");
        assertThat(answer.path("question_chars").asInt()).isEqualTo(4);
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() throws Exception {
        JsonNode r = chat(
                "{\"model\":\"m\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"long please\"}]}");
        JsonNode choice = r.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
        assertThat(choice.path("message").path("content").asText()).hasSize(12);
    }

    @Test
    void aPromptBeyondTheContextWindowGetsOpenAisContextLengthError() throws Exception {
        try (LocalModelServer small = LocalModelServer.start("", 10)) {
            HttpResponse<String> r = post(
                    small,
                    "/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(100) + "\"}]}",
                    "");
            assertThat(r.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("context_length_exceeded");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).contains("maximum context length is 10 tokens");
        }
    }

    @Test
    void aWrongKeyGetsA401WhenAKeyIsRequired() throws Exception {
        try (LocalModelServer keyed = LocalModelServer.start("sk-right", 8192)) {
            String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> wrong = post(keyed, "/chat/completions", body, "sk-wrong");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(wrong.body()).path("error").path("code").asText())
                    .isEqualTo("invalid_api_key");
            assertThat(wrong.body()).doesNotContain("sk-wrong").doesNotContain("sk-right");
            assertThat(post(keyed, "/chat/completions", body, "").statusCode()).isEqualTo(401);
            assertThat(post(keyed, "/chat/completions", body, "sk-right").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void badRequestsGetOpenAiShapedErrors() throws Exception {
        assertThat(post(server, "/chat/completions", "not json", "").statusCode())
                .isEqualTo(400);
        HttpResponse<String> empty = post(server, "/chat/completions", "{\"model\":\"m\",\"messages\":[]}", "");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).path("error").path("message").asText())
                .contains("messages");
        HttpResponse<String> get = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() throws Exception {
        HttpResponse<String> r = post(
                server,
                "/embeddings",
                "{\"model\":\"e\",\"dimensions\":16,\"input\":[\"the same text\",\"the same text\",\"other words entirely\"]}",
                "");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(r.body()).path("data");
        assertThat(data).hasSize(3);
        double[][] vectors = new double[3][];
        for (int i = 0; i < 3; i++) {
            assertThat(data.get(i).path("index").asInt()).isEqualTo(i);
            JsonNode v = data.get(i).path("embedding");
            assertThat(v).hasSize(16);
            vectors[i] = new double[16];
            double norm = 0;
            for (int j = 0; j < 16; j++) {
                vectors[i][j] = v.get(j).asDouble();
                norm += vectors[i][j] * vectors[i][j];
            }
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(vectors[0]).isEqualTo(vectors[1]);
        assertThat(vectors[0]).isNotEqualTo(vectors[2]);
        assertThat(HashedEmbedding.of("The Same Text", 16))
                .as("case does not matter")
                .isEqualTo(HashedEmbedding.of("the same text", 16));
    }

    @Test
    void listsItsModel() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/models"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(r.body()).path("data").get(0).path("id").asText())
                .isEqualTo(LocalModelServer.MODEL);
    }

    @Test
    void closeStopsTheServer() {
        LocalModelServer closed = LocalModelServer.start();
        closed.close();
        assertThatThrownBy(() -> post(closed, "/chat/completions", "{}", ""))
                .isInstanceOfAny(ConnectException.class, IOException.class);
    }
}
