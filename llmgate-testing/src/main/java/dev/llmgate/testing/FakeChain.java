package dev.llmgate.testing;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.ModelProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Interceptor.Chain} for testing one interceptor on its own: the rest of the chain is a
 * {@code downstream} provider (typically a {@link ScriptedProvider}), called the way a gate's
 * provider stage calls it ({@code stream(...)} when the call is streamed, {@code chat(...)}
 * otherwise), and the chain records every request the interceptor passed on.
 *
 * <pre>{@code
 * ScriptedProvider model = ScriptedProvider.replying(Reply.text("Hello"));
 * FakeChain chain = FakeChain.blocking(ChatRequest.of("m", "hi"), model);
 * ChatResponse answer = chain.run(new MyInterceptor()).toResponse();
 * assertThat(chain.proceeded()).hasSize(1);
 * }</pre>
 *
 * <p>Guarantees: {@link #proceed} records the request before calling downstream, so a failing
 * downstream still shows what was passed on; a {@code null} request, or a {@code null} result from
 * downstream or from the interceptor ({@link #run}), fails with a {@link NullPointerException} that
 * says who returned it, as in a gate. It returns what downstream returned, unchanged: no provider
 * name or timings are stamped (a gate would stamp them). Thread-safe (an interceptor may proceed
 * from several threads, as hedging does).
 */
public final class FakeChain implements Interceptor.Chain {
    private final ChatRequest request;
    private final CallContext call;
    private final ModelProvider downstream;
    private final List<ChatRequest> proceeded = new ArrayList<>();

    private FakeChain(ChatRequest request, CallContext call, ModelProvider downstream) {
        this.request = Objects.requireNonNull(request, "request");
        this.call = Objects.requireNonNull(call, "call");
        this.downstream = Objects.requireNonNull(downstream, "downstream");
    }

    /** The chain of a blocking call of {@code request} (a new {@link TestCallContext#blockingCall()}) in front of {@code downstream}. */
    public static FakeChain blocking(ChatRequest request, ModelProvider downstream) {
        return new FakeChain(request, TestCallContext.blockingCall(), downstream);
    }

    /** The chain of a streamed call of {@code request} (a new {@link TestCallContext#streamingCall()}) in front of {@code downstream}. */
    public static FakeChain streaming(ChatRequest request, ModelProvider downstream) {
        return new FakeChain(request, TestCallContext.streamingCall(), downstream);
    }

    /** The chain of {@code request} in the given call (its {@link CallContext#streaming()} picks the mode) in front of {@code downstream}. */
    public static FakeChain of(ChatRequest request, CallContext call, ModelProvider downstream) {
        return new FakeChain(request, call, downstream);
    }

    /**
     * Runs {@code interceptor} on this chain: {@code interceptor.intercept(this)}.
     *
     * @throws NullPointerException if the interceptor returned {@code null} (a gate refuses that too)
     */
    public ChatResult run(Interceptor interceptor) {
        Objects.requireNonNull(interceptor, "interceptor");
        ChatResult result = interceptor.intercept(this);
        if (result == null) {
            throw new NullPointerException(
                    "interceptor " + interceptor.getClass().getName()
                            + " returned null: return chain.proceed(request), or a ChatResponse to short-circuit");
        }
        return result;
    }

    @Override
    public ChatRequest request() {
        return request;
    }

    @Override
    public CallContext call() {
        return call;
    }

    @Override
    public ChatResult proceed(ChatRequest next) {
        Objects.requireNonNull(next, "an interceptor passed a null request to proceed()");
        synchronized (proceeded) {
            proceeded.add(next);
        }
        ChatResult result = call.streaming() ? downstream.stream(next, call) : downstream.chat(next, call);
        if (result == null) {
            throw new NullPointerException(
                    "the downstream provider " + downstream.getClass().getName() + " returned a null "
                            + (call.streaming() ? "stream" : "response"));
        }
        return result;
    }

    /** Every request passed to {@link #proceed}, in order; empty if the interceptor never proceeded. A snapshot. */
    public List<ChatRequest> proceeded() {
        synchronized (proceeded) {
            return List.copyOf(proceeded);
        }
    }

    /**
     * The one request the interceptor passed on.
     *
     * @throws AssertionError if it proceeded never or more than once
     */
    public ChatRequest proceededOnce() {
        synchronized (proceeded) {
            if (proceeded.size() != 1) {
                throw new AssertionError("expected the interceptor to proceed exactly once, it proceeded "
                        + proceeded.size() + " times");
            }
            return proceeded.get(0);
        }
    }

    @Override
    public String toString() {
        return "FakeChain[" + call + ", proceeded " + proceeded().size() + " times]";
    }
}
