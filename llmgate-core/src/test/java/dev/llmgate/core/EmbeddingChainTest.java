package dev.llmgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.Message;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.Role;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.InMemoryAuditSink;
import dev.llmgate.core.audit.internal.CanonicalJson;
import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.JsonReader;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.cache.CacheOutcome;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.internal.EmbeddingCall;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.testing.MutableClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code LlmGate.embed} runs the gate's one chain: every stage sees (and can stop or change) the
 * texts, and the vectors come back to the caller outside the chain.
 */
class EmbeddingChainTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:00Z");
    private final MutableClock clock = new MutableClock(T0);

    /** An embedding provider that records what it was sent; each vector is {input length, input number}. */
    static final class Embeddings implements ModelProvider {
        final List<EmbeddingRequest> sent = Collections.synchronizedList(new ArrayList<>());
        volatile Supplier<RuntimeException> failure;
        volatile int dropVectors;

        @Override
        public ChatResponse chat(ChatRequest request, CallContext call) {
            throw new AssertionError("an embedding call must not reach chat()");
        }

        @Override
        public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
            sent.add(request);
            if (failure != null) {
                throw failure.get();
            }
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < request.inputs().size() - dropVectors; i++) {
                vectors.add(new float[] {request.inputs().get(i).length(), i + 0.123456f});
            }
            return new EmbeddingResponse(vectors, "", "", Usage.of(7, 0));
        }
    }

    private final Embeddings provider = new Embeddings();

    private static EmbeddingRequest request(String model, Metadata metadata, String... inputs) {
        return new EmbeddingRequest(model, List.of(inputs), OptionalInt.of(256), metadata);
    }

    @Test
    void everyStageSeesTheCallAsOneUserMessagePerInputAndTheVectorsComeBack() {
        List<ChatRequest> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<CallContext> call = new AtomicReference<>();
        Interceptor spy = chain -> {
            seen.add(chain.request());
            call.set(chain.call());
            return chain.proceed(chain.request());
        };
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .alias("vectors", "p:embed-1")
                .addInterceptor(spy)
                .addAttemptInterceptor(spy)
                .build()) {
            Metadata metadata = Metadata.EMPTY.withTenant("acme").withUser("u1").withTag("batch");
            EmbeddingResponse response = gate.embed(request("vectors", metadata, "one", "three", "five!"));

            assertThat(response.provider()).isEqualTo("p");
            assertThat(response.model()).isEqualTo("embed-1");
            assertThat(response.usage()).isEqualTo(Usage.of(7, 0));
            assertThat(response.size()).isEqualTo(3);
            assertThat(response.vector(1)).containsExactly(5f, 1.123456f);

            // the application interceptor sees the alias, the attempt interceptor the resolved address
            assertThat(seen).extracting(ChatRequest::model).containsExactly("vectors", "p:embed-1");
            for (ChatRequest r : seen) {
                assertThat(r.messages()).extracting(Message::role).containsOnly(Role.USER);
                assertThat(r.messages()).extracting(Message::text).containsExactly("one", "three", "five!");
                assertThat(r.metadata()).isEqualTo(metadata);
            }
            assertThat(call.get().get(CallFacts.EMBEDDINGS)).contains(true);
            assertThat(call.get().get(CallFacts.REQUESTED_MODEL)).contains("vectors");
            assertThat(call.get().streaming()).isFalse();

            EmbeddingRequest sent = provider.sent.get(0);
            assertThat(sent.model()).isEqualTo("embed-1");
            assertThat(sent.inputs()).containsExactly("one", "three", "five!");
            assertThat(sent.dimensions()).hasValue(256);
            assertThat(sent.metadata()).isEqualTo(metadata);
        }
    }

    /** A POLICY-stage interceptor that blocks "BLOCKME" and redacts anything shaped like an SSN. */
    private static final Interceptor FAKE_POLICY = chain -> {
        List<Message> out = new ArrayList<>();
        for (Message m : chain.request().messages()) {
            if (m.text().contains("BLOCKME")) {
                throw new PolicyBlockedException("blocked by rule r1", List.of("r1"));
            }
            out.add(Message.user(m.text().replaceAll("\\d{3}-\\d{2}-\\d{4}", "[SSN]")));
        }
        return chain.proceed(chain.request().withMessages(out));
    };

    @Test
    void whatThePolicyStageRedactsIsWhatGetsEmbeddedAndABlockStopsTheCallBeforeTheProvider() {
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(Stage.POLICY, FAKE_POLICY)
                .build()) {
            EmbeddingResponse response = gate.embed(
                    request("p:e", Metadata.EMPTY, "first text", "patient SSN 123-45-6789 on file", "third"));
            assertThat(provider.sent.get(0).inputs())
                    .containsExactly("first text", "patient SSN [SSN] on file", "third");
            // the vector is the redacted text's (length 25, not 31)
            assertThat(response.vector(1)[0]).isEqualTo("patient SSN [SSN] on file".length());

            assertThatThrownBy(() -> gate.embed(request("p:e", Metadata.EMPTY, "ok", "BLOCKME", "ok")))
                    .isInstanceOf(PolicyBlockedException.class);
            assertThat(provider.sent).hasSize(1);
        }
    }

    @Test
    void theResponseCachePassesEmbeddingCallsThroughAndNeverServesAnAnswerWithoutVectors() {
        ResponseCache cache = ResponseCache.builder().defaultNamespace("ns").build();
        AtomicReference<CallContext> call = new AtomicReference<>();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(chain -> {
                    call.set(chain.call());
                    return chain.proceed(chain.request());
                })
                .addInterceptor(cache.interceptor())
                .build()) {
            EmbeddingResponse first = gate.embed(request("p:e", Metadata.EMPTY, "same text"));
            EmbeddingResponse second = gate.embed(request("p:e", Metadata.EMPTY, "same text"));
            assertThat(provider.sent).hasSize(2);
            assertThat(second.size()).isEqualTo(1);
            assertThat(second.vector(0)).containsExactly(first.vector(0));
            assertThat(call.get().get(ResponseCache.OUTCOME)).contains(CacheOutcome.UNCACHEABLE);
            assertThat(cache.stats().stores()).isZero();
            assertThat(cache.stats().hits()).isZero();
        }
    }

    @Test
    void budgetsCountEmbeddingRequestsAndTokensAndARefusalStopsTheCallBeforeTheProvider() {
        BudgetLimit requests =
                BudgetLimit.requests(2, Duration.ofMinutes(1)).perTenant().build();
        // far below the 4096 output tokens a chat call without maxOutputTokens reserves: an embedding reserves its
        // input only
        BudgetLimit tokens =
                BudgetLimit.tokens(100, Duration.ofHours(1)).perTenant().build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(tokens)
                .limit(requests)
                .build();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(budgets)
                .build()) {
            Metadata acme = Metadata.EMPTY.withTenant("acme");
            gate.embed(request("p:e", acme, "a", "b"));
            gate.embed(request("p:e", acme, "c"));
            assertThat(budgets.used(tokens, "acme", T0)).isEqualByComparingTo("14"); // 7 input tokens per call
            assertThat(budgets.used(requests, "acme", T0)).isEqualByComparingTo("2");

            assertThatThrownBy(() -> gate.embed(request("p:e", acme, "d"))).isInstanceOf(BudgetExceededException.class);
            assertThat(provider.sent).hasSize(2);
        }
    }

    @Test
    void aRouteRetriesAndFallsBackAcrossDeploymentsAsForChat() {
        Embeddings failing = new Embeddings();
        failing.failure = () -> new OverloadedException("overloaded", ErrorDetails.of("a"), java.util.Optional.empty());
        AtomicReference<CallContext> call = new AtomicReference<>();
        Router router = Router.builder()
                .clock(clock)
                .sleeper(d -> clock.advance(d))
                .route(Route.builder("vectors")
                        .deployment("a:e-small")
                        .deployment("b:e-large")
                        .retry(RetryPolicy.NONE)
                        .build())
                .build();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("a", failing)
                .provider("b", provider)
                .addInterceptor(chain -> {
                    call.set(chain.call());
                    return chain.proceed(chain.request());
                })
                .addInterceptor(router)
                .build()) {
            EmbeddingResponse response = gate.embed(request("vectors", Metadata.EMPTY, "x", "yy"));
            assertThat(response.provider()).isEqualTo("b");
            assertThat(response.model()).isEqualTo("e-large");
            assertThat(response.vector(1)).containsExactly(2f, 1.123456f);
            assertThat(failing.sent).hasSize(1);
            assertThat(call.get().list(CallFacts.ATTEMPTS))
                    .extracting(AttemptRecord::provider, AttemptRecord::outcome)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("a", "OverloadedException"),
                            org.assertj.core.groups.Tuple.tuple("b", "success"));
        }
    }

    @Test
    void routingChecksEachInputAgainstTheContextWindowNotTheirSum() {
        Router router = Router.builder()
                .clock(clock)
                .route(Route.builder("vectors")
                        .deployment(dev.llmgate.core.routing.Deployment.builder("p", "e")
                                .contextWindow(2048)
                                .build())
                        .build())
                .build();
        String input = "x".repeat(4000); // about 1,000 tokens each: three together pass 2,048, each fits
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(router)
                .build()) {
            assertThat(gate.embed(request("vectors", Metadata.EMPTY, input, input, input))
                            .size())
                    .isEqualTo(3);
            assertThatThrownBy(() -> gate.embed(request("vectors", Metadata.EMPTY, "x".repeat(9000))))
                    .isInstanceOf(dev.llmgate.api.exception.ContextLengthExceededException.class);
            assertThat(provider.sent).hasSize(1);
        }
    }

    @Test
    void auditRecordsTheCallWithDigestsButNeitherTheTextsNorTheVectors() throws Exception {
        InMemoryAuditSink sink = new InMemoryAuditSink();
        AuditLog audit = AuditLog.builder(sink, AuditSigningKey.fromSeed(new byte[32]))
                .clock(clock)
                .scheduleCheckpoints(false)
                .instanceId("g")
                .build();
        String secretText = "the quarterly numbers are confidential";
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(audit.interceptor())
                .build()) {
            EmbeddingResponse response =
                    gate.embed(request("p:e", Metadata.EMPTY.withTenant("acme"), secretText, "second input"));
            provider.dropVectors = 1;
            assertThatThrownBy(() -> gate.embed(request("p:e", Metadata.EMPTY, secretText)))
                    .isInstanceOf(ProviderException.class);

            audit.close();
            List<Map<String, Object>> calls = new ArrayList<>();
            for (String line : sink.lines()) {
                assertThat(line).doesNotContain("confidential", "second input", "0.123456", "1.123456");
                Map<String, Object> entry = JsonReader.parseObject(line);
                if ("call".equals(entry.get("type"))) {
                    calls.add(entry);
                }
            }
            assertThat(calls).hasSize(2);
            Map<String, Object> ok = calls.get(0);
            assertThat(ok.get("mode")).isEqualTo("embeddings");
            assertThat(ok.get("outcome")).isEqualTo("success");
            assertThat(ok.get("tenant")).isEqualTo("acme");
            assertThat(ok.get("finish_reason")).isEqualTo("stop");
            assertThat(ok.get("requested_model")).isEqualTo("p:e");
            assertThat(ok.get("usage"))
                    .isEqualTo(
                            Map.of("input", 7L, "output", 0L, "cached_input", 0L, "reasoning", 0L, "cache_write", 0L));

            // request digest: over the texts as user messages, as docs/audit-format.md §7 says
            TreeMap<String, Object> requestForm = new TreeMap<>();
            requestForm.put("model", "p:e");
            requestForm.put("messages", List.of(userMessage(secretText), userMessage("second input")));
            assertThat(ok.get("request_digest")).isEqualTo("sha256:" + Hex.encode(CanonicalJson.sha256(requestForm)));

            // response digest: over the vectors' float bits (computed here independently of the gate's code)
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (float[] v : response.vectors()) {
                ByteBuffer b = ByteBuffer.allocate(4 + 4 * v.length);
                b.putInt(v.length);
                for (float f : v) {
                    b.putInt(Float.floatToIntBits(f));
                }
                sha.update(b.array());
            }
            TreeMap<String, Object> responseForm = new TreeMap<>();
            responseForm.put("finish_reason", "stop");
            responseForm.put(
                    "text_sha256",
                    Hex.encode(MessageDigest.getInstance("SHA-256").digest("".getBytes(StandardCharsets.UTF_8))));
            responseForm.put("tool_calls", List.of());
            responseForm.put("vectors_sha256", Hex.encode(sha.digest()));
            assertThat(ok.get("response_digest")).isEqualTo("sha256:" + Hex.encode(CanonicalJson.sha256(responseForm)));

            Map<String, Object> failed = calls.get(1);
            assertThat(failed.get("mode")).isEqualTo("embeddings");
            assertThat(failed.get("outcome")).isEqualTo("failed");
            assertThat(failed).doesNotContainKey("response_digest");
        }
    }

    private static Map<String, Object> userMessage(String text) {
        return Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", text)));
    }

    @Test
    void aProviderReturningAnotherNumberOfVectorsThanInputsFailsClearly() {
        provider.dropVectors = 1;
        try (LlmGate gate = LlmGate.builder().provider("p", provider).build()) {
            assertThatThrownBy(() -> gate.embed(request("p:e", Metadata.EMPTY, "a", "b", "c")))
                    .isInstanceOf(ProviderException.class)
                    .hasMessageContaining("returned 2 vectors for 3 inputs");
        }
    }

    @Test
    void anUnknownProviderOrABadAddressKeepsItsClearError() {
        try (LlmGate gate = LlmGate.builder().provider("p", provider).build()) {
            assertThatThrownBy(() -> gate.embed(request("nope:e", Metadata.EMPTY, "a")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("names provider 'nope', which is not configured");
            assertThatThrownBy(() -> gate.embed(request("just-a-model", Metadata.EMPTY, "a")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("is neither \"provider:model\"");
            assertThat(provider.sent).isEmpty();
        }
    }

    @Test
    void anInterceptorThatAnswersTheCallItselfMakesEmbedFailRatherThanReturnNoVectors() {
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(chain -> ChatResponse.builder().text("").build())
                .build()) {
            assertThatThrownBy(() -> gate.embed(request("p:e", Metadata.EMPTY, "a")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("has no vectors");
        }
    }

    @Test
    void noInterceptorCanTurnAChatCallIntoAnEmbeddingCallOrAWrappedCallIntoOne() {
        Interceptor forge = chain -> {
            chain.call().put(CallFacts.EMBEDDINGS, Boolean.TRUE);
            return chain.proceed(chain.request());
        };
        ModelProvider chatOnly =
                (request, call) -> ChatResponse.builder().text("chat answer").build();
        try (LlmGate gate =
                LlmGate.builder().provider("p", chatOnly).addInterceptor(forge).build()) {
            // the public fact alone does not make the last stage embed
            assertThat(gate.chat("p:m", "hi").text()).isEqualTo("chat answer");
        }
        Interceptor forgeSpec = chain -> {
            chain.call().put(EmbeddingCall.SPEC, new EmbeddingCall.Spec(OptionalInt.empty()));
            return chain.proceed(chain.request());
        };
        try (LlmGate gate = LlmGate.builder()
                .provider("p", chatOnly)
                .addInterceptor(forgeSpec)
                .build()) {
            List<ChatRequest> wrappedCalls = new ArrayList<>();
            assertThatThrownBy(() -> gate.wrap(ChatRequest.of("wrapped:m", "hi"), (request, call) -> {
                        wrappedCalls.add(request);
                        return ChatResponse.builder().text("x").build();
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot run an embedding call");
            assertThat(wrappedCalls).isEmpty();
        }
    }
}
