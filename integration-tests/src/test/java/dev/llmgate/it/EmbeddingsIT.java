package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.AuditVerifier;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.audit.VerificationReport;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.providers.openaisdk.LlmGateOpenAiHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/embeddings} of a real llama-server (in embedding mode), through the gate's chain: {@code LlmGate.embed}
 * with the OpenAI provider, and the official openai-java SDK wrapped; the HIPAA policy reads the inputs, the audit
 * log records each call with a digest of the vectors and never the texts.
 */
class EmbeddingsIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void embeddingsRunThroughTheChainFromTheGateAndFromAWrappedSdk(@TempDir Path auditDir) throws Exception {
        AuditSigningKey key = AuditSigningKey.generate();
        AuditLog audit = AuditLog.builder(JsonLinesFileSink.builder(auditDir).build(), key)
                .instanceId("embeddings-it")
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider(
                        "openai",
                        OpenAiProvider.builder()
                                .name("openai")
                                .apiKey(LlamaServer.KEY)
                                .httpClient(LlamaServer.NO_REUSE)
                                .baseUrl(LlamaServer.EMBED_URL + "/v1")
                                .environment(Map.of())
                                .build())
                .addInterceptor(audit.interceptor())
                .addInterceptor(
                        Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                .build()) {
            EmbeddingResponse direct = gate.embed(EmbeddingRequest.of(
                    "openai:" + LlamaServer.MODEL, "The patient is recovering well.", "Write to ann@example.org"));
            assertThat(direct.vectors()).hasSize(2);
            assertThat(direct.vectors().get(0).length).isPositive();
            assertThat(direct.vectors().get(1)).hasSize(direct.vectors().get(0).length);

            OpenAIClient openai = new OpenAIClientImpl(ClientOptions.builder()
                    .httpClient(LlmGateOpenAiHttpClient.wrap(
                            gate,
                            WrapOptions.of("openai"),
                            com.openai.client.okhttp.OkHttpClient.builder().build()))
                    .baseUrl(LlamaServer.EMBED_URL + "/v1")
                    .apiKey(LlamaServer.KEY)
                    .maxRetries(0)
                    .build());
            try {
                CreateEmbeddingResponse wrapped = openai.embeddings()
                        .create(EmbeddingCreateParams.builder()
                                .model(LlamaServer.MODEL)
                                .inputOfArrayOfStrings(List.of("first text", "second text", "third text"))
                                .build());
                assertThat(wrapped.data()).hasSize(3);
                assertThat(wrapped.data().get(2).index()).isEqualTo(2);
                assertThat(wrapped.data().get(0).embedding())
                        .hasSize(direct.vectors().get(0).length);
            } finally {
                openai.close();
            }
        }
        audit.close();
        VerificationReport report =
                AuditVerifier.builder().trustKey(key.publicKeyHex()).build().verify(List.of(auditDir));
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(2);
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(auditDir)) {
            for (Path f : files.sorted().toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        List<JsonNode> calls = new ArrayList<>();
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            if (n.path("type").asText().equals("call")) {
                calls.add(n);
            }
        }
        assertThat(calls)
                .hasSize(2)
                .allSatisfy(c -> assertThat(c.path("mode").asText()).isEqualTo("embeddings"));
        assertThat(lines)
                .allSatisfy(l -> assertThat(l)
                        .doesNotContain("ann@example.org")
                        .doesNotContain("recovering")
                        .doesNotContain("second text"));
    }
}
