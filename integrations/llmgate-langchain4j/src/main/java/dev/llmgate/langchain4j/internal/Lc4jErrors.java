package dev.llmgate.langchain4j.internal;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.llmgate.api.exception.AuthenticationException;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.ContextLengthExceededException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PermissionDeniedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * llmgate's failures as LangChain4j's exceptions and back. The original is always the cause, so nothing is lost:
 * {@code e.getCause()} of a LangChain4j exception thrown by a gate-backed model is the gate's {@link LlmException}.
 */
public final class Lc4jErrors {
    private Lc4jErrors() {}

    /** A gate failure as the LangChain4j exception an application on LangChain4j expects. */
    public static RuntimeException toLc4j(RuntimeException e) {
        if (e instanceof LangChain4jException) {
            return e;
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof RateLimitedException || e instanceof BudgetExceededException) {
            return new dev.langchain4j.exception.RateLimitException(m, e);
        }
        if (e instanceof AuthenticationException || e instanceof PermissionDeniedException) {
            return new dev.langchain4j.exception.AuthenticationException(m, e);
        }
        if (e instanceof ContentFilteredException) {
            return new dev.langchain4j.exception.ContentFilteredException(m, e);
        }
        if (e instanceof PolicyBlockedException
                || e instanceof InvalidRequestException
                || e instanceof ContextLengthExceededException) {
            return new dev.langchain4j.exception.InvalidRequestException(m, e);
        }
        if (e instanceof RequestTimeoutException) {
            return new dev.langchain4j.exception.TimeoutException(m, e);
        }
        if (e instanceof OverloadedException || e instanceof ProviderException) {
            return new dev.langchain4j.exception.InternalServerException(m, e);
        }
        if (e instanceof LlmException l) {
            return l.isRetryable()
                    ? new dev.langchain4j.exception.RetriableException(m, e)
                    : new LangChain4jException(m, e);
        }
        return e; // configuration errors and programming errors keep their own type
    }

    /**
     * A wrapped LangChain4j model's failure as the gate's, so routing classifies it (retry, fall over, give up).
     * Its message is the original's passed through {@link UpstreamText#scrub} (LangChain4j's HTTP models put the
     * upstream's whole error body there, which can echo the key or the prompt); the original is the cause, or, when
     * its chain holds text the scrubber changes, a copy of it ({@link UpstreamText#cause}).
     */
    public static LlmException toGate(RuntimeException e, String provider) {
        if (e instanceof LlmException l) {
            return l;
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : UpstreamText.scrub(e.getMessage());
        ErrorDetails details = ErrorDetails.of(provider);
        Throwable cause = UpstreamText.cause(e); // (a printed stack trace shows the cause's message too)
        if (e instanceof dev.langchain4j.exception.RateLimitException) {
            return new RateLimitedException(m, details, Optional.empty(), cause);
        }
        if (e instanceof dev.langchain4j.exception.AuthenticationException) {
            return new AuthenticationException(m, details, cause);
        }
        if (e instanceof dev.langchain4j.exception.ContentFilteredException) {
            return new ContentFilteredException(m, details, cause);
        }
        if (e instanceof ModelNotFoundException
                || e instanceof IllegalArgumentException // a request llmgate cannot express in LangChain4j's types
                || e instanceof UnsupportedFeatureException
                || e instanceof dev.langchain4j.exception.InvalidRequestException) {
            return new InvalidRequestException(m, details, cause);
        }
        if (e instanceof dev.langchain4j.exception.TimeoutException) {
            return new RequestTimeoutException(m, details, cause);
        }
        if (e instanceof HttpException h) {
            ErrorDetails withStatus = ErrorDetails.of(provider, h.statusCode(), "", "");
            int s = h.statusCode();
            if (s == 429) {
                return new RateLimitedException(m, withStatus, Optional.empty(), cause);
            }
            if (s == 401) {
                return new AuthenticationException(m, withStatus, cause);
            }
            if (s == 403) {
                return new PermissionDeniedException(m, withStatus, cause);
            }
            if (s == 503 || s == 529) {
                return new OverloadedException(m, withStatus, Optional.empty(), cause);
            }
            if (s >= 400 && s < 500) {
                return new InvalidRequestException(m, withStatus, cause);
            }
            return new ProviderException(m, withStatus, s >= 500, cause);
        }
        if (e instanceof dev.langchain4j.exception.InternalServerException) {
            return new ProviderException(m, details, true, cause);
        }
        if (e instanceof UncheckedIOException || e.getCause() instanceof IOException) {
            return new NetworkException(m, details, cause);
        }
        if (e instanceof dev.langchain4j.exception.RetriableException) {
            return new ProviderException(m, details, true, cause);
        }
        return new ProviderException(m, details, false, cause);
    }
}
