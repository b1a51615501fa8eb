package dev.llmgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.RateLimitedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScriptedProviderTest {
    static final ChatRequest HI = ChatRequest.of("m", "hi");
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    static List<StreamEvent> drain(ChatStream stream) {
        List<StreamEvent> events = new ArrayList<>();
        try (stream) {
            stream.forEachRemaining(events::add);
        }
        return events;
    }

    static String text(List<StreamEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.TextDelta d) {
                sb.append(d.text());
            }
        }
        return sb.toString();
    }

    @Test
    void playsTheScriptInOrderThenRepeatsTheLastReply() {
        ScriptedProvider p = ScriptedProvider.replying(Reply.text("one"), Reply.text("two"));
        assertThat(p.chat(HI, TestCallContext.blockingCall()).text()).isEqualTo("one");
        assertThat(p.chat(HI, TestCallContext.blockingCall()).text()).isEqualTo("two");
        assertThat(p.chat(HI, TestCallContext.blockingCall()).text()).isEqualTo("two");
        assertThat(p.calls()).isEqualTo(3);
        p.replyWith(Reply.text("three"));
        assertThat(text(drain(p.stream(HI, TestCallContext.streamingCall())))).isEqualTo("three");
    }

    @Test
    void answeringSeesTheRequestAndTheCallNumberFailedCallsIncluded() {
        ScriptedProvider p = ScriptedProvider.answering(call -> call.number() == 1
                ? Reply.failure(new OverloadedException("busy", ErrorDetails.NONE, Optional.empty()))
                : Reply.text(
                        "answer #" + call.number() + " to: " + call.request().lastUserText()));
        assertThatThrownBy(() -> p.chat(HI, TestCallContext.blockingCall())).isInstanceOf(OverloadedException.class);
        assertThat(p.chat(ChatRequest.of("m", "q"), TestCallContext.blockingCall())
                        .text())
                .isEqualTo("answer #2 to: q");
        assertThat(p.requests()).extracting(ChatRequest::lastUserText).containsExactly("hi", "q");
        assertThat(p.lastRequest().lastUserText()).isEqualTo("q");
    }

    @Test
    void echoingShowsWhatReachedTheProvider() {
        ScriptedProvider p = ScriptedProvider.echoing("you said: ");
        assertThat(p.chat(HI, TestCallContext.blockingCall()).text()).isEqualTo("you said: hi");
        assertThat(drain(p.stream(HI, TestCallContext.streamingCall()))).hasSize(2);
    }

    @Test
    void aStreamIsTextThenToolCallsThenUsageThenFinishWithDefaults() {
        ToolCall lookup = new ToolCall("call_7", "lookup", "{\"q\":1}");
        ScriptedProvider p = ScriptedProvider.replying(
                Reply.words("two words").withToolCall(lookup).withUsage(Usage.of(10, 20)));
        List<StreamEvent> events = drain(p.stream(ChatRequest.of("gpt-x", "hi"), TestCallContext.streamingCall()));
        assertThat(events)
                .containsExactly(
                        new StreamEvent.TextDelta("two "),
                        new StreamEvent.TextDelta("words"),
                        new StreamEvent.ToolCallDelta(0, Optional.of("call_7"), Optional.of("lookup"), ""),
                        new StreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "{\"q\":1}"),
                        new StreamEvent.UsageUpdate(Usage.of(10, 20)),
                        StreamEvent.Finish.of(FinishReason.STOP, "scripted-1", "", "gpt-x"));
    }

    @Test
    void aBlockingAnswerIsExactlyTheCollectedStream() {
        Reply reply = Reply.chunks("a", "b", "c")
                .withToolCall(new ToolCall("t1", "f", "{}"))
                .withToolCall(new ToolCall("t2", "g", "{\"x\":2}"))
                .withUsage(Usage.of(3, 4))
                .withFinishReason(FinishReason.LENGTH)
                .withRefusal("no")
                .withId("r1")
                .withModel("answered-by");
        ScriptedProvider p = ScriptedProvider.replying(reply);
        ChatResponse blocking = p.chat(HI, TestCallContext.blockingCall());
        ChatResponse streamed = p.stream(HI, TestCallContext.streamingCall()).collect();
        assertThat(blocking).isEqualTo(streamed);
        assertThat(blocking.text()).isEqualTo("abc");
        assertThat(blocking.toolCalls())
                .containsExactly(new ToolCall("t1", "f", "{}"), new ToolCall("t2", "g", "{\"x\":2}"));
        assertThat(blocking.usage()).isEqualTo(Usage.of(3, 4));
        assertThat(blocking.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(blocking.refusal()).contains("no");
        assertThat(blocking.id()).isEqualTo("r1");
        assertThat(blocking.model()).isEqualTo("answered-by");
        assertThat(blocking.provider()).isEmpty();
    }

    @Test
    void toolCallRepliesFinishWithToolCallsAndAZeroUsageIsNotReported() {
        ScriptedProvider p = ScriptedProvider.replying(
                Reply.toolCalls(new ToolCall("c", "search", "{}")).withUsage(Usage.ZERO));
        List<StreamEvent> events = drain(p.stream(HI, TestCallContext.streamingCall()));
        assertThat(events).noneMatch(e -> e instanceof StreamEvent.UsageUpdate);
        assertThat(((StreamEvent.Finish) events.get(events.size() - 1)).reason())
                .isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(p.chat(HI, TestCallContext.blockingCall()).toolCalls())
                .extracting(ToolCall::name)
                .containsExactly("search");
    }

    @Test
    void explicitEventsAreStreamedExactlyAsGiven() {
        StreamEvent.Finish finish = StreamEvent.Finish.of(FinishReason.STOP, "resp-1", "p", "m");
        List<StreamEvent> script = List.of(
                new StreamEvent.UsageUpdate(Usage.of(1, 0)),
                new StreamEvent.ToolCallDelta(0, Optional.of("c1"), Optional.of("send"), "{\"to\":"),
                new StreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "\"x\"}"),
                finish);
        ScriptedProvider p = ScriptedProvider.replying(Reply.events(script));
        assertThat(drain(p.stream(HI, TestCallContext.streamingCall()))).isEqualTo(script);
        assertThat(p.chat(HI, TestCallContext.blockingCall()).toolCalls())
                .containsExactly(new ToolCall("c1", "send", "{\"to\":\"x\"}"));

        List<StreamEvent> withoutFinish =
                drain(ScriptedProvider.replying(Reply.events(new StreamEvent.TextDelta("t"))).stream(
                        HI, TestCallContext.streamingCall()));
        assertThat(withoutFinish.get(1)).isEqualTo(StreamEvent.Finish.of(FinishReason.STOP, "scripted-1", "", "m"));
    }

    @Test
    void explicitEventsMustBeAWellFormedStream() {
        StreamEvent.Finish finish = StreamEvent.Finish.of(FinishReason.STOP, "", "", "");
        assertThatThrownBy(() -> Reply.events(finish, new StreamEvent.TextDelta("after")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the last");
        assertThatThrownBy(() -> Reply.events(new StreamEvent.Error(new NetworkException("x", ErrorDetails.NONE))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failingAfter");
    }

    @Test
    void aFailureIsThrownAtTheCallBlockingAndStreamedAndTheCallIsStillRecorded() {
        RateLimitedException limited = new RateLimitedException("slow down", ErrorDetails.NONE, Optional.empty());
        ScriptedProvider p = ScriptedProvider.replying(Reply.failure(limited));
        assertThatThrownBy(() -> p.chat(HI, TestCallContext.blockingCall())).isSameAs(limited);
        assertThatThrownBy(() -> p.stream(HI, TestCallContext.streamingCall())).isSameAs(limited);
        assertThat(p.calls()).isEqualTo(2);
        assertThat(p.streamsOpened()).isZero();

        ScriptedProvider fresh =
                ScriptedProvider.replying(Reply.failure(() -> new NetworkException("reset", ErrorDetails.NONE)));
        Throwable first = null;
        try {
            fresh.chat(HI, TestCallContext.blockingCall());
        } catch (NetworkException e) {
            first = e;
        }
        assertThat(first).isNotNull();
        assertThatThrownBy(() -> fresh.chat(HI, TestCallContext.blockingCall()))
                .isInstanceOf(NetworkException.class)
                .isNotSameAs(first);
    }

    @Test
    void aStreamFailingPartWayDeliversItsFirstEventsThenThrowsAndIsReleased() {
        NetworkException reset = new NetworkException("connection reset", ErrorDetails.NONE);
        ScriptedProvider p =
                ScriptedProvider.replying(Reply.chunks("a", "b", "c").failingAfter(2, reset));
        ChatStream stream = p.stream(HI, TestCallContext.streamingCall());
        assertThat(stream.next()).isEqualTo(new StreamEvent.TextDelta("a"));
        assertThat(stream.next()).isEqualTo(new StreamEvent.TextDelta("b"));
        assertThat(p.streamsReleased()).isZero();
        assertThatThrownBy(stream::hasNext).isSameAs(reset);
        assertThat(p.streamsReleased()).isEqualTo(1);
        assertThat(p.eventsPulled()).isEqualTo(3);
        assertThatThrownBy(() -> p.chat(HI, TestCallContext.blockingCall()))
                .as("a blocking call fails")
                .isSameAs(reset);

        ScriptedProvider atFirstPull = ScriptedProvider.replying(Reply.text("x").failingAfter(0, reset));
        ChatStream opened = atFirstPull.stream(HI, TestCallContext.streamingCall());
        assertThatThrownBy(opened::hasNext).isSameAs(reset);
        ScriptedProvider insteadOfFinish =
                ScriptedProvider.replying(Reply.text("x").failingAfter(1, reset));
        ChatStream s = insteadOfFinish.stream(HI, TestCallContext.streamingCall());
        s.next();
        assertThatThrownBy(s::hasNext).isSameAs(reset);
    }

    @Test
    void failingAfterCannotReachPastTheFinishAndAFailureHasNoAnswerToChange() {
        NetworkException reset = new NetworkException("reset", ErrorDetails.NONE);
        assertThatThrownBy(() -> Reply.chunks("a").failingAfter(2, reset))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 to 1");
        assertThatThrownBy(() -> Reply.chunks("a").failingAfter(-1, reset))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Reply.failure(reset).withUsage(Usage.of(1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fails at the call");
    }

    @Test
    void closingAStreamEarlyReleasesItOnce() {
        ScriptedProvider p = ScriptedProvider.replying(Reply.words("a b c d"));
        ChatStream stream = p.stream(HI, TestCallContext.streamingCall());
        stream.next();
        stream.close();
        stream.close();
        drain(p.stream(HI, TestCallContext.streamingCall()));
        assertThat(p.streamsOpened()).isEqualTo(2);
        assertThat(p.streamsReleased()).isEqualTo(2);
        assertThat(p.eventsPulled()).isEqualTo(1 + 5);
    }

    @Test
    void closeIsCounted() {
        ScriptedProvider p = ScriptedProvider.replying(Reply.text("x"));
        p.close();
        assertThat(p.closes()).isEqualTo(1);
    }

    @Test
    void withLatencyAdvancesTheClockInsteadOfSleeping() {
        MutableClock clock = new MutableClock();
        ScriptedProvider p =
                ScriptedProvider.replying(Reply.text("slow").withLatency(clock, java.time.Duration.ofSeconds(4)));
        p.chat(HI, TestCallContext.blockingCall());
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START.plusSeconds(4));
        p.stream(HI, TestCallContext.streamingCall()).close();
        assertThat(clock.instant())
                .as("a stream takes its latency before it is returned")
                .isEqualTo(MutableClock.DEFAULT_START.plusSeconds(8));
        ScriptedProvider failing = ScriptedProvider.replying(Reply.failure(new NetworkException("x", ErrorDetails.NONE))
                .withLatency(clock, java.time.Duration.ofSeconds(1)));
        assertThatThrownBy(() -> failing.chat(HI, TestCallContext.blockingCall()))
                .isInstanceOf(NetworkException.class);
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START.plusSeconds(9));
    }

    @Test
    void heldCallsWaitInsideTheProviderUntilReleased() throws Exception {
        Hold hold = new Hold();
        ScriptedProvider p = ScriptedProvider.answering(call -> Reply.text("answer #" + call.number()))
                .holdCalls(hold);
        CompletableFuture<String> a = CompletableFuture.supplyAsync(
                () -> p.chat(HI, TestCallContext.blockingCall()).text(), threads);
        CompletableFuture<String> b = CompletableFuture.supplyAsync(
                () -> p.stream(HI, TestCallContext.streamingCall()).collect().text(), threads);
        hold.awaitArrivals(2);
        assertThat(p.calls()).as("counted and recorded before being held").isEqualTo(2);
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        assertThat(p.streamsOpened()).as("a held stream is not returned yet").isZero();
        hold.release();
        assertThat(List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS)))
                .containsExactlyInAnyOrder("answer #1", "answer #2");
        assertThat(p.chat(HI, TestCallContext.blockingCall()).text())
                .as("a released hold holds nothing")
                .isEqualTo("answer #3");
    }

    @Test
    void aHeldReplyStreamsAtOnceAndWaitsBeforeItsFirstEvent() throws Exception {
        Hold firstToken = new Hold();
        ScriptedProvider p = ScriptedProvider.replying(Reply.text("late").heldBy(firstToken));
        ChatStream stream = p.stream(HI, TestCallContext.streamingCall());
        assertThat(firstToken.arrivals()).isZero();
        CompletableFuture<String> text =
                CompletableFuture.supplyAsync(stream::collect, threads).thenApply(ChatResponse::text);
        firstToken.awaitArrivals(1);
        assertThat(text).isNotDone();
        firstToken.release();
        assertThat(text.get(30, TimeUnit.SECONDS)).isEqualTo("late");
    }

    @Test
    void aResponderReturningNullIsNamed() {
        ScriptedProvider p = ScriptedProvider.answering(call -> null);
        assertThatThrownBy(() -> p.chat(HI, TestCallContext.blockingCall()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("responder")
                .hasMessageContaining("call 1");
        assertThat(p.lastRequest()).isEqualTo(HI);
        assertThatThrownBy(() -> ScriptedProvider.replying(Reply.text("x")).lastRequest())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void repliesShowTheirShapeNeverTheirText() {
        assertThat(Reply.text("a secret").withUsage(Usage.of(1, 1)).toString())
                .doesNotContain("secret")
                .contains("2 events");
        assertThat(ScriptedProvider.replying(Reply.text("a secret")).toString()).doesNotContain("secret");
    }
}
