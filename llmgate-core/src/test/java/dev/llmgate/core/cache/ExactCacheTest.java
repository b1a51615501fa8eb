package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.cache.internal.CaffeineResponseStore;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExactCacheTest {
    final ScriptedProvider provider = ScriptedProvider.answering(ExactCacheTest::answer);

    /** "answer #n to: question", streamed word by word, id "resp-n", usage 10/20; n counts every call of the provider. */
    static Reply answer(ScriptedProvider.Call call) {
        int n = call.number();
        return Reply.words("answer #" + n + " to: " + call.request().lastUserText())
                .withId("resp-" + n)
                .withUsage(Usage.of(10, 20));
    }

    /** As {@link #answer}, also asking for the tool "lookup" with the arguments {"q":"n"}. */
    static Reply answerCallingTool(ScriptedProvider.Call call) {
        int n = call.number();
        return answer(call).withToolCall(new ToolCall("call-" + n, "lookup", "{\"q\":\"" + n + "\"}"));
    }

    final AtomicReference<CallContext> lastCall = new AtomicReference<>();
    final Interceptor capture = chain -> {
        lastCall.set(chain.call());
        return chain.proceed(chain.request());
    };

    LlmGate gate(ResponseCache cache, Interceptor... attempt) {
        LlmGate.Builder b = LlmGate.builder()
                .provider("p", provider)
                .alias("fast", "p:m")
                .addInterceptor(capture)
                .addInterceptor(Stage.CACHE, cache.interceptor());
        for (Interceptor i : attempt) {
            b.addAttemptInterceptor(i);
        }
        return b.build();
    }

    CacheOutcome outcome() {
        return lastCall.get().get(ResponseCache.OUTCOME).orElseThrow();
    }

    @Test
    void anIdenticalRequestIsAnsweredFromTheCacheAtZeroCostWithTheOriginalUsage() {
        ResponseCache cache = ResponseCache.builder().build();
        try (LlmGate gate = gate(cache)) {
            ChatResponse first = gate.chat("p:m", "What is a gateway?");
            assertThat(outcome()).isEqualTo(CacheOutcome.MISS);
            assertThat(lastCall.get().get(CallFacts.CACHE_HIT)).contains(false);

            ChatResponse second = gate.chat("p:m", "What is a gateway?");
            assertThat(provider.calls()).isEqualTo(1);
            assertThat(second.text()).isEqualTo(first.text()).isEqualTo("answer #1 to: What is a gateway?");
            assertThat(second.usage()).isEqualTo(Usage.of(10, 20));
            assertThat(second.provider()).isEqualTo("p");
            assertThat(second.model()).isEqualTo("m");
            assertThat(outcome()).isEqualTo(CacheOutcome.HIT);
            assertThat(lastCall.get().get(CallFacts.CACHE_HIT)).contains(true);
            assertThat(lastCall.get().get(CallFacts.COST_USD)).contains(BigDecimal.ZERO);
            assertThat(cache.stats().hits()).isEqualTo(1);
            assertThat(cache.stats().misses()).isEqualTo(1);
            assertThat(cache.stats().stores()).isEqualTo(1);
        }
    }

    @Test
    void theKeyUsesTheResolvedDeploymentSoAnAliasAndItsAddressShareAnEntry() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            gate.chat("fast", "hi");
            gate.chat("p:m", "hi");
            assertThat(provider.calls()).isEqualTo(1);
            gate.chat("p:other", "hi");
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void aDifferentParameterIsADifferentEntry() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            gate.chat(ChatRequest.builder("p:m").user("hi").temperature(0.2).build());
            gate.chat(ChatRequest.builder("p:m").user("hi").temperature(0.3).build());
            gate.chat(ChatRequest.builder("p:m").user("hi").temperature(0.2).build());
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void answersNeverCrossNamespaces() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            ChatResponse t1 =
                    gate.chat(ChatRequest.builder("p:m").user("hi").tenant("t1").build());
            ChatResponse t2 =
                    gate.chat(ChatRequest.builder("p:m").user("hi").tenant("t2").build());
            ChatResponse noTenant = gate.chat(ChatRequest.of("p:m", "hi"));
            assertThat(provider.calls()).isEqualTo(3);
            assertThat(List.of(t1.text(), t2.text(), noTenant.text())).doesNotHaveDuplicates();

            assertThat(gate.chat(ChatRequest.builder("p:m")
                                    .user("hi")
                                    .tenant("t1")
                                    .endUser("someone")
                                    .build())
                            .text())
                    .isEqualTo(t1.text());
            ChatRequest explicit = CacheControl.namespace("t2")
                    .applyTo(ChatRequest.builder("p:m").user("hi").tenant("t1").build());
            assertThat(gate.chat(explicit).text())
                    .as("the namespace attribute wins over the tenant")
                    .isEqualTo(t2.text());
            assertThat(gate.chat(CacheControl.namespace("default").applyTo(ChatRequest.of("p:m", "hi")))
                            .text())
                    .isEqualTo(noTenant.text());
            assertThat(provider.calls()).isEqualTo(3);
        }
    }

    @Test
    void withRequireNamespaceARequestWithoutTenantOrNamespaceIsNotCached() {
        try (LlmGate gate = gate(ResponseCache.builder().requireNamespace().build())) {
            gate.chat("p:m", "hi");
            gate.chat("p:m", "hi");
            assertThat(outcome()).isEqualTo(CacheOutcome.UNCACHEABLE);
            assertThat(provider.calls()).isEqualTo(2);
            gate.chat(ChatRequest.builder("p:m").user("hi").tenant("t").build());
            gate.chat(ChatRequest.builder("p:m").user("hi").tenant("t").build());
            assertThat(provider.calls()).isEqualTo(3);
        }
    }

    @Test
    void errorsAreNeverStored() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            provider.replyWith(
                    Reply.failure(new RateLimitedException("slow down", ErrorDetails.of("p"), Optional.empty())));
            assertThatThrownBy(() -> gate.chat("p:m", "hi")).isInstanceOf(RateLimitedException.class);
            provider.answerWith(ExactCacheTest::answer);
            gate.chat("p:m", "hi");
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void aRequestBlockedBelowTheCacheIsNeverStored() {
        Interceptor blockFirst = new Interceptor() {
            boolean blocked;

            @Override
            public synchronized ChatResult intercept(Chain chain) {
                ChatResult r = chain.proceed(chain.request());
                if (!blocked) {
                    blocked = true;
                    throw new PolicyBlockedException("blocked by output policy", List.of("rule-1"));
                }
                return r;
            }
        };
        try (LlmGate gate = gate(ResponseCache.builder().build(), blockFirst)) {
            assertThatThrownBy(() -> gate.chat("p:m", "hi")).isInstanceOf(PolicyBlockedException.class);
            assertThat(gate.chat("p:m", "hi").text()).isEqualTo("answer #2 to: hi");
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void onlyStopAndToolCallFinishesAreStoredByDefault() {
        ResponseCache cache = ResponseCache.builder().build();
        try (LlmGate gate = gate(cache)) {
            for (FinishReason reason : FinishReason.values()) {
                provider.answerWith(call -> (reason == FinishReason.TOOL_CALLS ? answerCallingTool(call) : answer(call))
                        .withFinishReason(reason));
                gate.chat("p:m", "question " + reason);
                gate.chat("p:m", "question " + reason);
            }
            // STOP and TOOL_CALLS: one call each; LENGTH, CONTENT_FILTER, ERROR: two calls each
            assertThat(provider.calls()).isEqualTo(2 + 6);
            assertThat(cache.stats().notStored()).isEqualTo(6);
        }
    }

    @Test
    void lengthFinishesAreStoredWhenConfigured() {
        try (LlmGate gate = gate(ResponseCache.builder().storeLengthFinish(true).build())) {
            provider.answerWith(call -> answer(call).withFinishReason(FinishReason.LENGTH));
            gate.chat("p:m", "hi");
            ChatResponse again = gate.chat("p:m", "hi");
            assertThat(again.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(provider.calls()).isEqualTo(1);
            provider.answerWith(call -> answer(call).withFinishReason(FinishReason.CONTENT_FILTER));
            gate.chat("p:m", "other");
            gate.chat("p:m", "other");
            assertThat(provider.calls()).isEqualTo(3);
        }
    }

    @Test
    void refusalsAreNotStored() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            provider.answerWith(call -> answer(call).withRefusal("I can't help with that"));
            gate.chat("p:m", "hi");
            gate.chat("p:m", "hi");
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void bypassNeitherReadsNorStores() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            ChatRequest plain = ChatRequest.of("p:m", "hi");
            ChatRequest bypass = CacheControl.bypass().applyTo(plain);
            gate.chat(bypass);
            assertThat(outcome()).isEqualTo(CacheOutcome.BYPASS);
            gate.chat(plain);
            assertThat(provider.calls())
                    .as("the bypassed answer was not stored")
                    .isEqualTo(2);
            gate.chat(bypass);
            assertThat(provider.calls()).as("a bypass does not read").isEqualTo(3);
            assertThat(gate.chat(plain).text()).isEqualTo("answer #2 to: hi");
        }
    }

    @Test
    void refreshCallsUpstreamAndReplacesTheEntry() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            ChatRequest plain = ChatRequest.of("p:m", "hi");
            gate.chat(plain);
            ChatResponse refreshed = gate.chat(CacheControl.refresh().applyTo(plain));
            assertThat(outcome()).isEqualTo(CacheOutcome.REFRESH);
            assertThat(refreshed.text()).isEqualTo("answer #2 to: hi");
            assertThat(gate.chat(plain).text()).isEqualTo("answer #2 to: hi");
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void noStoreReadsButDoesNotStore() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            ChatRequest plain = ChatRequest.of("p:m", "hi");
            ChatRequest noStore = CacheControl.noStore().applyTo(plain);
            gate.chat(noStore);
            gate.chat(noStore);
            assertThat(provider.calls()).isEqualTo(2);
            gate.chat(plain);
            assertThat(gate.chat(noStore).text()).as("no-store still reads").isEqualTo("answer #3 to: hi");
            assertThat(provider.calls()).isEqualTo(3);
        }
    }

    @Test
    void entriesExpireAfterTheCacheTtlByTheTicker() {
        dev.llmgate.testing.MutableClock ticker = new dev.llmgate.testing.MutableClock();
        try (LlmGate gate = gate(
                ResponseCache.builder().ttl(Duration.ofHours(1)).clock(ticker).build())) {
            gate.chat("p:m", "hi");
            ticker.advance(Duration.ofMinutes(59));
            gate.chat("p:m", "hi");
            assertThat(provider.calls()).isEqualTo(1);
            ticker.advance(Duration.ofMinutes(2));
            gate.chat("p:m", "hi");
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void aRequestCanSetItsOwnTtl() {
        dev.llmgate.testing.MutableClock ticker = new dev.llmgate.testing.MutableClock();
        try (LlmGate gate = gate(
                ResponseCache.builder().ttl(Duration.ofHours(1)).clock(ticker).build())) {
            ChatRequest shortLived = CacheControl.ttl(Duration.ofMinutes(5)).applyTo(ChatRequest.of("p:m", "short"));
            ChatRequest longLived = ChatRequest.of("p:m", "long");
            gate.chat(shortLived);
            gate.chat(longLived);
            ticker.advance(Duration.ofMinutes(4));
            gate.chat(shortLived);
            assertThat(provider.calls()).isEqualTo(2);
            ticker.advance(Duration.ofMinutes(2));
            gate.chat(shortLived);
            gate.chat(longLived);
            assertThat(provider.calls())
                    .as("only the short-lived entry expired")
                    .isEqualTo(3);
            ChatRequest written = ChatRequest.builder("p:m")
                    .user("attr")
                    .metadata(dev.llmgate.api.Metadata.EMPTY.withAttribute("llmgate.cache.ttl", "PT1M"))
                    .build();
            gate.chat(written);
            ticker.advance(Duration.ofSeconds(61));
            gate.chat(written);
            assertThat(provider.calls()).isEqualTo(5);
        }
    }

    @Test
    void theBuiltInStoreIsBoundedByEntries() {
        ResponseCache cache = ResponseCache.builder().maximumEntries(3).build();
        try (LlmGate gate = gate(cache)) {
            for (int i = 0; i < 10; i++) {
                gate.chat("p:m", "question " + i);
            }
            assertThat(((CaffeineResponseStore) cache.store()).size()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void theBuiltInStoreIsBoundedByWeight() {
        ChatResponse sample = ChatResponse.builder()
                .id("resp-1")
                .provider("p")
                .model("m")
                .text("answer #1 to: question 1")
                .build();
        CacheKey key = new CacheKey("default", "p:m", "0".repeat(64));
        int one = CaffeineResponseStore.weigh(key, sample);
        assertThat(one).isGreaterThan(2 * sample.text().length());
        ResponseCache cache =
                ResponseCache.builder().maximumWeightBytes(3L * one + one / 2).build();
        try (LlmGate gate = gate(cache)) {
            for (int i = 0; i < 10; i++) {
                gate.chat("p:m", "question " + i);
            }
            assertThat(((CaffeineResponseStore) cache.store()).size()).isBetween(1L, 3L);
        }
    }

    @Test
    void aFallbackAnswerIsStoredUnderTheDeploymentThatAnswered() {
        ScriptedProvider broken = ScriptedProvider.replying(
                Reply.failure(new OverloadedException("overloaded", ErrorDetails.of("down"), Optional.empty())));
        Interceptor fallback = chain -> {
            if (!chain.request().metadata().tags().contains("fallback")) {
                return chain.proceed(chain.request());
            }
            try {
                return chain.proceed(chain.request().withModel("down:m"));
            } catch (LlmException e) {
                return chain.proceed(chain.request().withModel("p:m"));
            }
        };
        ResponseCache cache = ResponseCache.builder().build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .provider("down", broken)
                .addInterceptor(Stage.ROUTING, fallback)
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build()) {
            ChatResponse viaFallback = gate.chat(
                    ChatRequest.builder("down:m").user("hi").tag("fallback").build());
            assertThat(viaFallback.provider()).isEqualTo("p");
            assertThat(gate.chat("p:m", "hi").text())
                    .as("stored under the deployment that answered")
                    .isEqualTo(viaFallback.text());
            assertThat(provider.calls()).isEqualTo(1);
            assertThatThrownBy(() -> gate.chat("down:m", "hi"))
                    .as("not under the one that failed")
                    .isInstanceOf(OverloadedException.class);
            assertThat(broken.calls()).isEqualTo(2);
        }
    }

    @Test
    void invalidControlsFailTheCallWithAClearMessage() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            ChatRequest badMode = ChatRequest.builder("p:m")
                    .user("hi")
                    .metadata(dev.llmgate.api.Metadata.EMPTY.withAttribute("llmgate.cache", "sometimes"))
                    .build();
            assertThatThrownBy(() -> gate.chat(badMode))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("llmgate.cache must be one of default, bypass, refresh, no-store");
            ChatRequest badTtl = ChatRequest.builder("p:m")
                    .user("hi")
                    .metadata(dev.llmgate.api.Metadata.EMPTY.withAttribute("llmgate.cache.ttl", "5 minutes"))
                    .build();
            assertThatThrownBy(() -> gate.chat(badTtl))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("ISO-8601");
            assertThat(provider.calls()).isEqualTo(0);
        }
    }

    /** A store shared by a fleet: here a map, recording what the cache asks of it. */
    static final class MapStore implements ResponseStore {
        final Map<CacheKey, ChatResponse> entries = new ConcurrentHashMap<>();
        final List<Duration> ttls = new ArrayList<>();
        volatile boolean broken;

        @Override
        public Optional<ChatResponse> get(CacheKey key) {
            if (broken) {
                throw new IllegalStateException("store down");
            }
            return Optional.ofNullable(entries.get(key));
        }

        @Override
        public synchronized void put(CacheKey key, ChatResponse response, Duration ttl) {
            if (broken) {
                throw new IllegalStateException("store down");
            }
            entries.put(key, response);
            ttls.add(ttl);
        }

        @Override
        public void invalidate(CacheKey key) {
            entries.remove(key);
        }

        @Override
        public void invalidateAll() {
            entries.clear();
        }
    }

    @Test
    void anExternalStoreIsUsedThroughTheSpiAndItsFailuresNeverFailACall() {
        MapStore store = new MapStore();
        ResponseCache cache =
                ResponseCache.builder().store(store).ttl(Duration.ofMinutes(10)).build();
        try (LlmGate gate = gate(cache)) {
            gate.chat(ChatRequest.builder("fast").user("hi").tenant("acme").build());
            assertThat(store.entries).hasSize(1);
            CacheKey key = store.entries.keySet().iterator().next();
            assertThat(key.namespace()).isEqualTo("acme");
            assertThat(key.model()).isEqualTo("p:m");
            assertThat(key.toString()).doesNotContain("hi");
            assertThat(store.ttls).containsExactly(Duration.ofMinutes(10));
            gate.chat(ChatRequest.builder("p:m").user("hi").tenant("acme").build());
            assertThat(provider.calls()).isEqualTo(1);

            store.broken = true;
            assertThat(gate.chat(ChatRequest.builder("p:m")
                                    .user("hi")
                                    .tenant("acme")
                                    .build())
                            .text())
                    .isEqualTo("answer #2 to: hi");
            store.broken = false;
            cache.invalidateAll();
            assertThat(store.entries).isEmpty();
        }
    }

    @Test
    void badConfigurationIsReportedAtBuildWithEveryProblem() {
        assertThatThrownBy(() -> ResponseCache.builder()
                        .ttl(Duration.ZERO)
                        .maximumEntries(10)
                        .maximumWeightBytes(100)
                        .replayChunkChars(0)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(
                        e -> assertThat(((ConfigurationException) e).problems()).hasSize(3))
                .hasMessageContaining("ttl must be positive")
                .hasMessageContaining("not both")
                .hasMessageContaining("replayChunkChars");
        assertThatThrownBy(() -> ResponseCache.builder()
                        .store(new MapStore())
                        .maximumEntries(5)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("built-in store");
        assertThatThrownBy(() -> SemanticCacheOptions.builder(t -> List.of())
                        .threshold(1.5)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("threshold");
        assertThat(ResponseCache.builder().build().toString()).contains("ttl PT1H", "10000 entries", "coalescing");
    }
}
