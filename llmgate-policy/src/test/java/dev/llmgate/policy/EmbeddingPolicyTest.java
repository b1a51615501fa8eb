package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.preset.CompliancePreset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Text sent for embedding passes the same policy as chat: the real HIPAA preset redacts and blocks it. */
class EmbeddingPolicyTest {
    private final List<EmbeddingRequest> sent = Collections.synchronizedList(new ArrayList<>());

    private final ModelProvider embeddings = new ModelProvider() {
        @Override
        public ChatResponse chat(ChatRequest request, CallContext call) {
            throw new AssertionError("chat on the embedding provider");
        }

        @Override
        public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
            sent.add(request);
            List<float[]> vectors = new ArrayList<>();
            for (String input : request.inputs()) {
                vectors.add(new float[] {input.length()});
            }
            return new EmbeddingResponse(vectors, "", "", Usage.of(12, 0));
        }
    };

    private LlmGate gate(AtomicReference<CallContext> call) {
        Policy hipaa = Policy.builder().preset(CompliancePreset.HIPAA).build();
        return LlmGate.builder()
                .provider("e", embeddings)
                .addInterceptor(chain -> {
                    call.set(chain.call());
                    return chain.proceed(chain.request());
                })
                .addInterceptor(hipaa.interceptor())
                .build();
    }

    @Test
    void anSsnInTheSecondOfThreeInputsIsRedactedBeforeTheProviderSeesIt() {
        AtomicReference<CallContext> call = new AtomicReference<>();
        try (LlmGate gate = gate(call)) {
            EmbeddingResponse response = gate.embed(EmbeddingRequest.of(
                    "e:embed", "discharge summary", "patient SSN 536-22-1456 on file", "follow-up in clinic"));
            assertThat(sent).hasSize(1);
            List<String> inputs = sent.get(0).inputs();
            assertThat(inputs.get(0)).isEqualTo("discharge summary");
            assertThat(inputs.get(1))
                    .doesNotContain("536-22-1456")
                    .doesNotContain("1456")
                    .contains("[US_SSN]");
            assertThat(inputs.get(2)).isEqualTo("follow-up in clinic");
            // the vector is that of the redacted text
            assertThat(response.vector(1)[0]).isEqualTo(inputs.get(1).length());
            assertThat(call.get().list(CallFacts.POLICY))
                    .extracting(PolicyRecord::verdict)
                    .first()
                    .isEqualTo("CONSTRAIN");
        }
    }

    @Test
    void aCredentialIsBlockedBeforeAnyProviderCall() {
        AtomicReference<CallContext> call = new AtomicReference<>();
        try (LlmGate gate = gate(call)) {
            assertThatThrownBy(() -> gate.embed(
                            EmbeddingRequest.of("e:embed", "harmless", "aws key AKIAIOSFODNN7EXAMPLE", "also fine")))
                    .isInstanceOfSatisfying(PolicyBlockedException.class, e -> {
                        assertThat(e.ruleIds()).contains("hipaa.164.312(a)(1).credentials");
                        assertThat(e.getMessage()).doesNotContain("AKIAIOSFODNN7EXAMPLE");
                    });
            assertThat(sent).isEmpty();
        }
    }
}
