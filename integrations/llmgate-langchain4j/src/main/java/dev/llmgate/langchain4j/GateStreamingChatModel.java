package dev.llmgate.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.core.LlmGate;
import dev.llmgate.langchain4j.internal.Lc4jErrors;
import dev.llmgate.langchain4j.internal.Lc4jMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A LangChain4j {@link StreamingChatModel} backed by a gate: the answer streams through the gate's chain (the output
 * policy's stream window, budgets charged for what was streamed, audit) on the gate's executor, and the handler gets
 * partial text, partial and complete tool calls, then the complete response, or one {@code onError}. The mapping is
 * {@link GateChatModel}'s. A handler that throws stops the stream (it is closed, which cancels its upstream call) and
 * gets that exception in {@code onError}; a handler that cancels the {@code StreamingHandle} of its callback's
 * context stops it too, and gets no further callback. Thread-safe.
 */
public final class GateStreamingChatModel implements StreamingChatModel {
    private final LlmGate gate;
    private final String model;
    private final Supplier<Metadata> metadata;

    private GateStreamingChatModel(LlmGate gate, String model, Supplier<Metadata> metadata) {
        this.gate = gate;
        this.model = model;
        this.metadata = metadata;
    }

    /** A model on {@code gate} whose requests default to {@code model} (a route, an alias or provider:model). */
    public static GateStreamingChatModel of(LlmGate gate, String model) {
        return of(gate, model, () -> Metadata.EMPTY);
    }

    /** As {@link #of(LlmGate, String)}, with the metadata (tenant, end user, tags) of every call. */
    public static GateStreamingChatModel of(LlmGate gate, String model, Supplier<Metadata> metadata) {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metadata, "metadata");
        return new GateStreamingChatModel(gate, model, metadata);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        dev.llmgate.api.ChatRequest gateRequest;
        try {
            gateRequest = Lc4jMapping.toGate(request, model, metadata.get());
        } catch (RuntimeException e) {
            handler.onError(Lc4jErrors.toLc4j(e));
            return;
        }
        Map<Integer, String[]> toolIds = new HashMap<>();
        AtomicReference<RuntimeException> handlerFailure = new AtomicReference<>();
        Handle handle = new Handle();
        PartialResponseContext textContext = new PartialResponseContext(handle);
        PartialToolCallContext toolContext = new PartialToolCallContext(handle);
        // a listener that throws ends the gate's stream: the stream is closed, which cancels the upstream call
        CompletableFuture<ChatResponse> started = gate.streamAsync(gateRequest, event -> {
            if (handle.isCancelled()) {
                throw new CancellationException("the LangChain4j handler cancelled the stream");
            }
            try {
                if (event instanceof StreamEvent.TextDelta t) {
                    handler.onPartialResponse(new PartialResponse(t.text()), textContext);
                } else if (event instanceof StreamEvent.ToolCallDelta d) {
                    String[] idName = toolIds.computeIfAbsent(d.index(), i -> new String[] {"", ""});
                    d.id().ifPresent(id -> idName[0] = id);
                    d.name().ifPresent(n -> idName[1] = n);
                    handler.onPartialToolCall(
                            PartialToolCall.builder()
                                    .index(d.index())
                                    .id(idName[0])
                                    .name(idName[1])
                                    .partialArguments(d.argumentsDelta())
                                    .build(),
                            toolContext);
                }
            } catch (RuntimeException e) {
                handlerFailure.set(e);
                throw e;
            }
            if (handle.isCancelled()) {
                throw new CancellationException("the LangChain4j handler cancelled the stream");
            }
        });
        // the callbacks are the result: the handler receives the answer or the failure, nothing waits on this future
        CompletableFuture<ChatResponse> unused = started.whenComplete((response, error) -> {
            if (handlerFailure.get() != null) {
                handler.onError(handlerFailure.get());
                return;
            }
            if (handle.isCancelled()) {
                return; // cancelled through the StreamingHandle: no further callbacks
            }
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                handler.onError(cause instanceof RuntimeException r ? Lc4jErrors.toLc4j(r) : cause);
                return;
            }
            try {
                List<ToolCall> calls = response.toolCalls();
                for (int i = 0; i < calls.size(); i++) {
                    ToolCall c = calls.get(i);
                    handler.onCompleteToolCall(new CompleteToolCall(
                            i,
                            ToolExecutionRequest.builder()
                                    .id(c.id())
                                    .name(c.name())
                                    .arguments(c.argumentsJson())
                                    .build()));
                }
                handler.onCompleteResponse(Lc4jMapping.toLc4j(response));
            } catch (RuntimeException e) {
                handler.onError(e);
            }
        });
    }

    /** The handle LangChain4j hands to a handler: cancelling it ends the gate's stream at its next event. */
    private static final class Handle implements StreamingHandle {
        private volatile boolean cancelled;

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return ChatRequestParameters.builder().modelName(model).build();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }

    @Override
    public String toString() {
        return "GateStreamingChatModel[" + model + "]";
    }
}
