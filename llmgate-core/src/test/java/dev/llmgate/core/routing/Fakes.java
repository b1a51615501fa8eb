package dev.llmgate.core.routing;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.ModelProvider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Test doubles for routing: a settable clock, a recording sleeper, scripted providers. */
final class Fakes {
    private Fakes() {
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }
    }

    /** Records every wait and advances the clock by it instead of sleeping. */
    static final class RecordingSleeper implements Sleeper {
        final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
        final MutableClock clock;

        RecordingSleeper(MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public void sleep(Duration duration) {
            waits.add(duration);
            clock.advance(duration);
        }
    }

    /** A Random whose nextDouble is fixed, to assert jittered delays exactly. */
    static final class FixedRandom extends java.util.Random {
        private static final long serialVersionUID = 1L;
        final double value;

        FixedRandom(double value) {
            this.value = value;
        }

        @Override
        public double nextDouble() {
            return value;
        }
    }

    /** One scripted behaviour of one call. */
    interface Step {
        ChatResponse chat(ChatRequest request, CallContext call);

        default ChatStream stream(ChatRequest request, CallContext call) {
            return ChatStream.of(chat(request, call));
        }
    }

    static Step answer(String text) {
        return answer(text, Usage.of(10, 5));
    }

    static Step answer(String text, Usage usage) {
        return (r, c) -> ChatResponse.builder().id("id").model(r.model()).text(text).usage(usage).build();
    }

    static Step fail(LlmException e) {
        return new Step() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw e;
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                return failingStream(request, -1, e);
            }
        };
    }

    /** Fails every call with a new exception from {@code errors}. */
    static Step failEach(java.util.function.Supplier<LlmException> errors) {
        return new Step() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw errors.get();
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                throw errors.get();
            }
        };
    }

    /** A stream that fails on its first pull (like a provider whose first hasNext() sees the error). */
    static Step failOnFirstPull(LlmException e) {
        return new Step() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw e;
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                return failingStream(request, 0, e);
            }
        };
    }

    /** A stream of {@code words} that fails after {@code afterEvents} events (negative: at open). */
    static Step streamFailingAfter(int afterEvents, LlmException e) {
        return new Step() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw e;
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                return failingStream(request, afterEvents, e);
            }
        };
    }

    static Step slow(MutableClock clock, Duration latency, Step then) {
        return new Step() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                clock.advance(latency);
                return then.chat(request, call);
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                clock.advance(latency);
                return then.stream(request, call);
            }
        };
    }

    static ChatStream failingStream(ChatRequest request, int afterEvents, LlmException e) {
        if (afterEvents < 0) {
            throw e;
        }
        List<StreamEvent> events = List.of(new StreamEvent.TextDelta("one "), new StreamEvent.TextDelta("two "),
                new StreamEvent.UsageUpdate(Usage.of(10, 2)),
                new StreamEvent.Finish(FinishReason.STOP, "id", "", request.model(), Optional.empty()));
        return new AbstractChatStream() {
            int i;

            @Override
            protected StreamEvent produce() {
                if (i == afterEvents) {
                    throw e;
                }
                return events.get(i++);
            }

            @Override
            protected void release() {
            }
        };
    }

    /** A provider that plays its steps in order, then repeats the last one; counts calls. */
    static final class Scripted implements ModelProvider {
        final ConcurrentLinkedDeque<Step> steps = new ConcurrentLinkedDeque<>();
        final List<String> models = Collections.synchronizedList(new ArrayList<>());
        volatile Step last = answer("ok");

        Scripted(Step... script) {
            steps.addAll(List.of(script));
        }

        int calls() {
            return models.size();
        }

        private Step next() {
            Step s = steps.pollFirst();
            if (s != null) {
                last = s;
                return s;
            }
            return last;
        }

        @Override
        public ChatResponse chat(ChatRequest request, CallContext call) {
            models.add(request.model());
            return next().chat(request, call);
        }

        @Override
        public ChatStream stream(ChatRequest request, CallContext call) {
            models.add(request.model());
            return next().stream(request, call);
        }
    }

    static RateLimitedException rateLimited(Optional<Duration> retryAfter) {
        return new RateLimitedException("rate limited", ErrorDetails.NONE, retryAfter);
    }

    static OverloadedException overloaded() {
        return new OverloadedException("overloaded", ErrorDetails.NONE, Optional.empty());
    }

    /** An application interceptor that keeps the last call's context. */
    static final class ContextSpy implements Interceptor {
        final AtomicReference<CallContext> last = new AtomicReference<>();

        @Override
        public ChatResult intercept(Chain chain) {
            last.set(chain.call());
            return chain.proceed(chain.request());
        }
    }
}
