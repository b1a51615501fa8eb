package dev.llmgate.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.routing.StateStore;
import dev.llmgate.testing.MutableClock;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Rate limits that hold at window edges (token buckets) and limits on calls in flight, as a burst of callers, a clock
 * at a window's edge and 1,000 concurrent threads meet them.
 */
class RateLimitTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:59.900Z"));

    private LlmGate gate(BudgetLimit limit, StateStore store, ScriptedProvider provider) {
        return LlmGate.builder()
                .provider("p", provider)
                .clock(clock)
                .addInterceptor(BudgetInterceptor.builder()
                        .limit(limit)
                        .stateStore(store)
                        .build())
                .build();
    }

    private static ChatRequest call(String tenant) {
        return ChatRequest.builder("p:m").user("hi").tenant(tenant).build();
    }

    private static boolean passes(LlmGate gate, String tenant) {
        try {
            gate.chat(call(tenant));
            return true;
        } catch (BudgetExceededException e) {
            return false;
        }
    }

    @Test
    void aFixedWindowLetsTwiceItsAmountThroughAtItsEdgeAndASmoothLimitDoesNot() {
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        // the clock stands 100 ms before a minute's edge
        try (LlmGate fixed =
                        gate(BudgetLimit.requests(10, Duration.ofMinutes(1)).build(), StateStore.inMemory(clock), ok);
                LlmGate smooth = gate(
                        BudgetLimit.requests(10, Duration.ofMinutes(1)).smooth().build(),
                        StateStore.inMemory(clock),
                        ok)) {
            int fixedPassed = 0;
            int smoothPassed = 0;
            for (int i = 0; i < 15; i++) {
                fixedPassed += passes(fixed, "t") ? 1 : 0;
                smoothPassed += passes(smooth, "t") ? 1 : 0;
            }
            clock.advance(Duration.ofMillis(200)); // past the edge
            for (int i = 0; i < 15; i++) {
                fixedPassed += passes(fixed, "t") ? 1 : 0;
                smoothPassed += passes(smooth, "t") ? 1 : 0;
            }
            assertThat(fixedPassed).isEqualTo(20); // 10 + 10 within 200 ms
            assertThat(smoothPassed).isEqualTo(10); // the bucket holds 10; 200 ms refill nothing at 6 s per call
        }
    }

    @Test
    void aSmoothLimitRefillsOneCallPerIntervalAndSaysWhenTheNextCanPass() {
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        try (LlmGate gate = gate(
                BudgetLimit.requests(60, Duration.ofMinutes(1)).smooth(2).build(), StateStore.inMemory(clock), ok)) {
            assertThat(passes(gate, "t")).isTrue();
            assertThat(passes(gate, "t")).isTrue();
            Instant now = clock.instant();
            assertThatThrownBy(() -> gate.chat(call("t"))).isInstanceOfSatisfying(BudgetExceededException.class, e -> {
                assertThat(e.resetsAt()).isEqualTo(now.plusSeconds(1));
                assertThat(e.getMessage()).contains("rate limit reached", "smooth, burst 2");
            });
            assertThat(passes(gate, "other tenant")).isTrue(); // per tenant
            clock.advance(Duration.ofMillis(999));
            assertThat(passes(gate, "t")).isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(passes(gate, "t")).isTrue();
            assertThat(passes(gate, "t")).isFalse();
        }
    }

    @Test
    void withABurstOfOneNoWindowLongIntervalEverHoldsMoreThanTheAmount() {
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        int amount = 5;
        Duration window = Duration.ofSeconds(10);
        Random random = new Random(42);
        Deque<Instant> admitted = new ArrayDeque<>();
        try (LlmGate gate =
                gate(BudgetLimit.requests(amount, window).smooth(1).build(), StateStore.inMemory(clock), ok)) {
            for (int i = 0; i < 3000; i++) {
                clock.advance(Duration.ofMillis(random.nextInt(1500)));
                if (passes(gate, "t")) {
                    admitted.addLast(clock.instant());
                    while (!admitted.peekFirst().isAfter(clock.instant().minus(window))) {
                        admitted.removeFirst();
                    }
                    assertThat(admitted).hasSizeLessThanOrEqualTo(amount);
                }
            }
        }
    }

    @Test
    void aThousandConcurrentCallsTakeExactlyWhatTheBucketHolds() throws Exception {
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        StateStore store = StateStore.inMemory(clock);
        AtomicInteger passed = new AtomicInteger();
        try (LlmGate gate = gate(
                BudgetLimit.requests(37, Duration.ofHours(1)).smooth().global().build(), store, ok)) {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 1000; i++) {
                pool.execute(() -> {
                    try {
                        go.await();
                        if (passes(gate, "t")) {
                            passed.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(passed.get()).isEqualTo(37);
    }

    @Test
    void aCallRefusedByALaterLimitGivesItsCallBackToTheBucket() {
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        StateStore store = StateStore.inMemory(clock);
        BudgetLimit bucket =
                BudgetLimit.requests(2, Duration.ofMinutes(1)).smooth().build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .limit(bucket)
                .limit(BudgetLimit.requests(1, Duration.ofHours(1)).only("capped"))
                .stateStore(store)
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ok)
                .clock(clock)
                .addInterceptor(budgets)
                .build()) {
            assertThat(passes(gate, "capped")).isTrue();
            assertThat(budgets.used(bucket, "capped", clock.instant())).isEqualByComparingTo("1");
            assertThat(passes(gate, "capped")).isFalse(); // the hourly cap refuses after the bucket admitted it
            assertThat(budgets.used(bucket, "capped", clock.instant())).isEqualByComparingTo("1");
        }
    }

    @Test
    void anInFlightLimitAdmitsAtMostItsMaxAndEveryEndingGivesTheSlotBack() {
        ScriptedProvider provider = ScriptedProvider.answering(c -> Reply.words("one two three"));
        BudgetLimit limit = BudgetLimit.inFlight(2, Duration.ofMinutes(10)).build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .limit(limit)
                .stateStore(StateStore.inMemory(clock))
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .clock(clock)
                .addInterceptor(budgets)
                .build()) {
            ChatStream first = gate.stream(call("t"));
            ChatStream second = gate.stream(call("t"));
            assertThatThrownBy(() -> gate.chat(call("t")))
                    .isInstanceOf(BudgetExceededException.class)
                    .hasMessageContaining("too many calls in flight")
                    .hasMessageContaining("in_flight<=2");
            assertThat(budgets.used(limit, "t", clock.instant())).isEqualByComparingTo("2");
            first.close(); // closed early
            assertThat(passes(gate, "t")).isTrue(); // a blocking call ends: its slot is back at once
            second.collect(); // read to its end
            assertThat(budgets.used(limit, "t", clock.instant())).isEqualByComparingTo("0");
        }
        ScriptedProvider failing = ScriptedProvider.replying(
                Reply.failure(() -> new OverloadedException("busy", ErrorDetails.of("p"), Optional.empty(), null)));
        try (LlmGate gate = LlmGate.builder()
                .provider("p", failing)
                .clock(clock)
                .addInterceptor(budgets)
                .build()) {
            for (int i = 0; i < 5; i++) {
                assertThatThrownBy(() -> gate.chat(call("t"))).isInstanceOf(OverloadedException.class);
            }
            assertThat(budgets.used(limit, "t", clock.instant())).isEqualByComparingTo("0");
        }
    }

    @Test
    void aSlotGivenBackKeepsTheCounterAliveForTheCallsStillInFlight() {
        ScriptedProvider provider = ScriptedProvider.answering(c -> Reply.words("a b"));
        BudgetLimit limit = BudgetLimit.inFlight(2, Duration.ofSeconds(60)).build();
        StateStore store = StateStore.inMemory(clock);
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().limit(limit).stateStore(store).build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .clock(clock)
                .addInterceptor(budgets)
                .build()) {
            ChatStream a = gate.stream(call("t"));
            clock.advance(Duration.ofSeconds(50));
            ChatStream b = gate.stream(call("t"));
            clock.advance(Duration.ofSeconds(5));
            a.close();
            clock.advance(Duration.ofSeconds(6)); // past a's lease, b still runs
            assertThat(budgets.used(limit, "t", clock.instant())).isEqualByComparingTo("1");
            ChatStream c = gate.stream(call("t"));
            assertThatThrownBy(() -> gate.chat(call("t"))).isInstanceOf(BudgetExceededException.class);
            b.close();
            c.close();
            assertThat(budgets.used(limit, "t", clock.instant())).isEqualByComparingTo("0");
        }
    }

    @Test
    void aStoreFailingWhileACallIsSettledNeverReplacesItsAnswerNorKeepsItsSlot() {
        java.util.concurrent.atomic.AtomicBoolean failTokens = new java.util.concurrent.atomic.AtomicBoolean();
        StateStore inner = StateStore.inMemory(clock);
        StateStore flaky = new ForwardingStateStore(inner) {
            @Override
            public long add(String key, long delta, Instant expiresAt) {
                if (failTokens.get() && key.contains(":tokens:")) {
                    throw new dev.llmgate.core.routing.StateStoreUnavailableException(
                            "store down (test)", new RuntimeException());
                }
                return inner.add(key, delta, expiresAt);
            }
        };
        BudgetLimit tokens = BudgetLimit.tokens(1_000_000, Duration.ofHours(1)).build();
        BudgetLimit flight = BudgetLimit.inFlight(1, Duration.ofMinutes(10)).build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .limit(tokens)
                .limit(flight)
                .stateStore(flaky)
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ScriptedProvider.answering(c -> Reply.text("the answer")))
                .clock(clock)
                .addInterceptor(budgets)
                .build()) {
            failTokens.set(true);
            assertThat(gate.chat(call("t")).text()).isEqualTo("the answer");
            assertThat(budgets.used(flight, "t", clock.instant())).isEqualByComparingTo("0");
            assertThat(gate.stream(call("t")).collect().text()).isEqualTo("the answer");
            assertThat(budgets.used(flight, "t", clock.instant())).isEqualByComparingTo("0");
        }
    }

    @Test
    void aStoreFailingHalfWayThroughTheReservationsGivesEachBackOnce() {
        StateStore inner = StateStore.inMemory(clock);
        StateStore failsSecond = new ForwardingStateStore(inner) {
            @Override
            public java.util.OptionalLong addIfAtMost(String key, long delta, long limit, Instant expiresAt) {
                if (key.contains(":86400:")) {
                    throw new dev.llmgate.core.routing.StateStoreUnavailableException(
                            "store down (test)", new RuntimeException());
                }
                return inner.addIfAtMost(key, delta, limit, expiresAt);
            }
        };
        BudgetLimit hourly = BudgetLimit.requests(10, Duration.ofHours(1)).build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .limit(hourly)
                .limit(BudgetLimit.requests(100, Duration.ofDays(1)))
                .stateStore(failsSecond)
                .build();
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ok)
                .clock(clock)
                .addInterceptor(budgets)
                .build()) {
            assertThatThrownBy(() -> gate.chat(call("t")))
                    .isInstanceOf(dev.llmgate.core.routing.StateStoreUnavailableException.class);
            assertThat(ok.calls()).isZero();
            assertThat(budgets.used(hourly, "t", clock.instant())).isEqualByComparingTo("0");
        }
    }

    @Test
    void nonsenseIsRefusedAtConfigurationSayingWhy() {
        assertThatThrownBy(() ->
                        BudgetLimit.requests(0, Duration.ofMinutes(1)).smooth(1).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("at least 1 call per window");
        assertThatThrownBy(() ->
                        BudgetLimit.requests(5, Duration.ofMinutes(1)).smooth(6).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must not be larger than its amount");
        assertThatThrownBy(() ->
                        BudgetLimit.tokens(1000, Duration.ofMinutes(1)).smooth().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("smooth(...) applies to request limits");
        assertThatThrownBy(() -> BudgetLimit.requests(10, Duration.ofMinutes(1)).smooth(0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> BudgetLimit.inFlight(0, Duration.ofMinutes(1)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("at least 1 call");
        assertThatThrownBy(() -> BudgetLimit.inFlight(3, Duration.ofMillis(10)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lease");
    }
}
