package dev.llmgate.api.spi;

/**
 * An interceptor that belongs at one built-in stage of a gate's chain, and knows which. Every
 * built-in stage component implements it (the router, the budget, cache, policy and audit
 * interceptors), and so may an interceptor of your own that only makes sense at one stage.
 *
 * <p>Guarantees, enforced by the gate's builder ({@code dev.llmgate.core.LlmGate.Builder}):
 * {@code addInterceptor(interceptor)} places a staged interceptor at its own stage (not among the
 * application interceptors); {@code addInterceptor(stage, interceptor)} accepts it at that stage only;
 * and {@code build()} fails with a {@link dev.llmgate.api.exception.ConfigurationException} that names
 * the interceptor, the stage it was given and the stage it belongs at when it is registered anywhere
 * else (another stage, or among the attempt interceptors), when one instance is registered twice, or
 * when {@link #stageName()} names no stage.
 *
 * <p>The stage is named by a string because this module cannot see the gate's {@code Stage} enum
 * (it lives in {@code llmgate-core}, which depends on this module): it is the name of one of its
 * constants.
 */
public interface StagedInterceptor extends Interceptor {

    /**
     * The stage this interceptor belongs at, by the name of its {@code dev.llmgate.core.Stage}
     * constant: {@code "AUDIT"}, {@code "POLICY"}, {@code "BUDGET"}, {@code "ROUTING"} or
     * {@code "CACHE"}. Must return the same value every time.
     */
    String stageName();
}
