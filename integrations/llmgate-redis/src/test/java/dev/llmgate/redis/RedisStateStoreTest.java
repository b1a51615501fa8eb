package dev.llmgate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.routing.BreakerState;
import dev.llmgate.core.routing.CircuitBreakerPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.core.routing.StateStoreUnavailableException;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gates with separate Redis clients share one real redis-server: budgets, token buckets, calls in flight and
 * breakers hold across both; a server stopped mid-run fails closed or open as configured.
 */
class RedisStateStoreTest {
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

    private static RedisStateStore store(String prefix) {
        return RedisStateStore.builder(redis.uri())
                .keyPrefix(prefix)
                .localCacheTtl(Duration.ZERO)
                .build();
    }

    private static LlmGate gate(RedisStateStore store, BudgetLimit limit, ScriptedProvider provider) {
        return LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(BudgetInterceptor.builder()
                        .limit(limit)
                        .stateStore(store)
                        .build())
                .build();
    }

    /** Runs {@code calls} calls spread over {@code gates} on 32 threads; how many passed. */
    private static int concurrently(int calls, List<LlmGate> gates) throws InterruptedException {
        AtomicInteger passed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < calls; i++) {
            LlmGate gate = gates.get(i % gates.size());
            pool.execute(() -> {
                try {
                    go.await();
                    gate.chat(
                            ChatRequest.builder("p:m").user("hi").tenant("acme").build());
                    passed.incrementAndGet();
                } catch (BudgetExceededException refused) {
                    // counted by what passed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        return passed.get();
    }

    @Test
    void aBudgetThatAdmitsNAdmitsExactlyNAcrossTwoGates() throws Exception {
        BudgetLimit limit = BudgetLimit.requests(25, Duration.ofHours(1)).build();
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        try (RedisStateStore a = store("budget-test:");
                RedisStateStore b = store("budget-test:");
                LlmGate one = gate(a, limit, ok);
                LlmGate two = gate(b, limit, ok)) {
            assertThat(concurrently(1000, List.of(one, two))).isEqualTo(25);
            assertThat(ok.calls()).isEqualTo(25);
        }
    }

    @Test
    void aTokenBucketAndAnInFlightLimitHoldAcrossTwoGates() throws Exception {
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        BudgetLimit bucket =
                BudgetLimit.requests(40, Duration.ofHours(1)).smooth().build();
        try (RedisStateStore a = store("bucket-test:");
                RedisStateStore b = store("bucket-test:");
                LlmGate one = gate(a, bucket, ok);
                LlmGate two = gate(b, bucket, ok)) {
            assertThat(concurrently(400, List.of(one, two))).isEqualTo(40);
        }
        BudgetLimit flight = BudgetLimit.inFlight(1, Duration.ofMinutes(5)).build();
        ScriptedProvider streaming = ScriptedProvider.answering(c -> Reply.words("a b c"));
        try (RedisStateStore a = store("flight-test:");
                RedisStateStore b = store("flight-test:");
                LlmGate one = gate(a, flight, streaming);
                LlmGate two = gate(b, flight, streaming)) {
            ChatRequest call =
                    ChatRequest.builder("p:m").user("hi").tenant("acme").build();
            try (var open = one.stream(call)) {
                assertThatThrownBy(() -> two.chat(call)).isInstanceOf(BudgetExceededException.class);
            }
            assertThat(two.chat(call).text()).isEqualTo("a b c"); // the slot came back when the stream closed
        }
    }

    @Test
    void aBreakerOneGateOpensIsOpenForTheOther() {
        ScriptedProvider failing = ScriptedProvider.answering(
                c -> Reply.failure(new OverloadedException("busy", ErrorDetails.of("p"), Optional.empty(), null)));
        CircuitBreakerPolicy policy = new CircuitBreakerPolicy(2, 1.0, 10, 10, Duration.ofMinutes(5));
        try (RedisStateStore a = store("breaker-test:");
                RedisStateStore b = store("breaker-test:")) {
            Router routerA = Router.builder()
                    .route(Route.builder("r").deployment("p:m").build())
                    .circuitBreaker(policy)
                    .stateStore(a)
                    .build();
            Router routerB = Router.builder()
                    .route(Route.builder("r").deployment("p:m").build())
                    .circuitBreaker(policy)
                    .stateStore(b)
                    .build();
            try (LlmGate one = LlmGate.builder()
                    .provider("p", failing)
                    .addInterceptor(routerA)
                    .build()) {
                for (int i = 0; i < 2; i++) {
                    assertThatThrownBy(() -> one.chat(ChatRequest.of("r", "hi")));
                }
            }
            assertThat(routerA.health("p:m").orElseThrow().state()).isEqualTo(BreakerState.OPEN);
            assertThat(routerB.health("p:m").orElseThrow().state()).isEqualTo(BreakerState.OPEN);
            int before = failing.calls();
            try (LlmGate two = LlmGate.builder()
                    .provider("p", failing)
                    .addInterceptor(routerB)
                    .build()) {
                assertThatThrownBy(() -> two.chat(ChatRequest.of("r", "hi")));
            }
            assertThat(failing.calls()).isEqualTo(before); // gate two never called the open deployment
        }
    }

    @Test
    void theStoreKeepsTheStateStoreContract() {
        try (RedisStateStore s = store("contract-test:")) {
            Instant later = Instant.now().plusSeconds(60);
            assertThat(s.addIfAtMost("k", 7, 10, later)).isEqualTo(OptionalLong.of(7));
            assertThat(s.addIfAtMost("k", 4, 10, later)).isEmpty();
            assertThat(s.addIfAtMost("k", 3, 10, later)).isEqualTo(OptionalLong.of(10));
            assertThat(s.add("k", -10, later)).isZero();
            assertThat(s.counter("k")).isZero();
            assertThat(s.add("big", 5_000_000_000_000L, later)).isEqualTo(5_000_000_000_000L);
            assertThat(s.addIfAtMost("big", 1, 6_000_000_000_000L, later))
                    .isEqualTo(OptionalLong.of(5_000_000_000_001L));
            assertThat(s.add("big", 1, later)).isEqualTo(5_000_000_000_002L); // stored as an integer, not 5e+12
            assertThat(s.compareAndSet("v", Optional.of("a"), "b", later)).isFalse();
            assertThat(s.compareAndSet("v", Optional.empty(), "a", later)).isTrue();
            assertThat(s.compareAndSet("v", Optional.empty(), "x", later)).isFalse();
            assertThat(s.compareAndSet("v", Optional.of("a"), "b", later)).isTrue();
            assertThat(s.value("v")).contains("b");
            assertThat(s.value("absent")).isEmpty();
            assertThat(s.compareAndSet(
                            "gone", Optional.empty(), "a", Instant.now().minusSeconds(1)))
                    .isTrue();
            // a counter keeps the later of its expiry and the one given (an in-flight slot given back by a call that
            // started early must not end the counter of a call still running)
            s.add("lease", 1, Instant.now().plusSeconds(600));
            s.add("lease", 1, Instant.now().plusSeconds(2));
            s.addIfAtMost("lease", 1, 10, Instant.now().plusSeconds(2));
            RedisClient raw = RedisClient.create(redis.uri());
            try (var c = raw.connect()) {
                assertThat(c.sync().pttl("contract-test:lease")).isGreaterThan(500_000L);
            } finally {
                raw.shutdown();
            }
            assertThat(s.value("gone")).isEmpty(); // an expiry in the past: absent at once
        }
    }

    @Test
    void aStoppedServerFailsClosedOrOpenAsConfigured() throws Exception {
        try (TestRedisServer own = TestRedisServer.start()) {
            BudgetLimit limit = BudgetLimit.requests(100, Duration.ofHours(1)).build();
            ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
            RedisStateStore closed = RedisStateStore.builder(own.uri())
                    .timeout(Duration.ofMillis(300))
                    .build();
            RedisStateStore open = RedisStateStore.builder(own.uri())
                    .timeout(Duration.ofMillis(300))
                    .whenUnavailable(RedisStateStore.WhenUnavailable.FAIL_OPEN)
                    .build();
            try (closed;
                    open;
                    LlmGate strict = gate(closed, limit, ok);
                    LlmGate lenient = gate(open, limit, ok)) {
                ChatRequest call =
                        ChatRequest.builder("p:m").user("hi").tenant("acme").build();
                assertThat(strict.chat(call).text()).isEqualTo("ok");
                own.stop(); // the server dies mid-run
                int before = ok.calls();
                assertThatThrownBy(() -> strict.chat(call))
                        .isInstanceOf(StateStoreUnavailableException.class)
                        .hasMessageContaining("127.0.0.1:" + own.port)
                        .hasMessageContaining("fails closed");
                assertThat(ok.calls()).isEqualTo(before); // refused before the provider
                assertThat(lenient.chat(call).text()).isEqualTo("ok"); // admitted, budgets not enforced
            }
        }
    }

    @Test
    void anUnreachableServerIsAClearErrorAtBuildTimeWithoutThePassword() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String uri = "redis://:s3cret-pass@127.0.0.1:" + port;
        assertThatThrownBy(() -> RedisStateStore.builder(uri).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + port + " is not reachable")
                .hasMessageNotContaining("s3cret-pass");
    }
}
