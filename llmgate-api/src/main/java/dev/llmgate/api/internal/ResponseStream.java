package dev.llmgate.api.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Replays a complete response as stream events. Not public API. */
public final class ResponseStream extends AbstractChatStream {
    private final List<StreamEvent> events;
    private int position;

    public ResponseStream(ChatResponse response) {
        List<StreamEvent> list = new ArrayList<>(3 + response.toolCalls().size());
        if (!response.text().isEmpty()) {
            list.add(new StreamEvent.TextDelta(response.text()));
        }
        for (int i = 0; i < response.toolCalls().size(); i++) {
            ToolCall call = response.toolCalls().get(i);
            list.add(new StreamEvent.ToolCallDelta(
                    i, Optional.of(call.id()), Optional.of(call.name()), call.argumentsJson()));
        }
        if (!response.logprobs().isEmpty()) {
            list.add(new StreamEvent.LogprobsDelta(response.logprobs()));
        }
        if (!response.usage().equals(Usage.ZERO)) {
            list.add(new StreamEvent.UsageUpdate(response.usage()));
        }
        list.add(StreamEvent.Finish.builder(response.finishReason())
                .responseId(response.id())
                .provider(response.provider())
                .model(response.model())
                .refusal(response.refusal())
                .timings(response.timings())
                .costUsd(response.costUsd())
                .facts(response.facts())
                .build());
        this.events = list;
    }

    @Override
    protected StreamEvent produce() {
        return events.get(position++);
    }

    @Override
    protected void release() {}
}
