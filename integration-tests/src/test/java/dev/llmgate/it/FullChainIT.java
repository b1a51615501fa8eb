package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.AuditVerifier;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.audit.VerificationReport;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production chain against real servers: the HIPAA policy preset, routing with context-length
 * fallback, the response cache, and the signed audit trail, whose log must verify at the end and hold
 * no personal data.
 */
class FullChainIT {

    @Test
    void routingCacheAndAuditAgainstRealServers(@TempDir Path auditDir) throws Exception {
        AuditSigningKey key = AuditSigningKey.generate();
        AuditLog audit = AuditLog.builder(JsonLinesFileSink.builder(auditDir).build(), key)
                .instanceId("it")
                .build();
        Router router = Router.builder()
                .route(Route.builder("chat")
                        // The small server's real window is 2,048 tokens, but it is declared larger (as a stale
                        // catalog would), so that only its own context-length error can send the call on.
                        .deployment(Deployment.builder("small", LlamaServer.MODEL)
                                .catalogProvider("openai")
                                .contextWindow(8192)
                                .build())
                        .deployment(Deployment.builder("large", LlamaServer.MODEL)
                                .catalogProvider("openai")
                                .contextWindow(16384)
                                .build())
                        .build())
                .build();
        List<List<AttemptRecord>> attempts = new CopyOnWriteArrayList<>();
        Interceptor attemptsSeen = chain -> chain.proceed(chain.request())
                .whenComplete(
                        r -> attempts.add(chain.call().list(CallFacts.ATTEMPTS)),
                        e -> attempts.add(chain.call().list(CallFacts.ATTEMPTS)));
        ResponseCache cache = ResponseCache.builder().build();
        Policy hipaa = Policy.builder().preset(CompliancePreset.HIPAA).build();

        String longPrompt = "word ".repeat(600);
        try (LlmGate gate = LlmGate.builder()
                .provider(
                        "small",
                        OpenAiCompatibleProvider.builder(LlamaServer.URL + "/v1")
                                .name("small")
                                .apiKey(LlamaServer.KEY)
                                .httpClient(LlamaServer.NO_REUSE)
                                .build())
                .provider(
                        "large",
                        OpenAiCompatibleProvider.builder(LlamaServer.LARGE_URL + "/v1")
                                .name("large")
                                .apiKey(LlamaServer.KEY)
                                .httpClient(LlamaServer.NO_REUSE)
                                .build())
                .addInterceptor(attemptsSeen)
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .addInterceptor(Stage.POLICY, hipaa.interceptor())
                .addInterceptor(Stage.ROUTING, router)
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build()) {

            ChatResponse shortAnswer = gate.chat(ChatRequest.builder("chat")
                    .temperature(0)
                    .user("Say hello")
                    .maxOutputTokens(32)
                    .tenant("acme")
                    .build());
            assertThat(shortAnswer.text()).isEqualTo(LlamaServer.REPLY);
            assertThat(shortAnswer.provider()).isEqualTo("small");

            ChatResponse longAnswer = gate.chat(ChatRequest.builder("chat")
                    .temperature(0)
                    .user(longPrompt)
                    .maxOutputTokens(32)
                    .tenant("acme")
                    .build());
            assertThat(longAnswer.text()).isEqualTo(LlamaServer.REPLY);
            assertThat(longAnswer.provider())
                    .as("fell over to the larger window")
                    .isEqualTo("large");
            assertThat(attempts.get(1)).extracting(AttemptRecord::provider).containsExactly("small", "large");
            assertThat(attempts.get(1).get(0).outcome()).isEqualTo("ContextLengthExceededException");

            ChatResponse cached = gate.chat(ChatRequest.builder("chat")
                    .temperature(0)
                    .user("Say hello")
                    .maxOutputTokens(32)
                    .tenant("acme")
                    .build());
            assertThat(cached.text()).isEqualTo(LlamaServer.REPLY);
            assertThat(cache.stats().hits()).isEqualTo(1);

            ChatResponse streamed = gate.stream(ChatRequest.builder("chat")
                            .temperature(0)
                            .user("Stream please")
                            .maxOutputTokens(32)
                            .tenant("acme")
                            .build())
                    .collect();
            assertThat(streamed.text()).isEqualTo(LlamaServer.REPLY);

            ChatResponse withPhi = gate.chat(ChatRequest.builder("chat")
                    .temperature(0)
                    .user("Patient: John Smith, SSN 219-09-9999, asks for a summary")
                    .maxOutputTokens(32)
                    .tenant("acme")
                    .build());
            assertThat(withPhi.text()).isEqualTo(LlamaServer.REPLY);
        }
        audit.close();

        VerificationReport report =
                AuditVerifier.builder().trustKey(key.publicKeyHex()).build().verify(List.of(auditDir));
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(5);
        String log = Files.readString(
                Files.list(auditDir).filter(Files::isRegularFile).findFirst().orElseThrow());
        assertThat(log)
                .doesNotContain(LlamaServer.KEY)
                .doesNotContain("word word")
                .doesNotContain("219-09-9999")
                .doesNotContain("John Smith");
        assertThat(log).as("the policy's decisions are in the audit records").contains("\"policy\":[{");
    }
}
