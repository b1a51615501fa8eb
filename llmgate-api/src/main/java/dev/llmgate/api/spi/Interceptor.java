package dev.llmgate.api.spi;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResult;

/**
 * The one extension point for cross-cutting behaviour, in the style of OkHttp: an interceptor sees
 * the request, may rewrite it, calls {@link Chain#proceed(ChatRequest)} (zero, one or several times),
 * and returns what the rest of the chain returned, possibly transformed. The gate's own stages
 * (routing, cache, policy, audit) are interceptors too: {@link StagedInterceptor}s, which know the
 * stage they belong at.
 *
 * <p>One interface serves blocking and streaming calls: {@code proceed} returns a {@link ChatResult}
 * that is a {@link dev.llmgate.api.ChatResponse} or a {@link dev.llmgate.api.ChatStream}. Use
 * {@link ChatResult#transform} to rewrite events or text in both cases, and
 * {@link ChatResult#whenComplete} to observe the final outcome. Errors arrive as
 * {@link dev.llmgate.api.exception.LlmException}s thrown from {@code proceed} (or, for a stream,
 * while it is consumed).
 *
 * <p>Examples: short-circuit with {@code return ChatResponse.builder()...build();}; rewrite with
 * {@code return chain.proceed(chain.request().withModel("openai:gpt-4o"));}.
 *
 * <p>Implementations must be thread-safe: one instance serves every call of a gate.
 */
@FunctionalInterface
public interface Interceptor {

    /** Handles one call; see the class documentation. */
    ChatResult intercept(Chain chain);

    /** The rest of the chain, as seen from one interceptor. */
    interface Chain {

        /** The request as it reached this interceptor. */
        ChatRequest request();

        /** The call this chain belongs to. */
        CallContext call();

        /**
         * Passes {@code request} to the next interceptor (or the provider) and returns its result.
         * May be called several times (retries, fallback, hedging).
         */
        ChatResult proceed(ChatRequest request);
    }
}
