package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.AuditVerifier;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.audit.VerificationReport;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.anthropicsdk.LlmGateAnthropicHttpClient;
import dev.llmgate.providers.openaisdk.LlmGateOpenAiHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official openai-java and anthropic-java SDKs, wrapped as docs/wrapping-existing-calls.md says
 * (models mapped to a route, the SDKs' own retries off), through the HIPAA policy, cache, router and a
 * signed audit log, against the real llama-server — with the SDKs' own connection pools, which meet the
 * keep-alive connections llama-server closes. Every call must succeed and the log must verify.
 */
class WrappedSdkIT {

    @Test
    void bothSdksThroughTheFullChain(@TempDir Path auditDir) throws Exception {
        AuditSigningKey key = AuditSigningKey.generate();
        AuditLog audit = AuditLog.builder(JsonLinesFileSink.builder(auditDir).build(), key)
                .instanceId("wrapped-it")
                .build();
        RetryPolicy retries = RetryPolicy.builder()
                .retriesPerDeployment(2)
                .baseDelay(Duration.ofMillis(20))
                .build();
        Router router = Router.builder()
                .route(Route.builder("chat")
                        .deployment("openai:" + LlamaServer.MODEL)
                        .retry(retries)
                        .build())
                .route(Route.builder("claude")
                        .deployment("anthropic:" + LlamaServer.MODEL)
                        .retry(retries)
                        .build())
                .build();
        int calls = 0;
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(audit.interceptor())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .addInterceptor(ResponseCache.builder().build().interceptor())
                .addInterceptor(router)
                .build()) {
            OpenAIClient openai = new OpenAIClientImpl(ClientOptions.builder()
                    .httpClient(LlmGateOpenAiHttpClient.wrap(
                            gate,
                            WrapOptions.builder("openai").defaultRoute("chat").build(),
                            com.openai.client.okhttp.OkHttpClient.builder().build()))
                    .baseUrl(LlamaServer.URL + "/v1")
                    .apiKey(LlamaServer.KEY)
                    .maxRetries(0)
                    .build());
            AnthropicClient anthropic = AnthropicOkHttpClient.builder()
                    .baseUrl(LlamaServer.URL)
                    .apiKey(LlamaServer.KEY)
                    .maxRetries(0)
                    .interceptors(List.of(LlmGateAnthropicHttpClient.interceptor(
                            gate,
                            WrapOptions.builder("anthropic")
                                    .defaultRoute("claude")
                                    .build())))
                    .build();
            try {
                for (int i = 0; i < 12; i++) {
                    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                            .model(LlamaServer.MODEL)
                            .temperature(0)
                            .maxCompletionTokens(32)
                            .addUserMessage("Say hello " + i)
                            .build();
                    StringBuilder text = new StringBuilder();
                    try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s =
                            openai.chat().completions().createStreaming(params)) {
                        s.stream()
                                .forEach(c -> c.choices()
                                        .forEach(ch -> ch.delta().content().ifPresent(text::append)));
                    }
                    assertThat(text).hasToString(LlamaServer.REPLY);
                    ChatCompletion c = openai.chat()
                            .completions()
                            .create(params.toBuilder().addUserMessage("again").build());
                    assertThat(c.choices().get(0).message().content()).contains(LlamaServer.REPLY);
                    calls += 2;
                }
                for (int i = 0; i < 4; i++) {
                    MessageCreateParams params = MessageCreateParams.builder()
                            .model(LlamaServer.MODEL)
                            .maxTokens(32)
                            .putAdditionalBodyProperty("temperature", com.anthropic.core.JsonValue.from(0))
                            .addUserMessage("Say hello " + i)
                            .build();
                    Message m = anthropic.messages().create(params);
                    assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo(LlamaServer.REPLY);
                    MessageAccumulator acc = MessageAccumulator.create();
                    try (StreamResponse<RawMessageStreamEvent> s = anthropic
                            .messages()
                            .createStreaming(
                                    params.toBuilder().addUserMessage("again").build())) {
                        s.stream().forEach(acc::accumulate);
                    }
                    assertThat(acc.message()
                                    .content()
                                    .get(0)
                                    .text()
                                    .orElseThrow()
                                    .text())
                            .isEqualTo(LlamaServer.REPLY);
                    calls += 2;
                }
            } finally {
                openai.close();
                anthropic.close();
            }
        }
        audit.close();
        VerificationReport report =
                AuditVerifier.builder().trustKey(key.publicKeyHex()).build().verify(List.of(auditDir));
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(calls);
    }
}
