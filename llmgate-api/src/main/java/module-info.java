/**
 * llmgate's provider-neutral API: requests, answers, streams, typed exceptions and the two SPIs
 * ({@code Interceptor}, {@code ModelProvider}). No third-party dependencies. Only the packages
 * below are API; {@code dev.llmgate.api.internal} is not exported.
 */
module dev.llmgate.api {
    requires static transitive org.jspecify;

    exports dev.llmgate.api;
    exports dev.llmgate.api.exception;
    exports dev.llmgate.api.spi;
}
