package dev.llmgate.core.cache;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test provider that counts upstream calls and answers "answer #n to: question", as a response or
 * word by word as a stream; it can fail, stop with another finish reason, call a tool, or hold each
 * call at a latch until the test releases it.
 */
final class CountingProvider implements ModelProvider {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger streamsClosed = new AtomicInteger();
    volatile FinishReason finishReason = FinishReason.STOP;
    volatile Optional<String> refusal = Optional.empty();
    volatile LlmException failWith;
    volatile int failStreamAfterEvents = -1;
    volatile boolean callTool;
    volatile CountDownLatch entered;
    volatile CountDownLatch release;

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        int n = enter();
        if (failWith != null) {
            throw failWith;
        }
        ChatResponse.Builder b = ChatResponse.builder().id("resp-" + n).model(request.model()).text(text(n, request))
                .finishReason(finishReason).refusal(refusal).usage(Usage.of(10, 20));
        if (callTool) {
            b.toolCalls(List.of(new ToolCall("call-" + n, "lookup", "{\"q\":\"" + n + "\"}")));
        }
        return b.build();
    }

    @Override
    public ChatStream stream(ChatRequest request, CallContext call) {
        int n = enter();
        if (failWith != null && failStreamAfterEvents < 0) {
            throw failWith;
        }
        List<StreamEvent> events = new ArrayList<>();
        for (String word : text(n, request).split("(?<= )")) {
            events.add(new StreamEvent.TextDelta(word));
        }
        if (callTool) {
            events.add(new StreamEvent.ToolCallDelta(0, Optional.of("call-" + n), Optional.of("lookup"), "{\"q\":"));
            events.add(new StreamEvent.ToolCallDelta(0, Optional.empty(), Optional.empty(), "\"" + n + "\"}"));
        }
        events.add(new StreamEvent.UsageUpdate(Usage.of(10, 20)));
        events.add(new StreamEvent.Finish(finishReason, "resp-" + n, "", request.model(), refusal));
        LlmException failure = failWith;
        int failAfter = failStreamAfterEvents;
        return new AbstractChatStream() {
            int i;

            @Override
            protected StreamEvent produce() {
                if (failAfter >= 0 && i == failAfter) {
                    throw failure;
                }
                return events.get(i++);
            }

            @Override
            protected void release() {
                streamsClosed.incrementAndGet();
            }
        };
    }

    private int enter() {
        int n = calls.incrementAndGet();
        CountDownLatch in = entered;
        if (in != null) {
            in.countDown();
        }
        CountDownLatch gate = release;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    private static String text(int n, ChatRequest request) {
        return "answer #" + n + " to: " + request.lastUserText();
    }
}
