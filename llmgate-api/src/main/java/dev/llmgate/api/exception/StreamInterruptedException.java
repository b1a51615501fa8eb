package dev.llmgate.api.exception;

import org.jspecify.annotations.Nullable;

/** A streamed answer ended without its terminal event (connection cut, stream truncated): what arrived is incomplete and is never reported as a success. */
public class StreamInterruptedException extends LlmException {
    private static final long serialVersionUID = 1L;

    public StreamInterruptedException(String message, ErrorDetails details, @Nullable Throwable cause) {
        super(message, details, cause);
    }

    public StreamInterruptedException(String message, ErrorDetails details) {
        this(message, details, null);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
