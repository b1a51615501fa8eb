package dev.llmgate.core.audit;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;

/**
 * The audit trail could not take a call's record: its queue is full under
 * {@link BackPressure#FAIL_CALL}, the log is closed, or entries could not be written before a
 * flush or close timed out. Retryable: the same call may succeed once the sink catches up.
 */
public class AuditUnavailableException extends LlmException {
    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message) {
        super(message, ErrorDetails.NONE, null);
    }

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, ErrorDetails.NONE, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
