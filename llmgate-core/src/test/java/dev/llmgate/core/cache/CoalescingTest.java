package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.testing.Hold;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Identical concurrent requests share one upstream call. The provider holds the leader at a hold
 * until every follower is waiting, so no test depends on timing.
 */
class CoalescingTest {
    final ScriptedProvider provider = ScriptedProvider.answering(ExactCacheTest::answer);
    final ExecutorService threads = Executors.newFixedThreadPool(100);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    LlmGate gate(ResponseCache cache) {
        return LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build();
    }

    static void awaitFollowers(ResponseCache cache, int n) {
        while (cache.stats().waitingFollowers() < n) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    static <T> T result(Future<T> f) throws Exception {
        return f.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aHundredConcurrentIdenticalCallsMakeOneUpstreamCall() throws Exception {
        ResponseCache cache = ResponseCache.builder().build();
        Hold hold = new Hold();
        provider.holdCalls(hold);
        try (LlmGate gate = gate(cache)) {
            List<Future<ChatResponse>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(threads.submit(() -> gate.chat("p:m", "the same question")));
            }
            hold.awaitArrivals(1);
            awaitFollowers(cache, 99);
            hold.release();
            for (Future<ChatResponse> f : results) {
                assertThat(result(f).text()).isEqualTo("answer #1 to: the same question");
            }
        }
        assertThat(provider.calls()).isEqualTo(1);
        assertThat(cache.stats().coalesced()).isEqualTo(99);
        assertThat(cache.stats().misses()).isEqualTo(1);
        assertThat(cache.stats().waitingFollowers()).isZero();
    }

    @Test
    void streamingAndBlockingCallersShareOneLiveStream() throws Exception {
        ResponseCache cache = ResponseCache.builder().replayChunkChars(4).build();
        Hold hold = new Hold();
        provider.holdCalls(hold);
        try (LlmGate gate = gate(cache)) {
            Future<ChatResponse> leader =
                    threads.submit(() -> gate.stream(ChatRequest.of("p:m", "q")).collect());
            hold.awaitArrivals(1);
            List<Future<ChatResponse>> followers = new ArrayList<>();
            List<Future<Integer>> streamedEvents = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                if (i % 2 == 0) {
                    followers.add(threads.submit(() -> gate.chat("p:m", "q")));
                } else {
                    streamedEvents.add(threads.submit(() -> {
                        int n = 0;
                        try (ChatStream s = gate.stream(ChatRequest.of("p:m", "q"))) {
                            while (s.hasNext()) {
                                s.next();
                                n++;
                            }
                        }
                        return n;
                    }));
                }
            }
            awaitFollowers(cache, 10);
            hold.release();
            String text = result(leader).text();
            for (Future<ChatResponse> f : followers) {
                assertThat(result(f).text()).isEqualTo(text);
            }
            for (Future<Integer> f : streamedEvents) {
                assertThat(result(f))
                        .as("a streaming follower gets a chunked replay")
                        .isGreaterThan(3);
            }
        }
        assertThat(provider.calls()).isEqualTo(1);
    }

    @Test
    void theLeadersFailureReachesItsFollowersAndIsNotStored() throws Exception {
        ResponseCache cache = ResponseCache.builder().build();
        Hold hold = new Hold();
        provider.holdCalls(hold);
        provider.replyWith(
                Reply.failure(new OverloadedException("overloaded", ErrorDetails.of("p"), Optional.empty())));
        try (LlmGate gate = gate(cache)) {
            List<Future<ChatResponse>> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                results.add(threads.submit(() -> gate.chat("p:m", "q")));
            }
            hold.awaitArrivals(1);
            awaitFollowers(cache, 4);
            hold.release();
            for (Future<ChatResponse> f : results) {
                assertThatThrownBy(() -> result(f))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(OverloadedException.class);
            }
            assertThat(provider.calls()).isEqualTo(1);
            provider.answerWith(ExactCacheTest::answer);
            assertThat(gate.chat("p:m", "q").text()).isEqualTo("answer #2 to: q");
        }
    }

    @Test
    void whenTheLeaderAbandonsItsStreamAFollowerTakesOver() throws Exception {
        ResponseCache cache = ResponseCache.builder().build();
        Hold hold = new Hold();
        provider.holdCalls(hold);
        try (LlmGate gate = gate(cache)) {
            CountDownLatch leaderHasStream = new CountDownLatch(1);
            CountDownLatch closeIt = new CountDownLatch(1);
            Future<String> leader = threads.submit(() -> {
                try (ChatStream s = gate.stream(ChatRequest.of("p:m", "q"))) {
                    leaderHasStream.countDown();
                    closeIt.await();
                    return s.next().toString();
                }
            });
            hold.awaitArrivals(1);
            List<Future<ChatResponse>> followers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                followers.add(threads.submit(() -> gate.chat("p:m", "q")));
            }
            awaitFollowers(cache, 3);
            hold.release();
            leaderHasStream.await();
            closeIt.countDown();
            result(leader);
            for (Future<ChatResponse> f : followers) {
                assertThat(result(f).text()).isEqualTo("answer #2 to: q");
            }
        }
        assertThat(provider.calls())
                .as("the abandoned call and the one a follower took over")
                .isEqualTo(2);
    }

    @Test
    void whenTheLeadersStreamGrowsTooLargeToStoreFollowersCallUpstreamAtOnce() throws Exception {
        ResponseCache cache = ResponseCache.builder().maximumAnswerChars(8).build(); // "answer #1 to: q" is 15
        Hold hold = new Hold();
        provider.holdCalls(hold);
        try (LlmGate gate = gate(cache)) {
            Future<String> leader = threads.submit(
                    () -> StreamingCacheTest.text(StreamingCacheTest.drain(gate.stream(ChatRequest.of("p:m", "q")))));
            hold.awaitArrivals(1);
            List<Future<ChatResponse>> followers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                followers.add(threads.submit(() -> gate.chat("p:m", "q")));
            }
            awaitFollowers(cache, 3);
            hold.release();
            assertThat(result(leader)).isEqualTo("answer #1 to: q");
            Set<String> answers = new HashSet<>();
            for (Future<ChatResponse> f : followers) {
                answers.add(result(f).text());
            }
            // each follower made its own call (none queued behind a new leader to share its answer)
            assertThat(answers).containsExactlyInAnyOrder("answer #2 to: q", "answer #3 to: q", "answer #4 to: q");
        }
        assertThat(provider.calls()).isEqualTo(4);
        assertThat(cache.stats().stores()).isZero();
    }

    @Test
    void withoutCoalescingEveryConcurrentMissCallsUpstream() throws Exception {
        ResponseCache cache = ResponseCache.builder().coalescing(false).build();
        Hold hold = new Hold();
        provider.holdCalls(hold);
        try (LlmGate gate = gate(cache)) {
            Callable<ChatResponse> call = () -> gate.chat("p:m", "q");
            Future<ChatResponse> a = threads.submit(call);
            Future<ChatResponse> b = threads.submit(call);
            hold.awaitArrivals(2);
            hold.release();
            result(a);
            result(b);
        }
        assertThat(provider.calls()).isEqualTo(2);
    }

    @Test
    void bypassAndRefreshDoNotJoinAFlight() throws Exception {
        ResponseCache cache = ResponseCache.builder().build();
        Hold hold = new Hold();
        provider.holdCalls(hold);
        try (LlmGate gate = gate(cache)) {
            ChatRequest q = ChatRequest.of("p:m", "q");
            Future<ChatResponse> leader = threads.submit(() -> gate.chat(q));
            Future<ChatResponse> bypass =
                    threads.submit(() -> gate.chat(CacheControl.bypass().applyTo(q)));
            Future<ChatResponse> refresh =
                    threads.submit(() -> gate.chat(CacheControl.refresh().applyTo(q)));
            hold.awaitArrivals(3);
            hold.release();
            result(leader);
            result(bypass);
            result(refresh);
        }
        assertThat(provider.calls()).isEqualTo(3);
    }

    @Test
    void aThreadHoldingAnUnreadLeaderStreamDoesNotWaitForItself() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            try (ChatStream unread = gate.stream(ChatRequest.of("p:m", "q"))) {
                assertThat(gate.chat("p:m", "q").text()).isEqualTo("answer #2 to: q");
                assertThat(unread.collect().text()).isEqualTo("answer #1 to: q");
            }
        }
        assertThat(provider.calls()).isEqualTo(2);
    }
}
