package dev.llmgate.core.routing;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;

/**
 * A shared {@link StateStore} (Redis, a SQL table) could not be read or written in time, and the store fails closed:
 * the call that needed it is refused before any provider is called (a budget could not be checked, a breaker could
 * not be read). Retryable: the same call may pass once the store answers again. Its message names the store and what
 * failed, never a key's subject or a credential.
 */
public class StateStoreUnavailableException extends LlmException {
    private static final long serialVersionUID = 1L;

    /** A store failure with {@code cause} (the store client's exception). */
    public StateStoreUnavailableException(String message, Throwable cause) {
        super(message, ErrorDetails.NONE, cause);
    }

    /** Always: the store may answer again. */
    @Override
    public boolean isRetryable() {
        return true;
    }
}
