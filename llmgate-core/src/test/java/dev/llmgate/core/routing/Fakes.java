package dev.llmgate.core.routing;

import dev.llmgate.api.ChatResult;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.testing.MutableClock;
import dev.llmgate.testing.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the routing tests share beyond llmgate-testing: a recording sleeper, a fixed Random, a
 * context spy, the replies they script and the errors they fail with.
 */
final class Fakes {
    /** Where the routing tests' clocks start. */
    static final Instant START = Instant.ofEpochMilli(1_700_000_000_000L);

    private Fakes() {}

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

    /** Answers {@code text} (one chunk when streamed) with usage 10/5. */
    static Reply answer(String text) {
        return answer(text, Usage.of(10, 5));
    }

    static Reply answer(String text, Usage usage) {
        return Reply.text(text).withId("id").withUsage(usage);
    }

    /** Answers "one two " in two chunks with usage 10/2; add {@code failingAfter(n, e)} to cut it. */
    static Reply oneTwo() {
        return Reply.chunks("one ", "two ").withUsage(Usage.of(10, 2)).withId("id");
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
