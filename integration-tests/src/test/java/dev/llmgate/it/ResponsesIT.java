package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ToolChoiceOptions;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.AuditVerifier;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.audit.VerificationReport;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.openaisdk.LlmGateOpenAiHttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official openai-java SDK's Responses API, wrapped, against llama-server's own {@code /v1/responses}: blocking,
 * streamed (accumulated by the SDK) and a function call, through the HIPAA policy, the response cache and the audit
 * log, which verifies at the end.
 */
class ResponsesIT {
    static String text(Response r) {
        StringBuilder sb = new StringBuilder();
        for (ResponseOutputItem item : r.output()) {
            item.message()
                    .ifPresent(m -> m.content().forEach(c -> c.outputText().ifPresent(t -> sb.append(t.text()))));
        }
        return sb.toString();
    }

    @Test
    void theResponsesApiThroughTheChainAgainstARealServer(@TempDir Path auditDir) throws Exception {
        AuditSigningKey key = AuditSigningKey.generate();
        AuditLog audit = AuditLog.builder(JsonLinesFileSink.builder(auditDir).build(), key)
                .instanceId("responses-it")
                .build();
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(audit.interceptor())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .addInterceptor(ResponseCache.builder().build().interceptor())
                .build()) {
            OpenAIClient openai = new OpenAIClientImpl(ClientOptions.builder()
                    .httpClient(LlmGateOpenAiHttpClient.wrap(
                            gate,
                            WrapOptions.of("openai"),
                            com.openai.client.okhttp.OkHttpClient.builder().build()))
                    .baseUrl(LlamaServer.URL + "/v1")
                    .apiKey(LlamaServer.KEY)
                    .maxRetries(2) // no route: the SDK's retries are the one retry layer (llama-server drops idle
                    // connections)
                    .build());
            try {
                ResponseCreateParams ask = ResponseCreateParams.builder()
                        .model(LlamaServer.MODEL)
                        .temperature(0)
                        .maxOutputTokens(32)
                        .input("Say hello to the patient at ann@example.org")
                        .build();
                Response blocking = openai.responses().create(ask);
                assertThat(text(blocking)).isEqualTo(LlamaServer.REPLY);
                assertThat(blocking.id()).startsWith("resp_"); // upstream's own id, passed through

                ResponseAccumulator acc = ResponseAccumulator.create();
                try (StreamResponse<ResponseStreamEvent> s = openai.responses()
                        .createStreaming(
                                ask.toBuilder().input("Say hello again").build())) {
                    s.stream().forEach(acc::accumulate);
                }
                assertThat(text(acc.response())).isEqualTo(LlamaServer.REPLY);

                Response called = openai.responses()
                        .create(ResponseCreateParams.builder()
                                .model(LlamaServer.MODEL)
                                .temperature(0)
                                .maxOutputTokens(64)
                                .input("What is the weather in Paris?")
                                .addTool(FunctionTool.builder()
                                        .name("get_weather")
                                        .parameters(FunctionTool.Parameters.builder()
                                                .putAdditionalProperty("type", JsonValue.from("object"))
                                                .putAdditionalProperty(
                                                        "properties",
                                                        JsonValue.from(Map.of("location", Map.of("type", "string"))))
                                                .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                                                .build())
                                        .strict(false)
                                        .build())
                                .toolChoice(ToolChoiceOptions.REQUIRED)
                                .build());
                List<ResponseFunctionToolCall> calls = called.output().stream()
                        .flatMap(o -> o.functionCall().stream())
                        .toList();
                assertThat(calls).hasSize(1);
                assertThat(calls.get(0).name()).isEqualTo("get_weather");
                assertThat(calls.get(0).arguments()).startsWith("{").contains("location");
            } finally {
                openai.close();
            }
        }
        audit.close();
        VerificationReport report =
                AuditVerifier.builder().trustKey(key.publicKeyHex()).build().verify(List.of(auditDir));
        assertThat(report.valid()).as(report.summary()).isTrue();
        // three calls answered; an SDK retry after llama-server dropped an idle connection is a failed call of its own
        assertThat(AuditVerifier.builder()
                        .trustKey(key.publicKeyHex())
                        .build()
                        .evidence(List.of(auditDir))
                        .callsByOutcome())
                .containsEntry("success", 3L);
    }
}
