package dev.llmgate.api.exception;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The root of every error a gate raises. Subclasses say what went wrong in a way routing and
 * fallback can act on; {@link #isRetryable()} says whether the same request may succeed later.
 *
 * <p>Guarantee: messages and details never contain an API key or the request's prompt text, so an
 * exception can be logged as it is.
 */
public abstract class LlmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorDetails details;

    protected LlmException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(
                Objects.requireNonNull(message, "message")
                        + Objects.requireNonNull(details, "details").suffix(),
                cause);
        this.details = details;
    }

    /** Provider, HTTP status, vendor error code and request id, where known. */
    public ErrorDetails details() {
        return details;
    }

    /** Whether sending the same request again (later, or elsewhere) may succeed. */
    public abstract boolean isRetryable();
}
