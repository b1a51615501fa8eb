package dev.llmgate.core.routing;

import static dev.llmgate.core.routing.Fakes.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.testing.MutableClock;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final MutableClock clock = new MutableClock(Fakes.START);
    private final Fakes.ContextSpy spy = new Fakes.ContextSpy();

    private LlmGate gate(Router router, ScriptedProvider a, ScriptedProvider b) {
        return LlmGate.builder()
                .clock(clock)
                .addInterceptor(spy)
                .addInterceptor(Stage.ROUTING, router)
                .provider("a", a)
                .provider("b", b)
                .build();
    }

    private Router router(CircuitBreakerPolicy policy, StateStore store) {
        return Router.builder()
                .clock(clock)
                .sleeper(new Fakes.RecordingSleeper(clock))
                .circuitBreaker(policy)
                .stateStore(store)
                .route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .retry(RetryPolicy.NONE)
                        .build())
                .build();
    }

    @Test
    void consecutiveFailuresOpenTheCircuitThenAProbeClosesIt() {
        ScriptedProvider a = ScriptedProvider.replying(
                Reply.failure(Fakes::overloaded), Reply.failure(Fakes::overloaded), answer("a back"));
        ScriptedProvider b = ScriptedProvider.replying(answer("b"));
        Router r = router(new CircuitBreakerPolicy(2, 1.0, 10, 10, Duration.ofSeconds(10)), StateStore.inMemory(clock));
        try (LlmGate gate = gate(r, a, b)) {
            gate.chat("smart", "1");
            assertThat(r.health("a:m").orElseThrow().state()).isEqualTo(BreakerState.CLOSED);
            gate.chat("smart", "2");
            DeploymentHealth open = r.health("a:m").orElseThrow();
            assertThat(open.state()).isEqualTo(BreakerState.OPEN);
            assertThat(open.consecutiveFailures()).isEqualTo(2);
            assertThat(open.availableAt()).contains(clock.instant().plusSeconds(10));

            gate.chat("smart", "3");
            assertThat(a.calls()).isEqualTo(2);
            assertThat(spy.last.get().list(CallFacts.ATTEMPTS))
                    .extracting(AttemptRecord::reason)
                    .containsExactly("fallback:circuit_open");

            clock.advance(Duration.ofSeconds(10));
            assertThat(gate.chat("smart", "4").text()).isEqualTo("a back");
            assertThat(r.health("a:m").orElseThrow().state()).isEqualTo(BreakerState.CLOSED);
            assertThat(r.health("a:m").orElseThrow().consecutiveFailures()).isZero();
        }
    }

    @Test
    void everyTransitionIsReportedToTheListenersOnce() {
        ScriptedProvider a = ScriptedProvider.replying(
                Reply.failure(Fakes::overloaded), Reply.failure(Fakes::overloaded), answer("a back"));
        ScriptedProvider b = ScriptedProvider.replying(answer("b"));
        java.util.List<dev.llmgate.core.events.BreakerTransition> seen =
                new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.llmgate.core.events.CallListener listener = new dev.llmgate.core.events.CallListener() {
            @Override
            public void onAttempt(dev.llmgate.core.events.AttemptEvent event) {}

            @Override
            public void onBreakerTransition(dev.llmgate.core.events.BreakerTransition transition) {
                seen.add(transition);
            }
        };
        Router r = Router.builder()
                .clock(clock)
                .sleeper(new Fakes.RecordingSleeper(clock))
                .circuitBreaker(new CircuitBreakerPolicy(2, 1.0, 10, 10, Duration.ofSeconds(10)))
                .stateStore(StateStore.inMemory(clock))
                .listener(listener)
                .listener(event -> {
                    throw new IllegalStateException("a broken listener changes nothing");
                })
                .route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .retry(RetryPolicy.NONE)
                        .build())
                .build();
        try (LlmGate gate = gate(r, a, b)) {
            gate.chat("smart", "1");
            gate.chat("smart", "2");
            gate.chat("smart", "3"); // open: not called, no transition
            clock.advance(Duration.ofSeconds(10));
            gate.chat("smart", "4"); // the probe succeeds
        }
        assertThat(seen)
                .extracting(t -> t.deployment() + " " + t.from() + "->" + t.to())
                .containsExactly("a:m CLOSED->OPEN", "a:m OPEN->HALF_OPEN", "a:m HALF_OPEN->CLOSED");
        assertThat(seen.get(0).at()).isEqualTo(Fakes.START);
    }

    @Test
    void aFailedProbeReopensTheCircuitAndOnlyOneProbeGoesAtATime() {
        ScriptedProvider a = ScriptedProvider.replying(Reply.failure(Fakes::overloaded));
        ScriptedProvider b = ScriptedProvider.replying(answer("b"));
        StateStore store = StateStore.inMemory(clock);
        Router r = router(new CircuitBreakerPolicy(1, 1.0, 10, 10, Duration.ofSeconds(10)), store);
        try (LlmGate gate = gate(r, a, b)) {
            gate.chat("smart", "1");
            assertThat(r.health("a:m").orElseThrow().state()).isEqualTo(BreakerState.OPEN);
            clock.advance(Duration.ofSeconds(10));
            gate.chat("smart", "probe");
            assertThat(a.calls()).isEqualTo(2);
            assertThat(r.health("a:m").orElseThrow().state()).isEqualTo(BreakerState.OPEN);
            assertThat(r.health("a:m").orElseThrow().availableAt())
                    .contains(clock.instant().plusSeconds(10));
        }
        // half-open admits exactly one probe until it reports
        dev.llmgate.core.routing.internal.Breakers breakers = new dev.llmgate.core.routing.internal.Breakers(
                StateStore.inMemory(clock),
                Optional.of(new CircuitBreakerPolicy(1, 1.0, 10, 10, Duration.ofSeconds(10))));
        long now = clock.millis();
        breakers.onFailure("x:m", now, Optional.empty());
        assertThat(breakers.tryAcquire("x:m", now + 9_999)).isFalse();
        assertThat(breakers.tryAcquire("x:m", now + 10_000)).isTrue();
        assertThat(breakers.state("x:m").state()).isEqualTo(BreakerState.HALF_OPEN);
        assertThat(breakers.tryAcquire("x:m", now + 10_001)).isFalse();
        breakers.onSuccess("x:m", now + 10_002);
        assertThat(breakers.state("x:m").state()).isEqualTo(BreakerState.CLOSED);
        assertThat(breakers.tryAcquire("x:m", now + 10_003)).isTrue();
    }

    @Test
    void theFailureRateOverTheSlidingWindowOpensTheCircuit() {
        dev.llmgate.core.routing.internal.Breakers breakers = new dev.llmgate.core.routing.internal.Breakers(
                StateStore.inMemory(clock),
                Optional.of(new CircuitBreakerPolicy(100, 0.5, 4, 4, Duration.ofSeconds(5))));
        long t = clock.millis();
        breakers.onFailure("x:m", t, Optional.empty());
        breakers.onSuccess("x:m", t);
        breakers.onFailure("x:m", t, Optional.empty());
        assertThat(breakers.state("x:m").state()).isEqualTo(BreakerState.CLOSED); // 2 of 3, fewer than minimumCalls
        breakers.onSuccess("x:m", t);
        breakers.onSuccess("x:m", t);
        breakers.onSuccess("x:m", t);
        breakers.onFailure("x:m", t, Optional.empty()); // last 4: S S S F = 25%
        assertThat(breakers.state("x:m").state()).isEqualTo(BreakerState.CLOSED);
        breakers.onFailure("x:m", t, Optional.empty()); // last 4: S S F F = 50%
        assertThat(breakers.state("x:m").state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void whenEveryCircuitIsOpenTheCallFailsFastWithWhenToComeBack() {
        ScriptedProvider a = ScriptedProvider.replying(Reply.failure(Fakes::overloaded));
        ScriptedProvider b = ScriptedProvider.replying(Reply.failure(Fakes::overloaded));
        Router r = router(new CircuitBreakerPolicy(1, 1.0, 10, 10, Duration.ofSeconds(30)), StateStore.inMemory(clock));
        try (LlmGate gate = gate(r, a, b)) {
            assertThatThrownBy(() -> gate.chat("smart", "1")).isInstanceOf(OverloadedException.class);
            clock.advance(Duration.ofSeconds(5));
            assertThatThrownBy(() -> gate.chat("smart", "2"))
                    .isInstanceOf(OverloadedException.class)
                    .hasMessageContaining("no deployment is available")
                    .satisfies(e ->
                            assertThat(((OverloadedException) e).retryAfter()).contains(Duration.ofSeconds(25)));
            assertThat(a.calls() + b.calls()).isEqualTo(2);
        }
    }

    @Test
    void twoRoutersSharingAStoreShareBreakers() {
        StateStore shared = StateStore.inMemory(clock);
        CircuitBreakerPolicy policy = new CircuitBreakerPolicy(1, 1.0, 10, 10, Duration.ofSeconds(30));
        Router first = router(policy, shared);
        Router second = router(policy, shared);
        try (LlmGate g1 = gate(
                first,
                ScriptedProvider.replying(Reply.failure(Fakes::overloaded)),
                ScriptedProvider.replying(answer("b")))) {
            g1.chat("smart", "x");
        }
        assertThat(second.health("a:m").orElseThrow().state()).isEqualTo(BreakerState.OPEN);
    }
}
