package dev.llmgate.core.routing;

import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.exception.StreamInterruptedException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The classes of failure that routing tells apart, each mapped from the typed exceptions of
 * {@code dev.llmgate.api.exception}. A {@link Route} says per class whether to retry the same
 * deployment and whether to fall over to the next one.
 */
public enum ErrorClass {
    /** {@link RateLimitedException} (HTTP 429). */
    RATE_LIMITED,
    /** {@link OverloadedException} (HTTP 503, Anthropic 529). */
    OVERLOADED,
    /** {@link RequestTimeoutException}: connect, read, time to first token (a stalled stream). */
    TIMEOUT,
    /** {@link NetworkException}: refused, reset, DNS. */
    NETWORK,
    /** A retryable {@link ProviderException}: 5xx or an unreadable body. */
    SERVER_ERROR,
    /** {@link StreamInterruptedException}: a stream cut before its end. */
    STREAM_INTERRUPTED,
    /** {@link ContextLengthExceededException}: falls over only to deployments with a larger window. */
    CONTEXT_LENGTH,
    /** {@link ContentFilteredException}: the provider's safety system refused. */
    CONTENT_FILTERED,
    /** {@link InvalidRequestException} (400, 404, 422) other than context length. */
    INVALID_REQUEST,
    /** {@link AuthenticationException} and {@link PermissionDeniedException} (401, 403). */
    AUTHENTICATION,
    /** Everything else: policy blocks, budgets, non-retryable provider errors. Never retried. */
    OTHER;

    /** Retried on the same deployment by default: the transient classes. */
    public static final Set<ErrorClass> TRANSIENT =
            Set.copyOf(EnumSet.of(RATE_LIMITED, OVERLOADED, TIMEOUT, NETWORK, SERVER_ERROR, STREAM_INTERRUPTED));

    /** Falls over to the next deployment by default: the transient classes and context length. */
    public static final Set<ErrorClass> DEFAULT_FALLBACK = Set.copyOf(
            EnumSet.of(RATE_LIMITED, OVERLOADED, TIMEOUT, NETWORK, SERVER_ERROR, STREAM_INTERRUPTED, CONTEXT_LENGTH));

    /** The class of {@code e}. */
    public static ErrorClass of(LlmException e) {
        if (e instanceof RateLimitedException) {
            return RATE_LIMITED;
        }
        if (e instanceof OverloadedException) {
            return OVERLOADED;
        }
        if (e instanceof RequestTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof NetworkException) {
            return NETWORK;
        }
        if (e instanceof StreamInterruptedException) {
            return STREAM_INTERRUPTED;
        }
        if (e instanceof ContextLengthExceededException) {
            return CONTEXT_LENGTH;
        }
        if (e instanceof ContentFilteredException) {
            return CONTENT_FILTERED;
        }
        if (e instanceof InvalidRequestException) {
            return INVALID_REQUEST;
        }
        if (e instanceof AuthenticationException || e instanceof PermissionDeniedException) {
            return AUTHENTICATION;
        }
        if (e instanceof ProviderException && e.isRetryable()) {
            return SERVER_ERROR;
        }
        return OTHER;
    }

    /** True for the classes that say something about the deployment's health (they feed the circuit breaker). */
    public boolean countsAsFailure() {
        return TRANSIENT.contains(this);
    }

    /** The lower-case name used in attempt reasons, e.g. {@code "fallback:rate_limited"}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
