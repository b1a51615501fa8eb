package dev.llmgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.NetworkException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChatStreamTest {

    private static ChatResponse sample() {
        return ChatResponse.builder()
                .id("r")
                .provider("p")
                .model("m")
                .text("hello")
                .toolCalls(List.of(new ToolCall("c1", "f", "{\"a\":1}"), new ToolCall("c2", "g", "{}")))
                .finishReason(FinishReason.TOOL_CALLS)
                .usage(Usage.of(5, 6))
                .build();
    }

    @Test
    void aResponseReplaysAsAStreamAndCollectsBackToTheSameResponse() {
        ChatResponse original = sample();
        List<StreamEvent> events = new ArrayList<>();
        ChatStream s = original.toStream();
        s.forEachRemaining(events::add);
        assertThat(events.get(events.size() - 1)).isInstanceOf(StreamEvent.Finish.class);
        assertThat(ChatStream.of(original).collect()).isEqualTo(original);
        assertThatThrownBy(s::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void theAccumulatorAssemblesToolCallsByIndexFromInterleavedDeltas() {
        StreamAccumulator acc = new StreamAccumulator();
        acc.accept(new StreamEvent.ToolCallDelta(0, Optional.of("a"), Optional.of("first"), ""));
        acc.accept(new StreamEvent.ToolCallDelta(1, Optional.of("b"), Optional.of("second"), "{\"x\""));
        acc.accept(new StreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "{\"q\":"));
        acc.accept(new StreamEvent.ToolCallDelta(1, Optional.empty(), Optional.empty(), ":2}"));
        acc.accept(new StreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "1}"));
        assertThat(acc.isComplete()).isFalse();
        assertThatThrownBy(acc::toResponse)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has not finished");
        acc.accept(StreamEvent.Finish.of(FinishReason.TOOL_CALLS, "id", "p", "m"));
        assertThat(acc.toResponse().toolCalls())
                .containsExactly(new ToolCall("a", "first", "{\"q\":1}"), new ToolCall("b", "second", "{\"x\":2}"));
    }

    @Test
    void abstractStreamReleasesOnceAndRethrowsItsFailure() {
        AtomicInteger releases = new AtomicInteger();
        NetworkException boom = new NetworkException("reset", ErrorDetails.of("p"));
        AbstractChatStream s = new AbstractChatStream() {
            int n;

            @Override
            protected StreamEvent produce() {
                if (n++ == 1) {
                    throw boom;
                }
                return new StreamEvent.TextDelta("x");
            }

            @Override
            protected void release() {
                releases.incrementAndGet();
            }
        };
        assertThat(s.next()).isEqualTo(new StreamEvent.TextDelta("x"));
        assertThatThrownBy(s::hasNext).isSameAs(boom);
        assertThatThrownBy(s::next).isSameAs(boom);
        s.close();
        assertThat(releases.get()).isEqualTo(1);
    }

    @Test
    void whenCompleteReportsTheCollectedResponseOfAStream() {
        List<ChatResponse> seen = new ArrayList<>();
        ChatStream s = ChatStream.of(sample()).whenComplete(seen::add, e -> {});
        s.collect();
        assertThat(seen).containsExactly(sample());
    }

    @Test
    void aTransformerThatDropsTheFinishIsCaught() {
        ChatStream s = ChatStream.of(sample()).transform((e, out) -> {
            if (!(e instanceof StreamEvent.Finish)) {
                out.accept(e);
            }
        });
        assertThatThrownBy(s::collect).hasMessageContaining("must pass the Finish event on");
    }

    @Test
    void aProducerThatReturnsNullFailsTheStreamAndReleasesIt() {
        AtomicInteger releases = new AtomicInteger();
        AbstractChatStream broken = new AbstractChatStream() {
            @Override
            protected StreamEvent produce() {
                return null;
            }

            @Override
            protected void release() {
                releases.incrementAndGet();
            }
        };
        assertThatThrownBy(broken::hasNext)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("produce() returned null");
        assertThat(releases).hasValue(1);
        broken.close();
        assertThat(releases).hasValue(1);
    }
}
