package dev.llmgate.core.routing;

import static dev.llmgate.core.routing.Fakes.answer;
import static dev.llmgate.core.routing.Fakes.oneTwo;
import static dev.llmgate.core.routing.Fakes.overloaded;
import static dev.llmgate.core.routing.Fakes.rateLimited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.testing.MutableClock;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final MutableClock clock = new MutableClock(Fakes.START);
    private final Fakes.RecordingSleeper sleeper = new Fakes.RecordingSleeper(clock);
    private final Fakes.ContextSpy spy = new Fakes.ContextSpy();
    private final List<AttemptEvent> events = Collections.synchronizedList(new ArrayList<>());

    private Router.Builder router() {
        return Router.builder()
                .clock(clock)
                .sleeper(sleeper)
                .random(new Fakes.FixedRandom(0.5))
                .listener(events::add);
    }

    private LlmGate gate(Router router, Object... namesAndProviders) {
        LlmGate.Builder b = LlmGate.builder().clock(clock).addInterceptor(spy).addInterceptor(Stage.ROUTING, router);
        for (int i = 0; i < namesAndProviders.length; i += 2) {
            b.provider((String) namesAndProviders[i], (ScriptedProvider) namesAndProviders[i + 1]);
        }
        return b.build();
    }

    private List<AttemptRecord> attempts() {
        return spy.last.get().list(CallFacts.ATTEMPTS);
    }

    private static List<String> summary(List<AttemptRecord> records) {
        List<String> out = new ArrayList<>();
        for (AttemptRecord r : records) {
            out.add(r.provider() + ":" + r.model() + " " + r.outcome() + " " + r.reason());
        }
        return out;
    }

    @Test
    void priorityFallsOverOnRateLimitAndRecordsEveryAttempt() {
        ScriptedProvider a = ScriptedProvider.replying(Reply.failure(rateLimited(Optional.empty())));
        ScriptedProvider b = ScriptedProvider.replying(answer("from b"));
        Router r = router().route(Route.builder("smart")
                        .deployment("a:m1")
                        .deployment("b:m2")
                        .retry(RetryPolicy.NONE)
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b)) {
            ChatResponse resp = gate.chat("smart", "hi");
            assertThat(resp.text()).isEqualTo("from b");
            assertThat(resp.provider()).isEqualTo("b");
            assertThat(summary(attempts()))
                    .containsExactly("a:m1 RateLimitedException primary", "b:m2 success fallback:rate_limited");
            assertThat(events).extracting(AttemptEvent::attempt).containsExactly(1, 2);
            assertThat(events.get(0).errorType()).contains("RateLimitedException");
        }
    }

    @Test
    void invalidRequestAuthAndContentFilterDoNotFallOverByDefault() {
        for (LlmException e : List.of(
                new InvalidRequestException("bad", ErrorDetails.NONE),
                new AuthenticationException("key", ErrorDetails.NONE),
                new ContentFilteredException("filtered", ErrorDetails.NONE))) {
            ScriptedProvider a = ScriptedProvider.replying(Reply.failure(e));
            ScriptedProvider b = ScriptedProvider.replying(answer("from b"));
            Router r = router().route(Route.builder("smart")
                            .deployment("a:m")
                            .deployment("b:m")
                            .build())
                    .build();
            try (LlmGate gate = gate(r, "a", a, "b", b)) {
                assertThatThrownBy(() -> gate.chat("smart", "hi")).isSameAs(e);
                assertThat(a.calls()).isEqualTo(1);
                assertThat(b.calls()).isZero();
            }
        }
    }

    @Test
    void contentFilterFallsOverWhenConfigured() {
        ScriptedProvider a =
                ScriptedProvider.replying(Reply.failure(new ContentFilteredException("filtered", ErrorDetails.NONE)));
        ScriptedProvider b = ScriptedProvider.replying(answer("from b"));
        Router r = router().route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .fallbackOn(ErrorClass.CONTENT_FILTERED)
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b)) {
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("from b");
            assertThat(attempts().get(1).reason()).isEqualTo("fallback:content_filtered");
        }
    }

    @Test
    void retriesUseExponentialBackoffWithFullJitter() {
        ScriptedProvider a = ScriptedProvider.replying(
                Reply.failure(overloaded()),
                Reply.failure(new ProviderException("5xx", ErrorDetails.NONE, true)),
                Reply.failure(overloaded()),
                answer("third retry"));
        RetryPolicy retry = RetryPolicy.builder()
                .retriesPerDeployment(3)
                .baseDelay(Duration.ofMillis(100))
                .multiplier(3)
                .maxDelay(Duration.ofMillis(500))
                .build();
        Router r = router().route(
                        Route.builder("smart").deployment("a:m").retry(retry).build())
                .build();
        try (LlmGate gate = gate(r, "a", a)) {
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("third retry");
            // caps 100, 300, 500 (900 capped); fixed random 0.5 -> floor(0.5 * (cap + 1))
            assertThat(sleeper.waits)
                    .containsExactly(Duration.ofMillis(50), Duration.ofMillis(150), Duration.ofMillis(250));
            assertThat(summary(attempts()))
                    .containsExactly(
                            "a:m OverloadedException primary",
                            "a:m ProviderException retry",
                            "a:m OverloadedException retry",
                            "a:m success retry");
        }
    }

    @Test
    void fullJitterStaysWithinTheCap() {
        assertThat(RetryPolicy.DEFAULT.backoffCap(0)).isEqualTo(Duration.ofMillis(250));
        assertThat(RetryPolicy.DEFAULT.backoffCap(3)).isEqualTo(Duration.ofMillis(2000));
        assertThat(RetryPolicy.DEFAULT.backoffCap(10)).isEqualTo(Duration.ofSeconds(8));
        ScriptedProvider a = ScriptedProvider.replying(Reply.failure(overloaded()), answer("ok"));
        Router r = Router.builder()
                .clock(clock)
                .sleeper(sleeper)
                .random(new Fakes.FixedRandom(0.999999))
                .route(Route.builder("smart").deployment("a:m").build())
                .build();
        try (LlmGate gate = gate(r, "a", a)) {
            gate.chat("smart", "hi");
            assertThat(sleeper.waits).containsExactly(Duration.ofMillis(250));
        }
    }

    @Test
    void retryAfterIsHonouredExactly() {
        ScriptedProvider a = ScriptedProvider.replying(
                Reply.failure(rateLimited(Optional.of(Duration.ofSeconds(3)))), answer("after wait"));
        Router r =
                router().route(Route.builder("smart").deployment("a:m").build()).build();
        try (LlmGate gate = gate(r, "a", a)) {
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("after wait");
            assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(3));
        }
    }

    @Test
    void aRetryAfterLongerThanAllowedFallsOverAtOnceAndCoolsTheDeploymentDown() {
        ScriptedProvider a = ScriptedProvider.replying(
                Reply.failure(rateLimited(Optional.of(Duration.ofMinutes(2)))), answer("a again"));
        ScriptedProvider b = ScriptedProvider.replying(answer("from b"));
        Router r = router().route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b)) {
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("from b");
            assertThat(sleeper.waits).isEmpty();
            DeploymentHealth h = r.health("a:m").orElseThrow();
            assertThat(h.availableAt()).contains(clock.instant().plus(Duration.ofMinutes(2)));
            // while cooling down, calls skip a
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("from b");
            assertThat(a.calls()).isEqualTo(1);
            assertThat(attempts()).extracting(AttemptRecord::reason).containsExactly("fallback:circuit_open");
            clock.advance(Duration.ofMinutes(2));
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("a again");
        }
    }

    @Test
    void theDeadlineStopsFurtherAttempts() {
        ScriptedProvider a =
                ScriptedProvider.replying(Reply.failure(overloaded()).withLatency(clock, Duration.ofSeconds(4)));
        ScriptedProvider b = ScriptedProvider.replying(answer("too late"));
        Router r = router().route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .retry(RetryPolicy.NONE)
                        .deadline(Duration.ofSeconds(3))
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b)) {
            assertThatThrownBy(() -> gate.chat("smart", "hi"))
                    .isInstanceOf(RequestTimeoutException.class)
                    .hasMessageContaining(
                            "deadline of PT3S passed after 1 attempt(s); last failure: OverloadedException")
                    .hasCauseInstanceOf(OverloadedException.class);
            assertThat(b.calls()).isZero();
        }
    }

    @Test
    void aBackoffThatWouldPassTheDeadlineIsNotTakenAndTheLastErrorIsThrown() {
        ScriptedProvider a = ScriptedProvider.replying(Reply.failure(overloaded()));
        RetryPolicy retry = RetryPolicy.builder()
                .retriesPerDeployment(5)
                .baseDelay(Duration.ofSeconds(2))
                .build();
        Router r = Router.builder()
                .clock(clock)
                .sleeper(sleeper)
                .random(new Fakes.FixedRandom(0.99999999))
                .route(Route.builder("smart")
                        .deployment("a:m")
                        .retry(retry)
                        .deadline(Duration.ofSeconds(5))
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a)) {
            assertThatThrownBy(() -> gate.chat("smart", "hi")).isInstanceOf(OverloadedException.class);
            // waits 2 s (t=2), then the 4 s cap would end at t=6 > 5: no second wait
            assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2));
            assertThat(a.calls()).isEqualTo(2);
        }
    }

    @Test
    void maxAttemptsCapsRetriesAndFallbacksTogether() {
        ScriptedProvider a = ScriptedProvider.replying(Reply.failure(Fakes::overloaded));
        ScriptedProvider b = ScriptedProvider.replying(Reply.failure(Fakes::overloaded));
        ScriptedProvider c = ScriptedProvider.replying(Reply.failure(Fakes::overloaded));
        Router r = router().route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .deployment("c:m")
                        .retry(RetryPolicy.builder().retriesPerDeployment(2).build())
                        .maxAttempts(4)
                        .build())
                .noCircuitBreaker()
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b, "c", c)) {
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> gate.chat("smart", "hi"));
            assertThat(t).isInstanceOf(OverloadedException.class);
            assertThat(t.getSuppressed()).hasSize(3);
            assertThat(a.calls() + b.calls() + c.calls()).isEqualTo(4);
            assertThat(attempts())
                    .extracting(AttemptRecord::reason)
                    .containsExactly("primary", "retry", "retry", "fallback:overloaded");
        }
    }

    @Test
    void requestsThatDoNotFitAWindowAreNotSentThere() {
        ScriptedProvider small = ScriptedProvider.replying(answer("small"));
        ScriptedProvider big = ScriptedProvider.replying(answer("big"));
        Router r = router().route(Route.builder("smart")
                        .deployment(Deployment.builder("small", "m")
                                .contextWindow(100)
                                .build())
                        .deployment(Deployment.builder("big", "m")
                                .contextWindow(100_000)
                                .build())
                        .build())
                .build();
        try (LlmGate gate = gate(r, "small", small, "big", big)) {
            assertThat(gate.chat("smart", "short").text()).isEqualTo("small");
            assertThat(gate.chat("smart", "x".repeat(2000)).text()).isEqualTo("big");
            assertThat(small.calls()).isEqualTo(1);
            // output tokens count too
            ChatRequest wantsLongAnswer = ChatRequest.builder("smart")
                    .user("short")
                    .maxOutputTokens(200)
                    .build();
            assertThat(gate.chat(wantsLongAnswer).text()).isEqualTo("big");
            assertThatThrownBy(() -> gate.chat("smart", "x".repeat(1_000_000)))
                    .isInstanceOf(ContextLengthExceededException.class)
                    .hasMessageContaining("fit no deployment; the largest window is 100000 tokens (big:m)");
            assertThat(big.calls()).isEqualTo(2);
        }
    }

    @Test
    void aContextLengthErrorFallsOverOnlyToLargerWindowsAndDoesNotHurtHealth() {
        ScriptedProvider a = ScriptedProvider.replying(
                Reply.failure(new ContextLengthExceededException("too long", ErrorDetails.NONE)));
        ScriptedProvider b = ScriptedProvider.replying(answer("b"));
        ScriptedProvider c = ScriptedProvider.replying(answer("c"));
        Router r = router().circuitBreaker(new CircuitBreakerPolicy(1, 1.0, 4, 1, Duration.ofSeconds(30)))
                .route(Route.builder("smart")
                        .deployment(
                                Deployment.builder("a", "m").contextWindow(8000).build())
                        .deployment(
                                Deployment.builder("b", "m").contextWindow(4000).build())
                        .deployment(Deployment.builder("c", "m")
                                .contextWindow(32000)
                                .build())
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b, "c", c)) {
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("c");
            assertThat(b.calls()).isZero();
            assertThat(summary(attempts()))
                    .containsExactly(
                            "a:m ContextLengthExceededException primary", "c:m success fallback:context_length");
            assertThat(r.health("a:m").orElseThrow().state()).isEqualTo(BreakerState.CLOSED);
            assertThat(r.health("a:m").orElseThrow().consecutiveFailures()).isZero();
        }
    }

    @Test
    void weightedRoutingFollowsTheWeights() {
        ScriptedProvider a = ScriptedProvider.replying(answer("a"));
        ScriptedProvider b = ScriptedProvider.replying(answer("b"));
        Router r = Router.builder()
                .clock(clock)
                .random(new Random(42))
                .route(Route.builder("smart")
                        .strategy(Strategy.WEIGHTED)
                        .deployment(Deployment.builder("a", "m").weight(3).build())
                        .deployment(Deployment.builder("b", "m").weight(1).build())
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b)) {
            for (int i = 0; i < 2000; i++) {
                gate.chat("smart", "hi");
            }
            // seeded: deterministic; expected 1500 / 500
            assertThat(a.calls()).isBetween(1400, 1600);
            assertThat(a.calls() + b.calls()).isEqualTo(2000);
        }
    }

    @Test
    void leastLatencyMeasuresUnknownDeploymentsFirstThenPrefersTheFastest() {
        ScriptedProvider slow = ScriptedProvider.replying(answer("slow").withLatency(clock, Duration.ofMillis(900)));
        ScriptedProvider fast = ScriptedProvider.replying(answer("fast").withLatency(clock, Duration.ofMillis(100)));
        Router r = router().route(Route.builder("smart")
                        .strategy(Strategy.LEAST_LATENCY)
                        .deployment("slow:m")
                        .deployment("fast:m")
                        .build())
                .build();
        try (LlmGate gate = gate(r, "slow", slow, "fast", fast)) {
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("slow");
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("fast");
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("fast");
            assertThat(r.health("slow:m").orElseThrow().latency()).contains(Duration.ofMillis(900));
            assertThat(r.health("fast:m").orElseThrow().latency()).contains(Duration.ofMillis(100));
        }
    }

    @Test
    void lowestCostPrefersTheCheapestPricedDeploymentAndPutsUnpricedLast() {
        ScriptedProvider p = ScriptedProvider.replying(answer("ok"));
        Router r = router().route(Route.builder("smart")
                        .strategy(Strategy.LOWEST_COST)
                        .deployment("p:unknown-model")
                        .deployment(Deployment.builder("p", "gpt-4o")
                                .catalogProvider("openai")
                                .build())
                        .deployment(Deployment.builder("p", "gpt-4o-mini")
                                .catalogProvider("openai")
                                .build())
                        .build())
                .build();
        try (LlmGate gate = gate(r, "p", p)) {
            gate.chat("smart", "hi");
            assertThat(p.requests()).extracting(ChatRequest::model).containsExactly("gpt-4o-mini");
            assertThat(r.estimateCost(ChatRequest.builder("smart")
                            .user("x".repeat(4000))
                            .maxOutputTokens(1000)
                            .build()))
                    // the most expensive eligible deployment: gpt-4o, (1000 + 4) input at 2.50 and 1000 output at 10
                    // per million
                    .contains(new BigDecimal("0.01251"));
        }
    }

    @Test
    void rulesNarrowTheDeploymentsByTenantTagToolsAndSize() {
        ScriptedProvider p = ScriptedProvider.replying(answer("ok"));
        Router r = router().route(Route.builder("smart")
                        .deployment("p:cheap")
                        .deployment("p:premium")
                        .deployment("p:long")
                        .rule("vip", RequestCondition.tenant("acme"), "p:premium")
                        .rule("batch", RequestCondition.tag("batch"), "p:cheap")
                        .rule("tools", RequestCondition.usesTools(), "p:premium")
                        .rule("big", RequestCondition.estimatedInputAbove(1000), "p:long", "p:premium")
                        .build())
                .build();
        try (LlmGate gate = gate(r, "p", p)) {
            gate.chat(ChatRequest.builder("smart").user("hi").tenant("acme").build());
            gate.chat(ChatRequest.builder("smart").user("hi").tag("batch").build());
            gate.chat(ChatRequest.builder("smart")
                    .user("hi")
                    .addTool(new dev.llmgate.api.ToolDefinition("f", "d", "{}", false))
                    .build());
            gate.chat(ChatRequest.builder("smart").user("y".repeat(8000)).build());
            gate.chat(ChatRequest.builder("smart").user("plain").build());
            assertThat(p.requests())
                    .extracting(ChatRequest::model)
                    .containsExactly("premium", "cheap", "premium", "long", "cheap");
        }
    }

    @Test
    void aRejectedAnswerGoesToTheNextDeploymentAndBothCostsCount() {
        ScriptedProvider cheap = ScriptedProvider.replying(answer("", Usage.of(1000, 0)));
        ScriptedProvider frontier = ScriptedProvider.replying(answer("good answer", Usage.of(1000, 100)));
        Router r = router().route(Route.builder("smart")
                        .deployment(Deployment.builder("cheap", "gpt-4o-mini")
                                .catalogProvider("openai")
                                .build())
                        .deployment(Deployment.builder("frontier", "gpt-4o")
                                .catalogProvider("openai")
                                .build())
                        .responseCheck(ResponseCheck.nonEmpty())
                        .build())
                .build();
        try (LlmGate gate = gate(r, "cheap", cheap, "frontier", frontier)) {
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("good answer");
            assertThat(summary(attempts()))
                    .containsExactly(
                            "cheap:gpt-4o-mini rejected:empty primary",
                            "frontier:gpt-4o success fallback:response_rejected");
            // 1000 x 0.15/M + (1000 x 2.50/M + 100 x 10/M) = 0.00015 + 0.0035
            assertThat(spy.last.get().get(CallFacts.COST_USD)).contains(new BigDecimal("0.00365"));
        }
    }

    @Test
    void theLastCandidatesAnswerIsNotCheckedAndARejectedAnswerBeatsLaterFailures() {
        ScriptedProvider cheap = ScriptedProvider.replying(answer(""));
        ScriptedProvider frontier = ScriptedProvider.replying(Reply.failure(overloaded()));
        Router r = router().route(Route.builder("smart")
                        .deployment("cheap:m")
                        .deployment("frontier:m")
                        .retry(RetryPolicy.NONE)
                        .responseCheck(ResponseCheck.nonEmpty())
                        .build())
                .build();
        try (LlmGate gate = gate(r, "cheap", cheap, "frontier", frontier)) {
            assertThat(gate.chat("smart", "hi").provider()).isEqualTo("cheap");
        }
        ScriptedProvider only = ScriptedProvider.replying(answer(""));
        Router single = router().route(Route.builder("one")
                        .deployment("only:m")
                        .responseCheck(ResponseCheck.nonEmpty())
                        .build())
                .build();
        try (LlmGate gate = gate(single, "only", only)) {
            assertThat(gate.chat("one", "hi").text()).isEmpty();
            assertThat(attempts()).extracting(AttemptRecord::outcome).containsExactly("success");
        }
    }

    @Test
    void aStreamFailingBeforeItsFirstTokenFallsOverTransparently() {
        ScriptedProvider a = ScriptedProvider.replying(oneTwo().failingAfter(0, overloaded()));
        ScriptedProvider b = ScriptedProvider.replying(oneTwo());
        Router r = router().route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .retry(RetryPolicy.NONE)
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b)) {
            List<StreamEvent> seen = new ArrayList<>();
            ChatResponse resp = gate.stream(ChatRequest.of("smart", "hi"), seen::add);
            assertThat(resp.text()).isEqualTo("one two ");
            assertThat(resp.provider()).isEqualTo("b");
            assertThat(seen).noneMatch(e -> e instanceof StreamEvent.Error);
            assertThat(summary(attempts()))
                    .containsExactly("a:m OverloadedException primary", "b:m success fallback:overloaded");
            assertThat(attempts().get(1).usage()).isEqualTo(Usage.of(10, 2));
            assertThat(attempts().get(1).timeToFirstToken()).isPresent();
        }
    }

    @Test
    void aStalledStreamIsRetried() {
        ScriptedProvider a = ScriptedProvider.replying(
                oneTwo().failingAfter(0, new RequestTimeoutException("no first token in 10s", ErrorDetails.NONE)),
                oneTwo());
        Router r =
                router().route(Route.builder("smart").deployment("a:m").build()).build();
        try (LlmGate gate = gate(r, "a", a);
                ChatStream s = gate.stream(ChatRequest.of("smart", "hi"))) {
            assertThat(s.collect().text()).isEqualTo("one two ");
            assertThat(summary(attempts())).containsExactly("a:m RequestTimeoutException primary", "a:m success retry");
            assertThat(sleeper.waits).containsExactly(Duration.ofMillis(125));
        }
    }

    @Test
    void aStreamFailingAfterItsFirstTokenEndsWithTheErrorNotACleanEnd() {
        ScriptedProvider a = ScriptedProvider.replying(
                oneTwo().failingAfter(1, new StreamInterruptedException("cut", ErrorDetails.NONE)));
        ScriptedProvider b = ScriptedProvider.replying(answer("never"));
        Router r = router().route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .build())
                .build();
        try (LlmGate gate = gate(r, "a", a, "b", b)) {
            List<StreamEvent> seen = new ArrayList<>();
            assertThatThrownBy(() -> gate.stream(ChatRequest.of("smart", "hi"), seen::add))
                    .isInstanceOf(StreamInterruptedException.class);
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0)).isEqualTo(new StreamEvent.TextDelta("one "));
            assertThat(seen.get(1)).isInstanceOf(StreamEvent.Error.class);
            assertThat(b.calls()).isZero();
            assertThat(summary(attempts())).containsExactly("a:m StreamInterruptedException primary");

            try (ChatStream pulled = gate.stream(ChatRequest.of("smart", "hi"))) {
                assertThat(pulled.next()).isEqualTo(new StreamEvent.TextDelta("one "));
                assertThatThrownBy(pulled::hasNext).isInstanceOf(StreamInterruptedException.class);
            }
        }
    }

    @Test
    void closingAStreamEarlyRecordsACancelledAttempt() {
        ScriptedProvider a = ScriptedProvider.replying(oneTwo());
        Router r =
                router().route(Route.builder("smart").deployment("a:m").build()).build();
        try (LlmGate gate = gate(r, "a", a)) {
            ChatStream s = gate.stream(ChatRequest.of("smart", "hi"));
            s.next();
            s.close();
            assertThat(attempts()).extracting(AttemptRecord::outcome).containsExactly("cancelled");
        }
    }

    @Test
    void directAddressesPassThroughWithOneRecordedAndPricedAttempt() {
        ScriptedProvider openai =
                ScriptedProvider.replying(answer("ok", Usage.of(1_000_000, 0)), Reply.failure(overloaded()));
        Router r = router().route(
                        Route.builder("unused").deployment("openai:gpt-4o").build())
                .build();
        try (LlmGate gate = gate(r, "openai", openai)) {
            gate.chat("openai:gpt-4o-mini", "hi");
            assertThat(summary(attempts())).containsExactly("openai:gpt-4o-mini success primary");
            assertThat(spy.last.get().get(CallFacts.COST_USD)).contains(new BigDecimal("0.15"));
            assertThatThrownBy(() -> gate.chat("openai:gpt-4o-mini", "hi")).isInstanceOf(OverloadedException.class);
            assertThat(openai.calls()).isEqualTo(2);
        }
    }

    @Test
    void configurationProblemsAreReportedTogether() {
        assertThatThrownBy(() -> Route.builder("a:b")
                        .maxAttempts(0)
                        .rule("r", RequestCondition.always(), "x:y")
                        .build())
                .isInstanceOf(dev.llmgate.api.exception.ConfigurationException.class)
                .hasMessageContaining("must be a non-blank name without ':'")
                .hasMessageContaining("has no deployments")
                .hasMessageContaining("names deployment 'x:y', which is not in the route")
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> Router.builder().build()).hasMessageContaining("at least one route");
        assertThatThrownBy(() -> Deployment.of("nocolon")).hasMessageContaining("must be \"provider:model\"");
        Route r = Route.builder("x").deployment("a:m").build();
        assertThatThrownBy(() -> Router.builder().route(r).route(r).build()).hasMessageContaining("defined twice");
    }
}
