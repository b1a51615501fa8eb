package dev.llmgate.core;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A test provider: echoes the last user text, or streams it word by word, optionally failing. */
final class ScriptedProvider implements ModelProvider {
    final List<ChatRequest> received = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger closedStreams = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    volatile LlmException failWith;
    volatile int failStreamAfterEvents = -1;

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        received.add(request);
        if (failWith != null) {
            throw failWith;
        }
        return ChatResponse.builder().id("r1").model(request.model()).text("echo: " + request.lastUserText())
                .usage(Usage.of(3, 4)).build();
    }

    @Override
    public ChatStream stream(ChatRequest request, CallContext call) {
        received.add(request);
        if (failWith != null && failStreamAfterEvents < 0) {
            throw failWith;
        }
        List<StreamEvent> events = new ArrayList<>();
        for (String word : ("echo: " + request.lastUserText()).split("(?<= )")) {
            events.add(new StreamEvent.TextDelta(word));
        }
        events.add(new StreamEvent.UsageUpdate(Usage.of(3, 4)));
        events.add(new StreamEvent.Finish(FinishReason.STOP, "r1", "", request.model(), Optional.empty()));
        return new AbstractChatStream() {
            int i;

            @Override
            protected StreamEvent produce() {
                if (failStreamAfterEvents >= 0 && i == failStreamAfterEvents) {
                    throw failWith;
                }
                return events.get(i++);
            }

            @Override
            protected void release() {
                closedStreams.incrementAndGet();
            }
        };
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
