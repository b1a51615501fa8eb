package dev.llmgate.core.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import java.util.Objects;

/**
 * The chain as one interceptor sees it: the interceptors after it, the request, the call. One
 * allocation per stage per call; the interceptor array is shared and never copied.
 */
public final class RealChain implements Interceptor.Chain {
    private final Interceptor[] interceptors;
    private final int index;
    private final ChatRequest request;
    private final CallContext call;

    public RealChain(Interceptor[] interceptors, int index, ChatRequest request, CallContext call) {
        this.interceptors = interceptors;
        this.index = index;
        this.request = request;
        this.call = call;
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
        if (index >= interceptors.length) {
            throw new IllegalStateException(
                    "proceed() called past the end of the chain: the provider stage must not call proceed()");
        }
        Interceptor interceptor = interceptors[index];
        ChatResult result = interceptor.intercept(new RealChain(interceptors, index + 1, next, call));
        if (result == null) {
            throw new NullPointerException(
                    "interceptor " + interceptor.getClass().getName()
                            + " returned null: return chain.proceed(request), or a ChatResponse to short-circuit");
        }
        return result;
    }
}
