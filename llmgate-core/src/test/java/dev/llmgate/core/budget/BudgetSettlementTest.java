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
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.core.routing.StateStore;
import dev.llmgate.core.routing.TokenEstimator;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Budgets settle on every ending of a call, exactly once, and concurrent calls overshoot a limit by
 * at most the stated bound. Every concurrent test here is driven by latches: the calls are held at
 * the provider until every caller has been admitted or rejected, so the outcome does not depend on
 * scheduling and is asserted exactly.
 */
@Timeout(60)
class BudgetSettlementTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:00Z");
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    /** A 20-character prompt: 5 tokens of text + 4 of framing = 9 estimated input tokens. */
    private static final String PROMPT = "y".repeat(20);

    private static final long INPUT = 9;

    // ------------------------------------------------------------------ concurrency and the overshoot bound

    /**
     * A provider that answers with {@code outputTokens(request)} output tokens and reports the
     * request's input exactly as {@link TokenEstimator} estimates it (so the only reservation error is
     * the output's), holding every call until {@code release} opens. {@code arrived} counts calls
     * that reached it.
     */
    private static ModelProvider heldProvider(
            java.util.function.ToLongFunction<ChatRequest> outputTokens,
            CountDownLatch decided,
            CountDownLatch release) {
        return (request, call) -> {
            decided.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return ChatResponse.builder()
                    .id("r")
                    .model(request.model())
                    .text("ok")
                    .usage(Usage.of(TokenEstimator.inputTokens(request), outputTokens.applyAsLong(request)))
                    .build();
        };
    }

    /**
     * Runs {@code callers} calls at once; each counts down {@code decided} when it is rejected (the
     * provider counts down for the admitted ones), and {@code release} opens only when all have
     * decided. Returns how many were admitted.
     */
    private static int runHeld(
            LlmGate gate, ChatRequest request, int callers, CountDownLatch decided, CountDownLatch release)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        gate.chat(request);
                        return true;
                    } catch (BudgetExceededException e) {
                        decided.countDown();
                        return false;
                    }
                }));
            }
            start.countDown();
            assertThat(decided.await(30, TimeUnit.SECONDS))
                    .as("every caller admitted or rejected")
                    .isTrue();
            release.countDown();
            int admitted = 0;
            for (Future<Boolean> f : results) {
                admitted += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            return admitted;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCallsWithoutMaxOutputTokensCannotTogetherPassATokenLimit() throws Exception {
        // The measured failure: requests without maxOutputTokens reserved a guess, concurrent calls all fit
        // in the limit by that guess, and their real output added up far past it. Now such a request is sent
        // with the budget's default maxOutputTokens (4,096) and that is what is reserved: an honest provider
        // (this one writes 5,000 tokens unless told less) cannot exceed the reservation.
        BudgetLimit limit =
                BudgetLimit.tokens(50_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(limit).build();
        int callers = 16;
        CountDownLatch decided = new CountDownLatch(callers);
        CountDownLatch release = new CountDownLatch(1);
        ModelProvider honest =
                heldProvider(r -> Math.min(5_000, r.maxOutputTokens().orElse(5_000)), decided, release);
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", honest)
                .addInterceptor(Stage.BUDGET, budgets)
                .build()) {
            int admitted = runHeld(gate, ChatRequest.builder("p:m").user(PROMPT).build(), callers, decided, release);
            // 9 + 4,096 reserved each: 12 fit in 50,000 (49,260), the other 4 are rejected
            assertThat(admitted).isEqualTo(12);
            assertThat(budgets.used(limit, "*", T0)).isEqualByComparingTo(String.valueOf(12 * (INPUT + 4_096)));
            assertThat(budgets.used(limit, "*", T0)).isLessThanOrEqualTo(BigDecimal.valueOf(50_000));
        }
    }

    @Test
    void theOvershootIsExactlyTheExcessOfTheCallsInFlightInTheWorstCase() throws Exception {
        // A provider that ignores maxOutputTokens (10 asked, 500 written): each call exceeds its reservation of
        // 9 + 10 = 19 tokens by E = 490. With C = 16 calls in flight the bound is limit + C x E, and it is
        // reached: all 16 fit the limit by reservation, then all settle.
        int callers = 16;
        long reservation = INPUT + 10;
        long excess = 500 - 10;
        long units = callers * reservation;
        BudgetLimit limit =
                BudgetLimit.tokens(units, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(limit).build();
        CountDownLatch decided = new CountDownLatch(callers);
        CountDownLatch release = new CountDownLatch(1);
        ModelProvider ignoresLimit = heldProvider(r -> 500, decided, release);
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", ignoresLimit)
                .addInterceptor(Stage.BUDGET, budgets)
                .build()) {
            ChatRequest request =
                    ChatRequest.builder("p:m").user(PROMPT).maxOutputTokens(10).build();
            int admitted = runHeld(gate, request, callers, decided, release);
            assertThat(admitted).isEqualTo(callers);
            assertThat(budgets.used(limit, "*", T0)).isEqualByComparingTo(String.valueOf(units + callers * excess));
            // and once past the limit, nothing more is admitted
            assertThatThrownBy(() -> gate.chat(request)).isInstanceOf(BudgetExceededException.class);
        }
    }

    @Test
    void manyCallsFromSixteenThreadsNeverPassLimitPlusSixteenTimesTheLargestExcess() throws Exception {
        // 16 threads each make 40 calls in a row; each call exceeds its reservation of 19 by 0 to 490 tokens
        // (fixed per call number). Whatever the interleaving of admissions and settlements, at most 16 calls are
        // in flight, so the counter ends at most at limit + 16 x 490.
        int threads = 16;
        int callsEach = 40;
        long limitUnits = 2_000;
        BudgetLimit limit =
                BudgetLimit.tokens(limitUnits, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(limit).build();
        AtomicInteger served = new AtomicInteger();
        ModelProvider varying = (request, call) -> {
            int n = served.getAndIncrement();
            return ChatResponse.builder()
                    .id("r")
                    .model(request.model())
                    .text("ok")
                    .usage(Usage.of(TokenEstimator.inputTokens(request), 10 + (n * 7919L) % 491))
                    .build();
        };
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", varying)
                .addInterceptor(Stage.BUDGET, budgets)
                .build()) {
            ChatRequest request =
                    ChatRequest.builder("p:m").user(PROMPT).maxOutputTokens(10).build();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < callsEach; i++) {
                        try {
                            gate.chat(request);
                        } catch (BudgetExceededException rejected) {
                            // expected once the limit is reached
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(served.get()).isPositive();
            assertThat(budgets.used(limit, "*", T0))
                    .isLessThanOrEqualTo(BigDecimal.valueOf(limitUnits + threads * 490L));
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ endings of blocking calls

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void aBlockingAnswerWithoutUsageIsChargedItsEstimate(boolean routed) {
        BudgetLimit tokens =
                BudgetLimit.tokens(100_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(tokens).build();
        ModelProvider noUsage = (request, call) -> ChatResponse.builder()
                .id("r")
                .model(request.model())
                .text("abcd".repeat(25))
                .build();
        try (LlmGate gate = gate(budgets, noUsage, routed)) {
            gate.chat(ChatRequest.builder(routed ? "smart" : "p:m")
                    .user(PROMPT)
                    .maxOutputTokens(50)
                    .build());
            // 9 input + 100 characters / 4 = 25 output
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("34");
        }
    }

    private LlmGate gate(BudgetInterceptor budgets, ModelProvider provider, boolean routed, Interceptor... outer) {
        LlmGate.Builder b =
                LlmGate.builder().clock(clock).provider("p", provider).addInterceptor(Stage.BUDGET, budgets);
        for (Interceptor i : outer) {
            b.addInterceptor(i);
        }
        if (routed) {
            b.addInterceptor(
                    Stage.ROUTING,
                    Router.builder()
                            .noCircuitBreaker()
                            .sleeper(d -> {})
                            .route(Route.builder("smart")
                                    .deployment(Deployment.builder("p", "gpt-4o")
                                            .catalogProvider("openai")
                                            .build())
                                    .build())
                            .build());
        }
        return b.build();
    }

    // ------------------------------------------------------------------ endings of streams

    /** A provider stream of scripted events; before event {@code holdBefore} it signals {@code held} and waits for {@code go}. */
    private static final class HeldStreamProvider implements ModelProvider {
        final List<StreamEvent> events;
        final int holdBefore;
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicInteger opened = new AtomicInteger();

        HeldStreamProvider(int holdBefore, StreamEvent... events) {
            this.events = List.of(events);
            this.holdBefore = holdBefore;
        }

        @Override
        public ChatResponse chat(ChatRequest request, CallContext call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChatStream stream(ChatRequest request, CallContext call) {
            opened.incrementAndGet();
            return new AbstractChatStream() {
                int i;

                @Override
                protected StreamEvent produce() {
                    if (i == holdBefore) {
                        held.countDown();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return events.get(i++);
                }

                @Override
                protected void release() {}
            };
        }
    }

    private static StreamEvent finish() {
        return StreamEvent.Finish.of(FinishReason.STOP, "id", "", "gpt-4o");
    }

    /** Captures each call's context, from outside the budget stage. */
    private static Interceptor capture(AtomicReference<CallContext> into) {
        return chain -> {
            into.set(chain.call());
            return chain.proceed(chain.request());
        };
    }

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void aCloseThatRacesTheFinalUsageEventChargesOnce(boolean routed) throws Exception {
        // The consumer has the text and waits for the usage event; another thread closes the stream before it
        // arrives. Exactly one charge: the estimate (the usage event arrives after the close and is ignored).
        BudgetLimit tokens =
                BudgetLimit.tokens(100_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(tokens).build();
        HeldStreamProvider provider = new HeldStreamProvider(
                1,
                new StreamEvent.TextDelta("abcd".repeat(10)),
                new StreamEvent.UsageUpdate(Usage.of(INPUT, 10)),
                finish());
        AtomicReference<CallContext> call = new AtomicReference<>();
        try (LlmGate gate = gate(budgets, provider, routed, capture(call))) {
            ChatStream s = gate.stream(ChatRequest.builder(routed ? "smart" : "p:m")
                    .user(PROMPT)
                    .maxOutputTokens(50)
                    .build());
            assertThat(s.next()).isInstanceOf(StreamEvent.TextDelta.class);
            List<StreamEvent> after = new CopyOnWriteArrayList<>();
            Thread consumer = new Thread(() -> {
                while (s.hasNext()) {
                    after.add(s.next());
                }
            });
            consumer.start();
            assertThat(provider.held.await(30, TimeUnit.SECONDS)).isTrue();
            s.close();
            long atClose = budgets.used(tokens, "*", T0).longValueExact();
            provider.go.countDown();
            consumer.join(30_000);
            assertThat(consumer.isAlive()).isFalse();
            // 9 input + 40 characters / 4 = 10 output, charged once, at the close
            assertThat(atClose).isEqualTo(19);
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("19");
            assertThat(after).noneMatch(StreamEvent::isTerminal);
            if (routed) {
                assertThat(call.get().list(CallFacts.ATTEMPTS))
                        .extracting(AttemptRecord::outcome)
                        .containsExactly("cancelled");
            }
        }
    }

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void aCloseThatRacesTheSettlementOfTheFinishChargesOnce(boolean routed) throws Exception {
        // The consumer received the finish; while its settlement is under way (held inside the state store),
        // another thread closes the stream. The close waits for it or does nothing: one charge, the reported usage.
        BudgetLimit tokens =
                BudgetLimit.tokens(100_000, Duration.ofHours(1)).global().build();
        CountDownLatch settling = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean holdNextAdd = new AtomicBoolean(true);
        StateStore inner = StateStore.inMemory(clock);
        StateStore holding = new ForwardingStateStore(inner) {
            @Override
            public long add(String key, long delta, Instant expiresAt) {
                if (holdNextAdd.compareAndSet(true, false)) {
                    settling.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return inner.add(key, delta, expiresAt);
            }
        };
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .stateStore(holding)
                .limit(tokens)
                .build();
        HeldStreamProvider provider = new HeldStreamProvider(
                -1,
                new StreamEvent.TextDelta("abcd".repeat(10)),
                new StreamEvent.UsageUpdate(Usage.of(INPUT, 30)),
                finish());
        AtomicReference<CallContext> call = new AtomicReference<>();
        try (LlmGate gate = gate(budgets, provider, routed, capture(call))) {
            ChatStream s = gate.stream(ChatRequest.builder(routed ? "smart" : "p:m")
                    .user(PROMPT)
                    .maxOutputTokens(50)
                    .build());
            Thread consumer = new Thread(() -> {
                while (s.hasNext()) {
                    s.next();
                }
            });
            consumer.start();
            assertThat(settling.await(30, TimeUnit.SECONDS)).isTrue();
            Thread closer = new Thread(s::close);
            closer.start();
            awaitBlockedOrDone(closer);
            go.countDown();
            consumer.join(30_000);
            closer.join(30_000);
            assertThat(consumer.isAlive()).isFalse();
            assertThat(closer.isAlive()).isFalse();
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo(String.valueOf(INPUT + 30));
            if (routed) {
                assertThat(call.get().list(CallFacts.ATTEMPTS))
                        .extracting(AttemptRecord::outcome)
                        .containsExactly("success");
            }
        }
    }

    @Test
    void aCloseThatRacesTheRecordingOfTheFinishRecordsOneAttempt() throws Exception {
        // Routing records the live attempt's end once: the consumer's finish is being recorded (held in a
        // listener) when another thread closes the stream; the close waits, and no "cancelled" attempt follows.
        BudgetLimit tokens =
                BudgetLimit.tokens(100_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(tokens).build();
        CountDownLatch recording = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        Router router = Router.builder()
                .noCircuitBreaker()
                .sleeper(d -> {})
                .listener(event -> {
                    if (event.outcome().equals("success")) {
                        recording.countDown();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .route(Route.builder("smart")
                        .deployment(Deployment.builder("p", "gpt-4o")
                                .catalogProvider("openai")
                                .build())
                        .build())
                .build();
        HeldStreamProvider provider = new HeldStreamProvider(
                -1,
                new StreamEvent.TextDelta("abcd".repeat(10)),
                new StreamEvent.UsageUpdate(Usage.of(INPUT, 30)),
                finish());
        AtomicReference<CallContext> call = new AtomicReference<>();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(capture(call))
                .addInterceptor(Stage.BUDGET, budgets)
                .addInterceptor(Stage.ROUTING, router)
                .build()) {
            ChatStream s = gate.stream(ChatRequest.builder("smart")
                    .user(PROMPT)
                    .maxOutputTokens(50)
                    .build());
            Thread consumer = new Thread(() -> {
                while (s.hasNext()) {
                    s.next();
                }
            });
            consumer.start();
            assertThat(recording.await(30, TimeUnit.SECONDS)).isTrue();
            Thread closer = new Thread(s::close);
            closer.start();
            awaitBlockedOrDone(closer);
            go.countDown();
            consumer.join(30_000);
            closer.join(30_000);
            assertThat(call.get().list(CallFacts.ATTEMPTS))
                    .extracting(AttemptRecord::outcome)
                    .containsExactly("success");
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo(String.valueOf(INPUT + 30));
        }
    }

    /** Waits until {@code t} blocks on a lock (or waits) or has ended: a state it must reach, not a time. */
    private static void awaitBlockedOrDone(Thread t) throws InterruptedException {
        while (true) {
            Thread.State state = t.getState();
            if (state == Thread.State.BLOCKED || state == Thread.State.WAITING || state == Thread.State.TERMINATED) {
                return;
            }
            Thread.sleep(1);
        }
    }

    @Test
    void aRoutedStreamClosedBeforeItsFirstPullSentNothingAndIsChargedNothing() {
        // routing starts a stream's attempts on its first pull: closed before it, nothing reached a provider
        Router router = Router.builder()
                .noCircuitBreaker()
                .sleeper(d -> {})
                .route(Route.builder("smart")
                        .deployment(Deployment.builder("p", "gpt-4o")
                                .catalogProvider("openai")
                                .build())
                        .build())
                .build();
        BudgetLimit tokens =
                BudgetLimit.tokens(100_000, Duration.ofHours(1)).global().build();
        BudgetLimit usd = BudgetLimit.usd("10", Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(tokens)
                .limit(usd)
                .costEstimator(router::estimateCost)
                .build();
        HeldStreamProvider provider = new HeldStreamProvider(-1, new StreamEvent.TextDelta("abcd"), finish());
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(Stage.BUDGET, budgets)
                .addInterceptor(Stage.ROUTING, router)
                .build()) {
            ChatStream s = gate.stream(ChatRequest.builder("smart")
                    .user(PROMPT)
                    .maxOutputTokens(50)
                    .build());
            assertThat(budgets.used(usd, "*", T0)).isPositive();
            s.close();
            assertThat(provider.opened.get()).isZero();
            assertThat(budgets.used(tokens, "*", T0)).isZero();
            assertThat(budgets.used(usd, "*", T0)).isZero();
        }
    }

    @Test
    void aCacheHitIsNotEstimated() {
        // the first call streams an answer without usage (estimated, 9 + 1); the second is served from the cache:
        // nothing more
        BudgetLimit tokens =
                BudgetLimit.tokens(100_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(tokens).build();
        HeldStreamProvider provider = new HeldStreamProvider(-1, new StreamEvent.TextDelta("abcd"), finish());
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(Stage.BUDGET, budgets)
                .addInterceptor(Stage.CACHE, ResponseCache.builder().build().interceptor())
                .build()) {
            ChatRequest request =
                    ChatRequest.builder("p:m").user(PROMPT).maxOutputTokens(50).build();
            assertThat(gate.stream(request).collect().text()).isEqualTo("abcd");
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("10");
            assertThat(gate.stream(request).collect().text()).isEqualTo("abcd");
            assertThat(provider.opened.get()).isEqualTo(1);
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("10");
        }
    }

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void aStreamThatFailsBeforeItsFirstTokenIsChargedOnlyWhatWasReported(boolean routed) {
        BudgetLimit tokens =
                BudgetLimit.tokens(100_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(tokens).build();
        ModelProvider failsAtOnce = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                return new AbstractChatStream() {
                    @Override
                    protected StreamEvent produce() {
                        throw new dev.llmgate.api.exception.NetworkException(
                                "reset", dev.llmgate.api.exception.ErrorDetails.NONE);
                    }

                    @Override
                    protected void release() {}
                };
            }
        };
        try (LlmGate gate = gate(budgets, failsAtOnce, routed)) {
            assertThatThrownBy(() -> gate.stream(ChatRequest.builder(routed ? "smart" : "p:m")
                                    .user(PROMPT)
                                    .build())
                            .collect())
                    .isInstanceOf(dev.llmgate.api.exception.NetworkException.class);
            assertThat(budgets.used(tokens, "*", T0)).isZero();
        }
    }
}
