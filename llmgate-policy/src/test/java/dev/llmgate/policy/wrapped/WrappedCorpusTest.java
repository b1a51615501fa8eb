package dev.llmgate.policy.wrapped;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpMethod;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpRequestBody;
import com.anthropic.core.http.HttpResponse;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.anthropicsdk.LlmGateAnthropicHttpClient;
import dev.llmgate.providers.okhttp.LlmGateInterceptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The red-team corpus of src/test/resources/wrapped-attacks (see its README): raw request bodies and upstream answers
 * through a wrapped OkHttp client (OpenAI format) and a wrapped anthropic-java HTTP client, with the PCI DSS preset.
 * Every case holds a card number where the gate once let it through unexamined — a member it read only in part, a
 * value of another kind, an answer member passed as upstream's bytes — and must now reach neither upstream nor the
 * application (a refusal is fine).
 */
class WrappedCorpusTest {
    static final String PAN = "4111111111111111";
    static final String CHAT_OK = WrappedChannelAttackTest.CHAT_OK;
    static final String RESPONSE_OK = WrappedChannelAttackTest.RESPONSE_OK;
    static final String MESSAGE_OK = WrappedAnthropicChannelAttackTest.OK;

    /**
     * A case whose card number may stand in a member the docs say passes unexamined: an identifier or a setting the
     * provider generates or that is a number ({@code id}, {@code encrypted_content}, {@code system_fingerprint},
     * {@code stop_sequence}, {@code seed}, {@code top_p}, an unknown top-level member such as {@code x_note}). Those
     * members are taken out before the check; the card
     * number must be nowhere else.
     */
    static final String DOCUMENTED = "#DOC ";

    static final java.util.regex.Pattern PASSED_UNEXAMINED = java.util.regex.Pattern.compile(
            "\"(id|encrypted_content|system_fingerprint|stop_sequence|seed|top_p|x_[a-z_]+)\":\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[-0-9.eE+]+)");

    MockWebServer server;
    LlmGate gate;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        gate = LlmGate.builder()
                .addInterceptor(Policy.builder()
                        .preset(CompliancePreset.PCI_DSS)
                        .build()
                        .interceptor())
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        gate.close();
        server.close();
    }

    static String resource(String name) {
        try (InputStream in = WrappedCorpusTest.class.getResourceAsStream("/wrapped-attacks/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<String> cases(String file) {
        List<String> out = new ArrayList<>();
        for (String line : resource(file).split("\n")) {
            if (line.startsWith(DOCUMENTED)) {
                out.add(line);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line);
            }
        }
        return out.stream();
    }

    static Stream<String> openAiCases() {
        return Stream.concat(cases("requests.txt"), cases("answers.txt"));
    }

    static Stream<String> anthropicCases() {
        return cases("anthropic.txt");
    }

    void enqueue(String answer, String fallback) {
        String body = answer.equals("DEFAULT") ? fallback : resource(answer).replace("PAN", PAN);
        boolean sse = body.startsWith("event:") || body.startsWith("data:");
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", sse ? "text/event-stream" : "application/json")
                .body(body)
                .build());
    }

    static String checked(String text, boolean documented) {
        return documented ? PASSED_UNEXAMINED.matcher(text).replaceAll("") : text;
    }

    String upstream() throws InterruptedException {
        RecordedRequest r = server.takeRequest(200, TimeUnit.MILLISECONDS);
        return r == null
                ? ""
                : r.getTarget() + "\n" + r.getHeaders() + "\n" + r.getBody().utf8();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openAiCases")
    void openAiFormat(String line) throws Exception {
        boolean documented = line.startsWith(DOCUMENTED);
        String[] p = (documented ? line.substring(DOCUMENTED.length()) : line).split("\\|", 4);
        String path = p[1];
        enqueue(p[2], path.contains("responses") ? RESPONSE_OK : CHAT_OK);
        OkHttpClient http = new OkHttpClient.Builder()
                .addInterceptor(LlmGateInterceptor.of(gate, "openai"))
                .build();
        String app;
        try (Response r = http.newCall(new Request.Builder()
                        .url(server.url(path))
                        .header("Authorization", "Bearer sk-test-0123456789abcdef")
                        .post(RequestBody.create(p[3].replace("PAN", PAN), MediaType.get("application/json")))
                        .build())
                .execute()) {
            app = r.code() + " " + r.body().string();
        } catch (IOException e) {
            app = e.toString();
        }
        assertThat(checked(upstream(), documented)).as("upstream").doesNotContain(PAN);
        assertThat(checked(app, documented)).as("the application").doesNotContain(PAN);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("anthropicCases")
    void anthropicFormat(String line) throws Exception {
        boolean documented = line.startsWith(DOCUMENTED);
        String[] p = (documented ? line.substring(DOCUMENTED.length()) : line).split("\\|", 4);
        enqueue(p[2], MESSAGE_OK);
        HttpClient http = LlmGateAnthropicHttpClient.wrap(
                gate,
                "anthropic",
                com.anthropic.client.okhttp.OkHttpClient.builder()
                        .backend(com.anthropic.backends.AnthropicBackend.builder()
                                .apiKey("sk-ant-test-0123456789")
                                .baseUrl(server.url("/").toString())
                                .build())
                        .build());
        byte[] bytes = p[3].replace("PAN", PAN).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.builder()
                .method(HttpMethod.POST)
                .baseUrl(server.url("/").toString())
                .addPathSegments("v1", "messages")
                .putHeader("x-api-key", "sk-ant-test-0123456789")
                .putHeader("anthropic-version", "2023-06-01")
                .putHeader("content-type", "application/json")
                .body(new HttpRequestBody() {
                    @Override
                    public void writeTo(OutputStream o) {
                        try {
                            o.write(bytes);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }

                    @Override
                    public String contentType() {
                        return "application/json";
                    }

                    @Override
                    public long contentLength() {
                        return bytes.length;
                    }

                    @Override
                    public boolean repeatable() {
                        return true;
                    }

                    @Override
                    public void close() {}
                });
        for (String q : p[1].isEmpty() ? new String[0] : p[1].split("&")) {
            String[] kv = q.split("=", 2);
            request.putQueryParam(kv[0], kv[1].replace("PAN", PAN));
        }
        String app;
        try (HttpResponse r = http.execute(request.build())) {
            app = r.statusCode() + " " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        } catch (RuntimeException | IOException e) {
            app = e.toString();
        }
        assertThat(checked(upstream(), documented)).as("upstream").doesNotContain(PAN);
        assertThat(checked(app, documented)).as("the application").doesNotContain(PAN);
    }
}
