package dev.llmgate.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.core.routing.StateStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BudgetInterceptorTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:00Z");
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    private static ModelProvider fixedUsage(Usage usage, AtomicInteger calls) {
        return (request, call) -> {
            calls.incrementAndGet();
            return ChatResponse.builder()
                    .id("r")
                    .model(request.model())
                    .text("ok")
                    .usage(usage)
                    .build();
        };
    }

    private static ChatRequest forTenant(String tenant) {
        return ChatRequest.builder("p:m")
                .user("hi")
                .tenant(tenant)
                .maxOutputTokens(10)
                .build();
    }

    @Test
    void aThousandConcurrentCallsNeverOverspend() throws Exception {
        BudgetLimit limit =
                BudgetLimit.usd("1.00", Duration.ofHours(1)).perTenant().build();
        // every call is estimated and billed at $0.003: at most 333 calls fit in $1
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(limit)
                .costEstimator(r -> Optional.of(new BigDecimal("0.003")))
                .build();
        AtomicInteger providerCalls = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", fixedUsage(Usage.of(5, 5), providerCalls))
                .addInterceptor(Stage.BUDGET, budgets)
                .build()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        gate.chat(forTenant("acme"));
                        return true;
                    } catch (BudgetExceededException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int ok = 0;
            for (Future<Boolean> f : results) {
                ok += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(ok).isEqualTo(333);
            assertThat(providerCalls.get()).isEqualTo(333);
            assertThat(budgets.used(limit, "acme", T0)).isEqualByComparingTo("0.999");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void exceedingALimitNamesItsWindowAndResetAndReleasesOtherReservations() {
        BudgetLimit requests =
                BudgetLimit.requests(2, Duration.ofMinutes(1)).perUser().build();
        BudgetLimit tokens =
                BudgetLimit.tokens(1000, Duration.ofHours(1)).perTenant().build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(tokens)
                .limit(requests)
                .build();
        AtomicInteger calls = new AtomicInteger();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", fixedUsage(Usage.of(5, 5), calls))
                .addInterceptor(Stage.BUDGET, budgets)
                .build()) {
            ChatRequest req = ChatRequest.builder("p:m")
                    .user("my-secret-prompt")
                    .tenant("acme")
                    .endUser("u1")
                    .maxOutputTokens(10)
                    .build();
            gate.chat(req);
            gate.chat(req);
            assertThatThrownBy(() -> gate.chat(req)).isInstanceOfSatisfying(BudgetExceededException.class, e -> {
                assertThat(e.limit()).isEqualTo("user=u1 requests<=2 per PT1M");
                assertThat(e.window()).isEqualTo(Duration.ofMinutes(1));
                assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-03-01T10:16:00Z"));
                assertThat(e.getMessage()).doesNotContain("secret");
            });
            assertThat(calls.get()).isEqualTo(2);
            // the token reservation of the rejected call was released: only the two real calls' 10 tokens each remain
            assertThat(budgets.used(tokens, "acme", T0)).isEqualByComparingTo("20"); // 5 + 5 per call
            // another user of the same tenant still gets through
            gate.chat(ChatRequest.builder("p:m")
                    .user("hi")
                    .tenant("acme")
                    .endUser("u2")
                    .maxOutputTokens(10)
                    .build());
        }
    }

    @Test
    void aReservationIsReconciledWithTheRealCostOfEveryAttempt() {
        BudgetLimit limit =
                BudgetLimit.usd("10", Duration.ofDays(1)).only("acme").build();
        AtomicInteger calls = new AtomicInteger();
        ModelProvider flaky = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                if (calls.incrementAndGet() == 1) {
                    throw new OverloadedException("busy", ErrorDetails.NONE, Optional.empty());
                }
                return ChatResponse.builder()
                        .model(request.model())
                        .text("ok")
                        .usage(Usage.of(1_000, 100))
                        .build();
            }
        };
        Router router = Router.builder()
                .sleeper(d -> {})
                .route(Route.builder("smart")
                        .deployment(Deployment.builder("p", "gpt-4o")
                                .catalogProvider("openai")
                                .build())
                        .build())
                .build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(limit)
                .costEstimator(router::estimateCost)
                .build();
        AtomicInteger seen = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<BigDecimal> reservedDuringCall =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", flaky)
                .addInterceptor(Stage.BUDGET, budgets)
                .addInterceptor(Stage.ROUTING, router)
                .addAttemptInterceptor(chain -> {
                    if (seen.incrementAndGet() == 1) {
                        reservedDuringCall.set(budgets.used(limit, "acme", T0));
                    }
                    return chain.proceed(chain.request());
                })
                .build()) {
            ChatRequest req = ChatRequest.builder("smart")
                    .user("x".repeat(396))
                    .tenant("acme")
                    .maxOutputTokens(2000)
                    .build();
            // estimate: (99 + 4) input x 2.50 + 2000 output x 10, per million
            assertThat(router.estimateCost(req)).contains(new BigDecimal("0.0202575"));
            gate.chat(req);
            assertThat(reservedDuringCall.get()).isEqualByComparingTo("0.0202575");
            // real: 1000 x 2.50 + 100 x 10, per million (the failed attempt cost nothing)
            assertThat(budgets.used(limit, "acme", T0)).isEqualByComparingTo("0.0035");
            assertThat(budgets.used(limit, "other", T0)).isZero();
        }
    }

    @Test
    void aFailedCallReleasesItsTokenReservation() {
        BudgetLimit tokens =
                BudgetLimit.tokens(10_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(tokens).build();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", (r, c) -> {
                    throw new OverloadedException("busy", ErrorDetails.NONE, Optional.empty());
                })
                .addInterceptor(Stage.BUDGET, budgets)
                .build()) {
            assertThatThrownBy(() -> gate.chat(forTenant("acme"))).isInstanceOf(OverloadedException.class);
            assertThat(budgets.used(tokens, "*", T0)).isZero();
        }
    }

    @Test
    void aStreamIsSettledWhenItEndsOrIsClosed() {
        BudgetLimit tokens =
                BudgetLimit.tokens(10_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(tokens)
                .defaultMaxOutputTokens(100)
                .build();
        ModelProvider streaming = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                List<StreamEvent> events = List.of(
                        new StreamEvent.TextDelta("a"),
                        new StreamEvent.UsageUpdate(Usage.of(7, 3)),
                        StreamEvent.Finish.of(FinishReason.STOP, "id", "", "m"));
                return new AbstractChatStream() {
                    int i;

                    @Override
                    protected StreamEvent produce() {
                        return events.get(i++);
                    }

                    @Override
                    protected void release() {}
                };
            }
        };
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", streaming)
                .addInterceptor(Stage.BUDGET, budgets)
                .build()) {
            ChatStream s = gate.stream(ChatRequest.of("p:m", "hello"));
            assertThat(budgets.used(tokens, "*", T0))
                    .isEqualByComparingTo(
                            "106"); // reserved: 2 tokens of text (5 chars) + 4 of framing + 100 default output
            s.collect();
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("10");
            ChatStream early = gate.stream(ChatRequest.of("p:m", "hello"));
            early.next();
            early.close();
            // no usage reported before the close: charged the estimate, 6 input + 1 output token for the one character
            // delivered
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("17");
        }
    }

    @Test
    void windowsAreAlignedAndCountersExpire() {
        Clock later = Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        BudgetLimit limit =
                BudgetLimit.requests(1, Duration.ofHours(1)).global().build();
        StateStore store = StateStore.inMemory(clock);
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(limit)
                .stateStore(store)
                .build();
        AtomicInteger calls = new AtomicInteger();
        try (LlmGate first = LlmGate.builder()
                        .clock(clock)
                        .provider("p", fixedUsage(Usage.ZERO, calls))
                        .addInterceptor(Stage.BUDGET, budgets)
                        .build();
                LlmGate next = LlmGate.builder()
                        .clock(later)
                        .provider("p", fixedUsage(Usage.ZERO, calls))
                        .addInterceptor(Stage.BUDGET, budgets)
                        .build()) {
            first.chat(forTenant("a"));
            assertThatThrownBy(() -> first.chat(forTenant("a"))).isInstanceOf(BudgetExceededException.class);
            next.chat(forTenant("a"));
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Test
    void configurationIsChecked() {
        assertThatThrownBy(() -> BudgetInterceptor.builder().build()).hasMessageContaining("at least one limit");
        assertThatThrownBy(() -> BudgetInterceptor.builder()
                        .clock(clock)
                        .limit(BudgetLimit.usd("1", Duration.ofDays(1)))
                        .build())
                .hasMessageContaining("needs a cost estimator");
        assertThatThrownBy(() -> BudgetLimit.tokens(10, Duration.ofMillis(10)).build())
                .hasMessageContaining("at least one second");
        assertThatThrownBy(() -> BudgetLimit.requests(1, Duration.ofDays(1))
                        .global()
                        .only("x")
                        .build())
                .hasMessageContaining("no subject");
    }
}
