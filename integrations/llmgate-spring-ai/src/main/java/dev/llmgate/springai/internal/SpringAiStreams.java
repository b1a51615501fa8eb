package dev.llmgate.springai.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamAccumulator;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.StreamInterruptedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.Generation;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** A gate's pulled {@link ChatStream} as Spring AI's {@link Flux} of chunks, and a Spring AI Flux as a ChatStream. */
public final class SpringAiStreams {
    private SpringAiStreams() {}

    /**
     * The stream {@code open} returns as chunks: one per text delta, then a last chunk with the tool calls, the finish
     * reason, the usage, the id and the model. Subscribing opens the stream (on a bounded-elastic thread); cancelling
     * closes it.
     */
    public static Flux<org.springframework.ai.chat.model.ChatResponse> toFlux(Supplier<ChatStream> open) {
        return Flux.<org.springframework.ai.chat.model.ChatResponse, ChatStream>using(
                        open::get,
                        stream -> {
                            StreamAccumulator acc = new StreamAccumulator();
                            Iterable<StreamEvent> events = () -> stream;
                            return Flux.fromIterable(events).handle((event, sink) -> {
                                acc.accept(event);
                                if (event instanceof StreamEvent.TextDelta t) {
                                    sink.next(SpringAiMapping.chunk(
                                            t.text(), List.of(), Optional.empty(), Usage.ZERO, "", ""));
                                } else if (event instanceof StreamEvent.Finish) {
                                    ChatResponse whole = acc.toResponse();
                                    sink.next(SpringAiMapping.chunk(
                                            "",
                                            whole.toolCalls(),
                                            Optional.of(whole.finishReason()),
                                            whole.usage(),
                                            whole.id(),
                                            whole.model()));
                                }
                            });
                        },
                        ChatStream::close)
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** A Spring AI model's chunks as a pulled stream for the gate (the advisor's streamed calls). */
    public static ChatStream fromFlux(
            Flux<org.springframework.ai.chat.model.ChatResponse> chunks, String provider, String model) {
        FluxStream s = new FluxStream(provider, model);
        chunks.subscribe(s.subscriber);
        return s;
    }

    /**
     * A Spring AI model's failure as the gate's, so that routing can classify it: the gate's own exceptions pass, an
     * I/O failure is a {@link NetworkException}, Spring AI's {@code TransientAiException} (and its subclasses) a
     * retryable {@link ProviderException}, anything else a non-retryable one; the original is the cause (or, when its chain holds text the scrubber
     * changes, a copy of it: {@link UpstreamText#cause}). The
     * original's message is passed through {@link UpstreamText#scrub} (it can quote the upstream's error body).
     */
    public static LlmException failure(RuntimeException e, String provider) {
        if (e instanceof LlmException l) {
            return l;
        }
        String m = "the Spring AI model failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + UpstreamText.scrub(e.getMessage()));
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException) {
                return new NetworkException(m, ErrorDetails.of(provider), UpstreamText.cause(e));
            }
        }
        boolean transientFailure = false;
        for (Class<?> k = e.getClass(); k != null; k = k.getSuperclass()) {
            transientFailure |= k.getSimpleName().equals("TransientAiException");
        }
        return new ProviderException(m, ErrorDetails.of(provider), transientFailure, UpstreamText.cause(e));
    }

    private static final class FluxStream extends AbstractChatStream {
        private static final Object COMPLETE = new Object();
        /** Put on the queue by {@link #release()}, so that a consumer blocked in {@link #produce()} wakes up. */
        private static final Object CLOSED = new Object();

        private final String provider;
        private final String model;
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final List<StreamEvent> ready = new ArrayList<>();
        private int toolIndex;
        private String finish;
        private Usage usage = Usage.ZERO;
        private String id = "";
        private String answerModel = "";
        final BaseSubscriber<org.springframework.ai.chat.model.ChatResponse> subscriber = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            protected void hookOnNext(org.springframework.ai.chat.model.ChatResponse value) {
                queue.add(value);
            }

            @Override
            protected void hookOnComplete() {
                queue.add(COMPLETE);
            }

            @Override
            protected void hookOnError(Throwable throwable) {
                queue.add(throwable);
            }
        };

        FluxStream(String provider, String model) {
            this.provider = provider;
            this.model = model;
        }

        @Override
        protected StreamEvent produce() {
            while (ready.isEmpty()) {
                Object next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StreamInterruptedException(
                            "interrupted while waiting for the model's stream", ErrorDetails.of(provider), e);
                }
                if (next == CLOSED) {
                    throw new StreamInterruptedException("the stream was closed", ErrorDetails.of(provider));
                }
                if (next == COMPLETE) {
                    ready.add(new StreamEvent.UsageUpdate(usage));
                    ready.add(StreamEvent.Finish.of(
                            SpringAiMapping.finishReason(finish, toolIndex > 0),
                            id,
                            provider,
                            answerModel.isEmpty() ? model : answerModel));
                } else if (next instanceof RuntimeException e) {
                    throw failure(e, provider);
                } else if (next instanceof Throwable t) {
                    throw new ProviderException(
                            "the model's stream failed: " + t.getClass().getSimpleName()
                                    + (t.getMessage() == null ? "" : ": " + UpstreamText.scrub(t.getMessage())),
                            ErrorDetails.of(provider),
                            false,
                            UpstreamText.cause(t));
                } else {
                    read((org.springframework.ai.chat.model.ChatResponse) next);
                }
            }
            return ready.remove(0);
        }

        private void read(org.springframework.ai.chat.model.ChatResponse chunk) {
            for (Generation g : chunk.getResults()) {
                AssistantMessage a = g.getOutput();
                if (a.getText() != null && !a.getText().isEmpty()) {
                    ready.add(new StreamEvent.TextDelta(a.getText()));
                }
                for (AssistantMessage.ToolCall c : a.getToolCalls()) {
                    ToolCall call = new ToolCall(
                            c.id() == null ? "call_" + toolIndex : c.id(),
                            c.name(),
                            c.arguments() == null ? "{}" : c.arguments());
                    ready.add(new StreamEvent.ToolCallDelta(
                            toolIndex++, Optional.of(call.id()), Optional.of(call.name()), call.argumentsJson()));
                }
                if (g.getMetadata() != null && g.getMetadata().getFinishReason() != null) {
                    finish = g.getMetadata().getFinishReason();
                }
            }
            ChatResponseMetadata meta = chunk.getMetadata();
            if (meta != null) {
                if (meta.getId() != null && !meta.getId().isEmpty()) {
                    id = meta.getId();
                }
                if (meta.getModel() != null && !meta.getModel().isEmpty()) {
                    answerModel = meta.getModel();
                }
                if (meta.getUsage() != null
                        && meta.getUsage().getPromptTokens() != null
                        && (meta.getUsage().getPromptTokens() > 0 || usage.inputTokens() == 0)) {
                    Integer out = meta.getUsage().getCompletionTokens();
                    usage = Usage.of(meta.getUsage().getPromptTokens(), out == null ? 0 : out);
                }
            }
        }

        @Override
        protected void release() {
            queue.add(CLOSED);
            subscriber.dispose();
        }
    }
}
