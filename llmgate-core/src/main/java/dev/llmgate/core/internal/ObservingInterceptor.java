package dev.llmgate.core.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.AnswerFacts;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamAccumulator;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.events.CallObserver;
import dev.llmgate.core.events.ObservedEnd;
import dev.llmgate.core.events.ObservedStart;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the gate's {@link CallObserver}s: as the first interceptor of the chain (one observation per call) or as
 * the last attempt interceptor (one per attempt at a provider). Starts each observer's observation, makes them
 * current while the chain below runs, and reports the end exactly once — for a stream when its finish passes,
 * when it fails, or when its consumer closes it. An observer that throws (an exception, or a linkage error such as
 * a missing optional dependency) is logged and left out; the call is never changed.
 */
public final class ObservingInterceptor implements Interceptor {
    private static final System.Logger LOG = System.getLogger(ObservingInterceptor.class.getName());
    private static final CallContext.Key<AtomicInteger> ATTEMPT_NUMBERS =
            CallContext.Key.of("llmgate.observed_attempts", AtomicInteger.class);

    private final List<CallObserver> observers;
    private final ObservedStart.Kind kind;
    private final boolean collectText;

    public ObservingInterceptor(List<CallObserver> observers, ObservedStart.Kind kind) {
        this.observers = List.copyOf(observers);
        this.kind = kind;
        boolean text = false;
        for (CallObserver o : observers) {
            text |= kind == ObservedStart.Kind.CALL && o.wantsAnswerText();
        }
        this.collectText = text;
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        CallContext call = chain.call();
        ObservedStart start = start(request, call);
        long began = System.nanoTime();
        List<CallObserver.Observation> live = new ArrayList<>(observers.size());
        List<Boolean> wantsText = new ArrayList<>(observers.size());
        for (CallObserver o : observers) {
            try {
                boolean text = o.wantsAnswerText();
                live.add(o.start(start));
                wantsText.add(text);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "observer " + o + " failed to start; it misses this call", e);
            }
        }
        Ending ending = new Ending(live, wantsText, call, began, request.model());
        List<CallObserver.Scope> scopes = new ArrayList<>(live.size());
        ChatResult result;
        try {
            for (CallObserver.Observation o : live) {
                try {
                    scopes.add(o.makeCurrent());
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(System.Logger.Level.WARNING, "an observation failed to become current", e);
                }
            }
            result = chain.proceed(request);
        } catch (RuntimeException | Error e) {
            ending.failed(e);
            throw e;
        } finally {
            for (int i = scopes.size() - 1; i >= 0; i--) {
                try {
                    scopes.get(i).close();
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(System.Logger.Level.WARNING, "an observation's scope failed to close", e);
                }
            }
        }
        if (result instanceof ChatResponse response) {
            ending.succeeded(response);
            return response;
        }
        return new Watched((ChatStream) result, ending, collectText);
    }

    private ObservedStart start(ChatRequest request, CallContext call) {
        if (kind == ObservedStart.Kind.CALL) {
            return ObservedStart.ofCall(request, call);
        }
        String address = request.model();
        int colon = address.indexOf(':');
        AtomicInteger numbers;
        synchronized (call) {
            numbers = call.get(ATTEMPT_NUMBERS).orElse(null);
            if (numbers == null) {
                numbers = new AtomicInteger();
                call.put(ATTEMPT_NUMBERS, numbers);
            }
        }
        return ObservedStart.ofAttempt(
                colon > 0 ? address.substring(0, colon) : "",
                colon > 0 ? address.substring(colon + 1) : address,
                numbers.incrementAndGet(),
                request,
                call);
    }

    @Override
    public String toString() {
        return "observers" + observers;
    }

    /** Reports one end to every live observation, once. */
    private final class Ending {
        private final List<CallObserver.Observation> live;
        private final List<Boolean> wantsText;
        private final CallContext call;
        private final long began;
        private final String address;
        private boolean reported;

        Ending(
                List<CallObserver.Observation> live,
                List<Boolean> wantsText,
                CallContext call,
                long began,
                String address) {
            this.live = live;
            this.wantsText = wantsText;
            this.call = call;
            this.began = began;
            this.address = address;
        }

        private AnswerFacts facts() {
            return kind == ObservedStart.Kind.CALL
                    ? AnswerStamp.facts(call)
                    : AnswerFacts.builder()
                            .callId(call.callId())
                            .deployment(Optional.of(address))
                            .attempts(1)
                            .build();
        }

        private Optional<BigDecimal> cost() {
            return kind == ObservedStart.Kind.CALL ? call.get(CallFacts.COST_USD) : Optional.empty();
        }

        private List<PolicyRecord> policy() {
            return kind == ObservedStart.Kind.CALL ? call.list(CallFacts.POLICY) : List.of();
        }

        private Duration duration() {
            return Duration.ofNanos(System.nanoTime() - began);
        }

        void succeeded(ChatResponse answer) {
            report(() -> ObservedEnd.succeeded(answer, facts(), cost(), policy(), duration()));
        }

        /** A streamed answer collected for an observer that wants its text: the others get its shape only. */
        void succeededCollected(ChatResponse answer) {
            report(() -> ObservedEnd.succeeded(answer, facts(), cost(), policy(), duration()), true);
        }

        void failed(Throwable error) {
            report(() -> ObservedEnd.failed(error, facts(), cost(), policy(), duration()));
        }

        void closedEarly() {
            report(() -> ObservedEnd.closedEarly(facts(), cost(), policy(), duration()));
        }

        private void report(java.util.function.Supplier<ObservedEnd> end) {
            report(end, false);
        }

        private synchronized void report(java.util.function.Supplier<ObservedEnd> end, boolean collected) {
            if (reported || live.isEmpty()) {
                reported = true;
                return;
            }
            reported = true;
            ObservedEnd e;
            try {
                e = end.get();
            } catch (RuntimeException | LinkageError ex) {
                LOG.log(System.Logger.Level.WARNING, "could not describe a call's end to its observers", ex);
                return;
            }
            ObservedEnd shapeOnly = null;
            for (int i = 0; i < live.size(); i++) {
                ObservedEnd mine = e;
                if (collected && !wantsText.get(i)) {
                    if (shapeOnly == null) {
                        shapeOnly = withoutText(e);
                    }
                    mine = shapeOnly;
                }
                try {
                    live.get(i).end(mine);
                } catch (RuntimeException | LinkageError ex) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "an observer failed at a call's end; the call is unchanged",
                            ex);
                }
            }
        }
    }

    private static ObservedEnd withoutText(ObservedEnd e) {
        ChatResponse a = e.answer().orElseThrow();
        ChatResponse shape = a.toBuilder()
                .text("")
                .toolCalls(List.of())
                .refusal(Optional.empty())
                .logprobs(List.of()) // the tokens are the text
                .build();
        return ObservedEnd.succeeded(shape, e.facts(), e.costUsd(), e.policy(), e.duration());
    }

    /** Watches a stream for its end; keeps the usage and, when asked, the text. */
    private static final class Watched extends AbstractChatStream {
        private final ChatStream upstream;
        private final Ending ending;
        private final StreamAccumulator text;
        private Usage usage = Usage.ZERO;
        private boolean ended;

        Watched(ChatStream upstream, Ending ending, boolean collectText) {
            this.upstream = upstream;
            this.ending = ending;
            this.text = collectText ? new StreamAccumulator() : null;
        }

        @Override
        protected StreamEvent produce() {
            StreamEvent event;
            try {
                if (!upstream.hasNext()) {
                    throw new StreamInterruptedException(
                            "the stream ended without a terminal event", ErrorDetails.NONE);
                }
                event = upstream.next();
            } catch (RuntimeException | Error e) {
                ended = true;
                ending.failed(e);
                throw e;
            }
            if (text != null) {
                text.accept(event);
            }
            if (event instanceof StreamEvent.UsageUpdate u) {
                usage = u.usage();
            } else if (event instanceof StreamEvent.Finish f) {
                ended = true;
                if (text != null) {
                    ending.succeededCollected(text.toResponse());
                    return event;
                }
                ending.succeeded(ChatResponse.builder()
                        .id(f.responseId())
                        .provider(f.provider())
                        .model(f.model())
                        .finishReason(f.reason())
                        .usage(usage)
                        .timings(f.timings())
                        .build());
            }
            return event;
        }

        @Override
        protected void release() {
            try {
                upstream.close();
            } finally {
                if (!ended) {
                    ending.closedEarly();
                }
            }
        }
    }
}
