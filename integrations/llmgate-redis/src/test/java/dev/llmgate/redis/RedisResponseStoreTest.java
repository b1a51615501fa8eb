package dev.llmgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.AnswerFacts;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Timings;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.cache.CacheKey;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import io.lettuce.core.RedisClient;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The exact cache shared through a real redis-server: one gate's answer is the other's hit, values round-trip. */
class RedisResponseStoreTest {
    static TestRedisServer redis;

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedisServer.start();
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
    }

    private static LlmGate gate(RedisResponseStore store, ScriptedProvider provider) {
        return LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(ResponseCache.builder()
                        .store(store)
                        .ttl(Duration.ofMinutes(10))
                        .build()
                        .interceptor())
                .build();
    }

    @Test
    void anAnswerOneGateCachedIsAHitForTheOtherBlockingAndStreamed() {
        ScriptedProvider first =
                ScriptedProvider.answering(c -> Reply.text("Paris, naturally.").withUsage(new Usage(9, 3, 0, 0, 0)));
        ScriptedProvider second = ScriptedProvider.answering(c -> Reply.text("never asked"));
        try (RedisResponseStore a = RedisResponseStore.builder(redis.uri())
                        .keyPrefix("share:")
                        .build();
                RedisResponseStore b = RedisResponseStore.builder(redis.uri())
                        .keyPrefix("share:")
                        .build();
                LlmGate one = gate(a, first);
                LlmGate two = gate(b, second)) {
            ChatRequest request = ChatRequest.builder("p:m")
                    .user("Capital of France?")
                    .tenant("acme")
                    .build();
            ChatResponse original = one.chat(request);
            ChatResponse hit = two.chat(request);
            assertThat(hit.text()).isEqualTo("Paris, naturally.");
            assertThat(hit.facts().cacheHit()).isTrue();
            assertThat(hit.usage()).isEqualTo(original.usage());
            assertThat(second.calls()).isZero();
            assertThat(two.stream(request).collect().text()).isEqualTo("Paris, naturally.");
            // another tenant's namespace is another key
            assertThat(two.chat(ChatRequest.builder("p:m")
                                    .user("Capital of France?")
                                    .tenant("other")
                                    .build())
                            .text())
                    .isEqualTo("never asked");
        }
    }

    @Test
    void everyValueRoundTripsAndTheTtlIsSetOnTheKey() {
        ChatResponse rich = ChatResponse.builder()
                .id("chatcmpl-1")
                .provider("openai")
                .model("gpt-4o-2026")
                .text("Zürich — 東京 \"quoted\" \\ \n line")
                .toolCalls(List.of(new ToolCall("call_1", "lookup", "{\"q\":\"x\"}")))
                .finishReason(FinishReason.TOOL_CALLS)
                .refusal(Optional.of("no"))
                .usage(new Usage(10, 20, 3, 4, 5))
                .timings(new Timings(Duration.ofMillis(120), Optional.of(Duration.ofMillis(30))))
                .costUsd(Optional.of(new BigDecimal("0.000123")))
                .facts(AnswerFacts.builder()
                        .callId("c1")
                        .deployment(Optional.of("openai:gpt-4o"))
                        .attempts(2)
                        .build())
                .logprobs(List.of(new TokenLogprob("Zü", -0.25), new TokenLogprob("rich", -1e-9)))
                .build();
        CacheKey key = new CacheKey("ns:with:colons", "openai:gpt-4o", "ab".repeat(32));
        try (RedisResponseStore store =
                RedisResponseStore.builder(redis.uri()).keyPrefix("rt:").build()) {
            store.put(key, rich, Duration.ofSeconds(30));
            assertThat(store.get(key)).contains(rich);
            assertThat(store.get(new CacheKey("ns", "with:colons:openai:gpt-4o", "ab".repeat(32))))
                    .isEmpty();
            RedisClient raw = RedisClient.create(redis.uri());
            try (var c = raw.connect()) {
                long pttl = c.sync().pttl("rt:cache:14:ns:with:colons:13:openai:gpt-4o:" + "ab".repeat(32));
                assertThat(pttl).isBetween(1L, 30_000L);
            } finally {
                raw.shutdown();
            }
            store.invalidate(key);
            assertThat(store.get(key)).isEmpty();
            store.put(key, rich, Duration.ofSeconds(30));
            store.invalidateAll();
            assertThat(store.get(key)).isEmpty();
        }
    }

    @Test
    void aStoppedServerIsAMissNeverAFailedCall() throws Exception {
        try (TestRedisServer own = TestRedisServer.start();
                RedisResponseStore store = RedisResponseStore.builder(own.uri()).build()) {
            ScriptedProvider provider = ScriptedProvider.answering(c -> Reply.text("fresh"));
            try (LlmGate gate = gate(store, provider)) {
                ChatRequest request =
                        ChatRequest.builder("p:m").user("q").tenant("acme").build();
                gate.chat(request);
                own.stop();
                assertThat(gate.chat(request).text()).isEqualTo("fresh");
                assertThat(provider.calls()).isEqualTo(2);
            }
        }
    }
}
