package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.InMemoryAuditSink;
import dev.llmgate.core.audit.internal.JsonReader;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.testing.MutableClock;
import dev.llmgate.testing.ScriptedProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache's usual embedder is {@code gate.embed(...)} of the gate the cache serves: its
 * lookups are then calls of their own through the same chain (audited, budgeted), which the cache
 * passes through, so nothing recurses or waits for itself.
 */
class SemanticLookupThroughGateTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:00Z");

    @Test
    void aLookupThroughTheSameGateIsAnAuditedBudgetedCallAndNeitherRecursesNorDeadlocks() {
        MutableClock clock = new MutableClock(T0);
        ScriptedProvider chat = ScriptedProvider.answering(ExactCacheTest::answer);
        HashingEmbedder hashing = new HashingEmbedder();
        AtomicInteger embedCalls = new AtomicInteger();
        ModelProvider vectors = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw new AssertionError("chat on the embedding provider");
            }

            @Override
            public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
                embedCalls.incrementAndGet();
                return new EmbeddingResponse(hashing.embed(request.inputs()), "", "", Usage.of(3, 0));
            }
        };
        AtomicReference<LlmGate> self = new AtomicReference<>();
        Embedder embedder = texts -> self.get()
                .embed(new EmbeddingRequest("e:hash", texts, OptionalInt.empty(), Metadata.EMPTY.withTenant("lookups")))
                .vectors();
        ResponseCache cache = ResponseCache.builder()
                .semantic(SemanticCacheOptions.builder(embedder).threshold(0.8).build())
                .build();
        InMemoryAuditSink sink = new InMemoryAuditSink();
        AuditLog audit = AuditLog.builder(sink, AuditSigningKey.fromSeed(new byte[32]))
                .clock(clock)
                .scheduleCheckpoints(false)
                .build();
        BudgetLimit lookups =
                BudgetLimit.requests(100, Duration.ofHours(1)).perTenant().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(lookups).build();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", chat)
                .provider("e", vectors)
                .addInterceptor(audit.interceptor())
                .addInterceptor(budgets)
                .addInterceptor(cache.interceptor())
                .build()) {
            self.set(gate);
            ChatResponse[] answers = new ChatResponse[2];
            // a guard against a deadlock only (the calls take milliseconds); not a timing assertion
            assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                answers[0] = gate.chat("p:m", "How do I reset my password?");
                answers[1] = gate.chat("p:m", "how can I reset my password");
            });
            assertThat(answers[1].text()).isEqualTo(answers[0].text());
            assertThat(chat.calls()).isEqualTo(1);
            assertThat(cache.stats().semanticHits()).isEqualTo(1);
            assertThat(embedCalls.get()).isEqualTo(2); // one lookup per chat call; neither embedded twice
            assertThat(budgets.used(lookups, "lookups", T0)).isEqualByComparingTo("2");
        }
        audit.close();
        List<String> modes = new ArrayList<>();
        for (String line : sink.lines()) {
            Map<String, Object> entry = JsonReader.parseObject(line);
            if ("call".equals(entry.get("type"))) {
                modes.add(entry.get("mode") + " " + entry.get("requested_model") + " " + entry.get("outcome"));
            }
        }
        // each lookup is recorded (it ends before the chat call that made it)
        assertThat(modes)
                .containsExactly(
                        "embeddings e:hash success",
                        "blocking p:m success",
                        "embeddings e:hash success",
                        "blocking p:m success");
    }
}
