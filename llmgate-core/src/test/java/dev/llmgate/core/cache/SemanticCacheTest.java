package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.cache.internal.InMemoryVectorIndex;
import dev.llmgate.core.cache.internal.SemanticGuard;
import dev.llmgate.testing.ScriptedProvider;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SemanticCacheTest {
    final ScriptedProvider provider = ScriptedProvider.answering(ExactCacheTest::answer);
    final HashingEmbedder embedder = new HashingEmbedder();
    final AtomicReference<CallContext> lastCall = new AtomicReference<>();

    LlmGate gate(ResponseCache cache) {
        return LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(chain -> {
                    lastCall.set(chain.call());
                    return chain.proceed(chain.request());
                })
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build();
    }

    ResponseCache cache(SemanticCacheOptions.Builder options) {
        return ResponseCache.builder().semantic(options.build()).build();
    }

    SemanticCacheOptions.Builder options() {
        return SemanticCacheOptions.builder(embedder).threshold(0.8);
    }

    @Test
    void aParaphraseIsAnsweredFromTheCacheAsASemanticHit() {
        ResponseCache cache = cache(options());
        try (LlmGate gate = gate(cache)) {
            ChatResponse first = gate.chat("p:m", "How do I reset my password?");
            ChatResponse second = gate.chat("p:m", "how can I reset my password");
            assertThat(provider.calls()).isEqualTo(1);
            assertThat(second.text()).isEqualTo(first.text());
            assertThat(lastCall.get().get(ResponseCache.OUTCOME)).contains(CacheOutcome.SEMANTIC_HIT);
            assertThat(lastCall.get().get(CallFacts.CACHE_HIT)).contains(true);
            assertThat(lastCall.get().get(CallFacts.COST_USD)).contains(BigDecimal.ZERO);
            assertThat(cache.stats().semanticHits()).isEqualTo(1);
            assertThat(gate.stream(ChatRequest.of("p:m", "How can I reset my password?"))
                            .collect()
                            .text())
                    .as("a semantic hit replays as a stream too")
                    .isEqualTo(first.text());
        }
    }

    @Test
    void theGuardBlocksSimilarQuestionsWithDifferentNumbersNegationsEntitiesOrPolarity() {
        try (LlmGate gate = gate(cache(options().threshold(0.5)))) {
            String[][] pairs = {
                {"Convert 5 miles to kilometers.", "Convert 50 miles to kilometers."},
                {"Is coffee bad for your health?", "Is coffee not bad for your health?"},
                {"What is the capital of France?", "What is the capital of Spain?"},
                {"What are the advantages of remote work?", "What are the disadvantages of remote work?"}
            };
            for (String[] pair : pairs) {
                ChatResponse cached = gate.chat("p:m", pair[0]);
                ChatResponse asked = gate.chat("p:m", pair[1]);
                assertThat(asked.text()).as(pair[1]).isNotEqualTo(cached.text()).endsWith(pair[1]);
            }
            assertThat(provider.calls()).isEqualTo(8);
        }
    }

    @Test
    void semanticHitsAreIsolatedPerNamespaceModelAndEverythingButTheQuestion() {
        try (LlmGate gate = gate(cache(options()))) {
            gate.chat(ChatRequest.builder("p:m")
                    .system("be brief")
                    .user("How do I reset my password?")
                    .tenant("a")
                    .build());
            gate.chat(ChatRequest.builder("p:m")
                    .system("be brief")
                    .user("How can I reset my password?")
                    .tenant("b")
                    .build());
            gate.chat(ChatRequest.builder("p:m2")
                    .system("be brief")
                    .user("How can I reset my password?")
                    .tenant("a")
                    .build());
            gate.chat(ChatRequest.builder("p:m")
                    .system("be verbose")
                    .user("How can I reset my password?")
                    .tenant("a")
                    .build());
            gate.chat(ChatRequest.builder("p:m")
                    .system("be brief")
                    .user("How can I reset my password?")
                    .tenant("a")
                    .temperature(1.5)
                    .build());
            assertThat(provider.calls()).isEqualTo(5);
            gate.chat(ChatRequest.builder("p:m")
                    .system("be brief")
                    .user("How can I reset my password?")
                    .tenant("a")
                    .build());
            assertThat(provider.calls()).isEqualTo(5);
            assertThat(lastCall.get().get(ResponseCache.OUTCOME)).contains(CacheOutcome.SEMANTIC_HIT);
        }
    }

    @Test
    void onlySingleTurnConversationsAreServedUnlessConfigured() {
        List<Message> earlier = List.of(Message.user("hi"), Message.assistant("hello"));
        try (LlmGate gate = gate(cache(options()))) {
            gate.chat(ChatRequest.builder("p:m")
                    .messages(earlier)
                    .user("How do I reset my password?")
                    .build());
            gate.chat(ChatRequest.builder("p:m")
                    .messages(earlier)
                    .user("How can I reset my password?")
                    .build());
            assertThat(provider.calls()).isEqualTo(2);
            assertThat(embedder.calls)
                    .as("an ineligible request is not even embedded")
                    .hasValue(0);
        }
        try (LlmGate gate = gate(cache(options().allowMultiTurn(true)))) {
            gate.chat(ChatRequest.builder("p:m")
                    .messages(earlier)
                    .user("How do I reset my password?")
                    .build());
            gate.chat(ChatRequest.builder("p:m")
                    .messages(earlier)
                    .user("How can I reset my password?")
                    .build());
            assertThat(provider.calls()).isEqualTo(3);
            gate.chat(ChatRequest.builder("p:m")
                    .messages(List.of(Message.user("hey"), Message.assistant("hello")))
                    .user("How can I reset my password?")
                    .build());
            assertThat(provider.calls()).as("earlier turns must match exactly").isEqualTo(4);
        }
    }

    @Test
    void imagesMakeARequestIneligible() {
        try (LlmGate gate = gate(cache(options()))) {
            gate.chat(ChatRequest.builder("p:m")
                    .addMessage(Message.user(
                            ContentPart.text("What is this?"), ContentPart.imageUrl("https://example.com/a.png")))
                    .build());
            gate.chat(ChatRequest.builder("p:m")
                    .addMessage(Message.user(
                            ContentPart.text("what is this"), ContentPart.imageUrl("https://example.com/b.png")))
                    .build());
            assertThat(provider.calls()).isEqualTo(2);
            assertThat(embedder.calls).hasValue(0);
        }
    }

    @Test
    void anEmbedderFailureOnlySkipsTheSemanticLookup() {
        Embedder failing = texts -> {
            throw new IllegalStateException("embedding service down");
        };
        try (LlmGate gate = gate(ResponseCache.builder()
                .semantic(SemanticCacheOptions.builder(failing).build())
                .build())) {
            gate.chat("p:m", "How do I reset my password?");
            gate.chat("p:m", "How can I reset my password?");
            gate.chat("p:m", "How can I reset my password?");
            assertThat(provider.calls()).as("the exact cache still works").isEqualTo(2);
        }
    }

    @Test
    void anExpiredAnswerIsNotServedAndLeavesTheIndex() {
        dev.llmgate.testing.MutableClock ticker = new dev.llmgate.testing.MutableClock();
        InMemoryVectorIndex index = new InMemoryVectorIndex(100, 100);
        ResponseCache cache = ResponseCache.builder()
                .clock(ticker)
                .ttl(Duration.ofMinutes(10))
                .semantic(options().index(index).build())
                .build();
        try (LlmGate gate = gate(cache)) {
            gate.chat("p:m", "How do I reset my password?");
            ticker.advance(Duration.ofMinutes(11));
            gate.chat("p:m", "How can I reset my password?");
            assertThat(provider.calls()).isEqualTo(2);
            gate.chat("p:m", "How can I reset my password");
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void theInMemoryIndexKeepsTheNewestEntriesAndReturnsTheBestFirst() {
        InMemoryVectorIndex index = new InMemoryVectorIndex(3, 10);
        for (int i = 0; i < 5; i++) {
            float[] v = new float[] {(float) Math.cos(i * 0.1), (float) Math.sin(i * 0.1)};
            index.add("part", new CacheKey("ns", "p:m", String.format("%064x", i)), "q" + i, v);
        }
        assertThat(index.size("part")).isEqualTo(3);
        List<VectorIndex.Match> matches = index.nearest("part", new float[] {1, 0}, 0.0, 2);
        assertThat(matches).extracting(VectorIndex.Match::question).containsExactly("q2", "q3");
        assertThat(matches.get(0).similarity()).isGreaterThan(matches.get(1).similarity());
        assertThat(index.nearest("other", new float[] {1, 0}, 0.0, 2)).isEmpty();
        index.remove("part", matches.get(0).key());
        assertThat(index.nearest("part", new float[] {1, 0}, 0.0, 1))
                .extracting(VectorIndex.Match::question)
                .containsExactly("q3");
    }

    @Test
    void theGuardComparesNegationsNumbersEntitiesAndPolarity() {
        assertThat(SemanticGuard.blockReason("How do I reset my password?", "How can I reset my password"))
                .isNull();
        assertThat(SemanticGuard.blockReason("Is X allowed?", "Isn't X allowed?"))
                .isEqualTo("negation");
        assertThat(SemanticGuard.blockReason("Why is it not working?", "Why isn't it working?"))
                .isNull();
        assertThat(SemanticGuard.blockReason("Convert 5 km", "Convert 5.0 km")).isNull();
        assertThat(SemanticGuard.blockReason("Convert 5 km", "Convert five km")).isNull();
        assertThat(SemanticGuard.blockReason("Send 1,000 dollars", "Send 1000 dollars"))
                .isNull();
        assertThat(SemanticGuard.blockReason("Send 1,000 dollars", "Send 100 dollars"))
                .isEqualTo("number");
        assertThat(SemanticGuard.blockReason("What is the capital of France?", "what's the capital of france"))
                .isNull();
        assertThat(SemanticGuard.blockReason("Capital of France?", "Capital of Spain?"))
                .isEqualTo("entity");
        assertThat(SemanticGuard.blockReason("Is GPT4o good?", "Is GPT4 good?")).isEqualTo("entity");
        assertThat(SemanticGuard.blockReason("Eat before a run?", "Eat after a run?"))
                .isEqualTo("polarity");
    }
}
