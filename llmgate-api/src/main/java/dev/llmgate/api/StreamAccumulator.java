package dev.llmgate.api;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Collects stream events into a {@link ChatResponse}: text deltas concatenated, tool-call deltas
 * assembled by index, log-probabilities in order, the last usage kept. Not thread-safe; one per stream.
 */
public final class StreamAccumulator {
    /** An accumulator that has seen no event yet. */
    public StreamAccumulator() {}

    private final StringBuilder text = new StringBuilder();
    private final TreeMap<Integer, PartialToolCall> toolCalls = new TreeMap<>();
    private Usage usage = Usage.ZERO;
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private StreamEvent.@Nullable Finish finish;

    /** Adds one event; a {@link StreamEvent.Error} is ignored (the failure is the consumer's to handle). */
    public void accept(StreamEvent event) {
        if (event instanceof StreamEvent.TextDelta d) {
            text.append(d.text());
        } else if (event instanceof StreamEvent.ToolCallDelta d) {
            PartialToolCall call = toolCalls.computeIfAbsent(d.index(), i -> new PartialToolCall());
            d.id().ifPresent(id -> call.id = id);
            d.name().ifPresent(n -> call.name = n);
            call.arguments.append(d.argumentsDelta());
        } else if (event instanceof StreamEvent.UsageUpdate u) {
            usage = u.usage();
        } else if (event instanceof StreamEvent.LogprobsDelta l) {
            logprobs.addAll(l.tokens());
        } else if (event instanceof StreamEvent.Finish f) {
            finish = f;
        }
    }

    /** True once the terminal {@link StreamEvent.Finish} arrived. */
    public boolean isComplete() {
        return finish != null;
    }

    /** The text received so far. */
    public String text() {
        return text.toString();
    }

    /** The usage received so far. */
    public Usage usage() {
        return usage;
    }

    /**
     * The complete response.
     *
     * @throws IllegalStateException if the stream has not finished: a partial answer is never a response
     */
    public ChatResponse toResponse() {
        if (finish == null) {
            throw new IllegalStateException("the stream has not finished: no complete response to build");
        }
        List<ToolCall> calls = new ArrayList<>(toolCalls.size());
        for (var e : toolCalls.entrySet()) {
            PartialToolCall p = e.getValue();
            String args = p.arguments.length() == 0 ? "{}" : p.arguments.toString();
            calls.add(new ToolCall(p.id.isEmpty() ? "call_" + e.getKey() : p.id, p.name, args));
        }
        return ChatResponse.builder()
                .id(finish.responseId())
                .provider(finish.provider())
                .model(finish.model())
                .text(text.toString())
                .toolCalls(calls)
                .finishReason(finish.reason())
                .refusal(finish.refusal())
                .usage(usage)
                .timings(finish.timings())
                .costUsd(finish.costUsd())
                .facts(finish.facts())
                .logprobs(logprobs)
                .build();
    }

    private static final class PartialToolCall {
        String id = "";
        String name = "";
        final StringBuilder arguments = new StringBuilder();
    }
}
