package dev.llmgate.core.routing;

import static dev.llmgate.core.routing.Fakes.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.testing.Hold;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hedged requests, made deterministic with latches and a scheduler the test fires by hand (timeouts only guard against hangs). */
class HedgingTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<AttemptEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch twoEvents = new CountDownLatch(2);
    private final ManualScheduler scheduler = new ManualScheduler();
    /** Holds the primary: a blocking call before its answer, a stream before its first event. */
    private final Hold releasePrimary = new Hold();

    @AfterEach
    void stop() {
        releasePrimary.release();
        pool.shutdownNow();
    }

    static final class ManualScheduler implements Scheduler {
        final CountDownLatch scheduled = new CountDownLatch(1);
        volatile Duration delay;
        volatile Runnable task;
        volatile boolean cancelled;

        @Override
        public Runnable schedule(Duration d, Runnable t) {
            delay = d;
            task = t;
            scheduled.countDown();
            return () -> cancelled = true;
        }
    }

    private Router router() {
        return Router.builder()
                .executor(pool)
                .scheduler(scheduler)
                .listener(e -> {
                    events.add(e);
                    twoEvents.countDown();
                })
                .route(Route.builder("smart")
                        .deployment("a:m")
                        .deployment("b:m")
                        .hedgeAfter(Duration.ofMillis(300))
                        .build())
                .build();
    }

    /** Waits until released, then answers "a" (or streams "one two "). */
    private Reply slowPrimary(Reply answer) {
        return answer.heldBy(releasePrimary);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSlowPrimaryIsHedgedAndTheFirstSuccessWins() throws Exception {
        ScriptedProvider a = ScriptedProvider.replying(slowPrimary(answer("a")));
        ScriptedProvider b = ScriptedProvider.replying(answer("b"));
        java.util.concurrent.atomic.AtomicReference<dev.llmgate.api.spi.CallContext> context =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(chain -> {
                    context.set(chain.call());
                    return chain.proceed(chain.request());
                })
                .addInterceptor(Stage.ROUTING, router())
                .provider("a", a)
                .provider("b", b)
                .build()) {
            CompletableFuture<ChatResponse> call = CompletableFuture.supplyAsync(() -> gate.chat("smart", "hi"), pool);
            releasePrimary.awaitArrivals(1);
            await(scheduler.scheduled);
            assertThat(scheduler.delay).isEqualTo(Duration.ofMillis(300));
            assertThat(call).isNotDone();
            scheduler.task.run();
            assertThat(call.get(30, TimeUnit.SECONDS).text()).isEqualTo("b");
            assertThat(scheduler.cancelled).isTrue();

            assertThat(call.get().facts().deployment()).contains("b:m");

            releasePrimary.release();
            await(twoEvents);
            assertThat(events)
                    .extracting(e -> e.provider() + " " + e.outcome() + " " + e.reason())
                    .containsExactlyInAnyOrder("b success hedge", "a hedge_lost primary");
            // the loser answered after the winner: it never names the deployment that answered
            assertThat(context.get().get(dev.llmgate.api.spi.CallFacts.DEPLOYMENT))
                    .contains("b:m");
        }
    }

    @Test
    void aStreamedHedgeWinsAtItsFirstTokenAndTheLoserIsClosed() throws Exception {
        ScriptedProvider a = ScriptedProvider.replying(slowPrimary(Fakes.oneTwo()));
        ScriptedProvider b = ScriptedProvider.replying(Fakes.oneTwo());
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(Stage.ROUTING, router())
                .provider("a", a)
                .provider("b", b)
                .build()) {
            CompletableFuture<ChatResponse> call = CompletableFuture.supplyAsync(
                    () -> gate.stream(ChatRequest.of("smart", "hi")).collect(), pool);
            await(scheduler.scheduled);
            scheduler.task.run();
            ChatResponse r = call.get(30, TimeUnit.SECONDS);
            assertThat(r.provider()).isEqualTo("b");
            assertThat(r.text()).isEqualTo("one two ");
            releasePrimary.release();
            await(twoEvents);
            assertThat(a.streamsReleased()).isEqualTo(1);
            assertThat(events)
                    .extracting(e -> e.provider() + " " + e.outcome())
                    .containsExactlyInAnyOrder("b success", "a hedge_lost");
        }
    }

    @Test
    void aPrimaryThatFailsFastLaunchesTheSecondAtOnce() throws Exception {
        ScriptedProvider a =
                ScriptedProvider.replying(Reply.failure(() -> new NetworkException("reset", ErrorDetails.NONE)));
        ScriptedProvider b = ScriptedProvider.replying(answer("b"));
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(Stage.ROUTING, router())
                .provider("a", a)
                .provider("b", b)
                .build()) {
            assertThat(gate.chat("smart", "hi").text()).isEqualTo("b");
            await(twoEvents);
            assertThat(events)
                    .extracting(e -> e.provider() + " " + e.outcome() + " " + e.reason())
                    .containsExactly("a NetworkException primary", "b success fallback:network");
        }
    }
}
