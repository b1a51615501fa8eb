package dev.llmgate.langchain4j.internal;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.StreamInterruptedException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A LangChain4j streaming model's callbacks as a pulled {@link ChatStream}: callbacks queue events, the consumer takes
 * them. Closing wakes a consumer that waits and cancels the LangChain4j stream through its {@link StreamingHandle} when
 * the model has offered one (through a callback's context); a model that never does keeps streaming into the
 * discarded queue until it ends.
 */
public final class StreamingBridge extends AbstractChatStream implements StreamingChatResponseHandler {
    private static final Object END = new Object();
    /** Put on the queue by {@link #release()}, so that a consumer blocked in {@link #produce()} wakes up. */
    private static final Object CLOSED = new Object();

    private final String provider;
    private final String model;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final ArrayDeque<StreamEvent> ready = new ArrayDeque<>();
    private final Set<Integer> streamedTools = new HashSet<>();
    private volatile StreamingHandle handle;

    private StreamingBridge(String provider, String model) {
        this.provider = provider;
        this.model = model;
    }

    /** Starts {@code request} on {@code model} and returns its events as a stream. */
    public static ChatStream start(
            StreamingChatModel model,
            dev.langchain4j.model.chat.request.ChatRequest request,
            String provider,
            String name) {
        StreamingBridge bridge = new StreamingBridge(provider, name);
        model.chat(request, bridge);
        return bridge;
    }

    @Override
    public void onPartialResponse(String text) {
        queue.add(new StreamEvent.TextDelta(text));
    }

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        handle = context.streamingHandle();
        onPartialResponse(partial.text());
    }

    @Override
    public void onPartialToolCall(PartialToolCall call) {
        streamedTools.add(call.index());
        queue.add(new StreamEvent.ToolCallDelta(
                call.index(),
                Optional.ofNullable(call.id()),
                Optional.ofNullable(call.name()),
                call.partialArguments() == null ? "" : call.partialArguments()));
    }

    @Override
    public void onPartialToolCall(PartialToolCall call, PartialToolCallContext context) {
        handle = context.streamingHandle();
        onPartialToolCall(call);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall call) {
        if (!streamedTools.contains(call.index())) { // a model that reports tool calls only when complete
            streamedTools.add(call.index());
            var r = call.toolExecutionRequest();
            queue.add(new StreamEvent.ToolCallDelta(
                    call.index(),
                    Optional.ofNullable(r.id()),
                    Optional.ofNullable(r.name()),
                    r.arguments() == null ? "{}" : r.arguments()));
        }
    }

    @Override
    public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse response) {
        ChatResponse r = Lc4jMapping.toGate(response, provider, model);
        for (int i = 0; i < r.toolCalls().size(); i++) {
            if (!streamedTools.contains(i)) {
                ToolCall c = r.toolCalls().get(i);
                queue.add(new StreamEvent.ToolCallDelta(
                        i, Optional.of(c.id()), Optional.of(c.name()), c.argumentsJson()));
            }
        }
        queue.add(new StreamEvent.UsageUpdate(r.usage()));
        queue.add(StreamEvent.Finish.of(r.finishReason(), r.id(), provider, r.model()));
        queue.add(END);
    }

    @Override
    public void onError(Throwable error) {
        queue.add(error);
    }

    @Override
    protected StreamEvent produce() {
        if (!ready.isEmpty()) {
            return ready.poll();
        }
        Object next;
        try {
            next = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamInterruptedException(
                    "interrupted while waiting for the LangChain4j model's stream", ErrorDetails.of(provider), e);
        }
        if (next instanceof StreamEvent e) {
            return e;
        }
        if (next == CLOSED) {
            throw new StreamInterruptedException("the stream was closed", ErrorDetails.of(provider));
        }
        if (next instanceof RuntimeException e) {
            throw Lc4jErrors.toGate(e, provider);
        }
        if (next instanceof Throwable t) {
            throw new StreamInterruptedException(
                    "the LangChain4j model's stream failed: " + t.getClass().getSimpleName()
                            + (t.getMessage() == null ? "" : ": " + UpstreamText.scrub(t.getMessage())),
                    ErrorDetails.of(provider),
                    UpstreamText.cause(t));
        }
        throw new StreamInterruptedException(
                "the LangChain4j model's stream ended without its complete response", ErrorDetails.of(provider));
    }

    @Override
    protected void release() {
        queue.add(CLOSED);
        StreamingHandle h = handle;
        if (h != null && !h.isCancelled()) {
            h.cancel();
        }
    }
}
