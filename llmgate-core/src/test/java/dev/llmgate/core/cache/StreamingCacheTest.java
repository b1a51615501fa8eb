package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.cache.internal.ReplayStream;
import dev.llmgate.testing.ScriptedProvider;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StreamingCacheTest {
    final ScriptedProvider provider = ScriptedProvider.answering(ExactCacheTest::answer);
    final AtomicReference<CallContext> lastCall = new AtomicReference<>();

    LlmGate gate(ResponseCache cache) {
        return LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(chain -> {
                    lastCall.set(chain.call());
                    return chain.proceed(chain.request());
                })
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build();
    }

    static List<StreamEvent> drain(ChatStream stream) {
        List<StreamEvent> events = new ArrayList<>();
        try (stream) {
            while (stream.hasNext()) {
                events.add(stream.next());
            }
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
    void aCompletedLiveStreamIsStoredAndAHitIsReplayedAsAChunkedStream() {
        ResponseCache cache = ResponseCache.builder().replayChunkChars(5).build();
        try (LlmGate gate = gate(cache)) {
            ChatRequest request = ChatRequest.of("p:m", "tell me a story");
            List<StreamEvent> live = drain(gate.stream(request));
            assertThat(lastCall.get().get(ResponseCache.OUTCOME)).contains(CacheOutcome.MISS);

            List<StreamEvent> replay = drain(gate.stream(request));
            assertThat(provider.calls()).isEqualTo(1);
            assertThat(lastCall.get().get(ResponseCache.OUTCOME)).contains(CacheOutcome.HIT);
            assertThat(lastCall.get().get(CallFacts.COST_USD)).contains(BigDecimal.ZERO);
            assertThat(text(replay)).isEqualTo(text(live)).isEqualTo("answer #1 to: tell me a story");
            List<StreamEvent> deltas = replay.stream()
                    .filter(e -> e instanceof StreamEvent.TextDelta)
                    .toList();
            assertThat(deltas).hasSizeGreaterThan(1);
            assertThat(deltas)
                    .allSatisfy(
                            d -> assertThat(((StreamEvent.TextDelta) d).text()).hasSizeLessThanOrEqualTo(5));
            assertThat(replay)
                    .filteredOn(e -> e instanceof StreamEvent.UsageUpdate)
                    .containsExactly(new StreamEvent.UsageUpdate(Usage.of(10, 20)));
            StreamEvent last = replay.get(replay.size() - 1);
            assertThat(last).isInstanceOf(StreamEvent.Finish.class);
            StreamEvent.Finish finish = (StreamEvent.Finish) last;
            StreamEvent.Finish liveFinish = (StreamEvent.Finish) live.get(live.size() - 1);
            assertThat(finish.reason()).isEqualTo(FinishReason.STOP);
            assertThat(finish.provider()).isEqualTo("p");
            assertThat(finish.responseId()).isEqualTo(liveFinish.responseId());
        }
    }

    @Test
    void aStoredStreamAnswersALaterBlockingCallAndViceVersa() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            ChatResponse streamed = gate.stream(ChatRequest.of("p:m", "one")).collect();
            assertThat(gate.chat("p:m", "one").text()).isEqualTo(streamed.text());
            ChatResponse blocking = gate.chat("p:m", "two");
            assertThat(gate.stream(ChatRequest.of("p:m", "two")).collect().text())
                    .isEqualTo(blocking.text());
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void toolCallsAreStoredFromAStreamAndReplayed() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            provider.answerWith(
                    call -> ExactCacheTest.answerCallingTool(call).withFinishReason(FinishReason.TOOL_CALLS));
            ChatResponse live = gate.stream(ChatRequest.of("p:m", "look it up")).collect();
            List<StreamEvent> replay = drain(gate.stream(ChatRequest.of("p:m", "look it up")));
            assertThat(provider.calls()).isEqualTo(1);
            assertThat(replay)
                    .filteredOn(e -> e instanceof StreamEvent.ToolCallDelta)
                    .hasSize(1);
            ChatResponse blocking = gate.chat("p:m", "look it up");
            assertThat(blocking.toolCalls()).isEqualTo(live.toolCalls());
            assertThat(blocking.toolCalls().get(0).argumentsJson()).isEqualTo("{\"q\":\"1\"}");
            assertThat(blocking.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        }
    }

    @Test
    void aStreamClosedBeforeItsEndIsNotStored() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            try (ChatStream stream = gate.stream(ChatRequest.of("p:m", "a long answer"))) {
                stream.next();
            }
            gate.stream(ChatRequest.of("p:m", "a long answer")).collect();
            assertThat(provider.calls()).isEqualTo(2);
            assertThat(provider.streamsReleased()).isEqualTo(2);
        }
    }

    @Test
    void aFailedStreamIsNotStored() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            NetworkException reset = new NetworkException("connection reset", ErrorDetails.of("p"));
            provider.answerWith(call -> ExactCacheTest.answer(call).failingAfter(2, reset));
            assertThatThrownBy(() ->
                            gate.stream(ChatRequest.of("p:m", "a long answer")).collect())
                    .isInstanceOf(NetworkException.class);
            provider.answerWith(ExactCacheTest::answer);
            gate.stream(ChatRequest.of("p:m", "a long answer")).collect();
            gate.stream(ChatRequest.of("p:m", "a long answer")).collect();
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void aStreamThatStopsForLengthIsNotStored() {
        try (LlmGate gate = gate(ResponseCache.builder().build())) {
            provider.answerWith(call -> ExactCacheTest.answer(call).withFinishReason(FinishReason.LENGTH));
            gate.stream(ChatRequest.of("p:m", "hi")).collect();
            gate.stream(ChatRequest.of("p:m", "hi")).collect();
            assertThat(provider.calls()).isEqualTo(2);
        }
    }

    @Test
    void replayNeverSplitsASurrogatePair() {
        String text = "a\uD83D\uDE00b\uD83D\uDE00\uD83D\uDE00c";
        ChatResponse r = ChatResponse.builder()
                .id("x")
                .provider("p")
                .model("m")
                .text(text)
                .build();
        for (int chunk = 1; chunk <= 4; chunk++) {
            List<StreamEvent> events = drain(new ReplayStream(r, chunk));
            assertThat(text(events)).isEqualTo(text);
            for (StreamEvent e : events) {
                if (e instanceof StreamEvent.TextDelta d) {
                    assertThat(Character.isHighSurrogate(
                                    d.text().charAt(d.text().length() - 1)))
                            .isFalse();
                    assertThat(Character.isLowSurrogate(d.text().charAt(0))).isFalse();
                }
            }
        }
    }

    @Test
    void anAnswerLongerThanTheMaximumIsPassedOnWhole_NotRecordedPastTheLimit_AndNotStored() {
        // "answer #1 to: tell me a story" is 29 characters, streamed word by word
        ResponseCache small = ResponseCache.builder().maximumAnswerChars(12).build();
        try (LlmGate gate = gate(small)) {
            ChatRequest request = ChatRequest.of("p:m", "tell me a story");
            assertThat(text(drain(gate.stream(request)))).isEqualTo("answer #1 to: tell me a story");
            assertThat(text(drain(gate.stream(request)))).isEqualTo("answer #2 to: tell me a story");
            assertThat(gate.chat(request).text()).isEqualTo("answer #3 to: tell me a story");
            assertThat(gate.chat(request).text()).isEqualTo("answer #4 to: tell me a story");
            assertThat(provider.calls()).isEqualTo(4);
            assertThat(small.stats().stores()).isZero();
            assertThat(small.stats().notStored()).isEqualTo(4);
        }
    }

    @Test
    void anAnswerOfExactlyTheMaximumIsStored() {
        ResponseCache exact = ResponseCache.builder().maximumAnswerChars(29).build();
        try (LlmGate gate = gate(exact)) {
            ChatRequest request = ChatRequest.of("p:m", "tell me a story");
            drain(gate.stream(request));
            assertThat(text(drain(gate.stream(request)))).isEqualTo("answer #1 to: tell me a story");
            assertThat(provider.calls()).isEqualTo(1);
            assertThat(exact.stats().stores()).isEqualTo(1);
        }
    }

    @Test
    void aMaximumBelowOneIsAConfigurationError() {
        assertThatThrownBy(() -> ResponseCache.builder().maximumAnswerChars(0).build())
                .hasMessageContaining("maximumAnswerChars must be at least 1, was 0");
    }
}
