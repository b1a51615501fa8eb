package dev.llmgate.providers.internal;

import dev.llmgate.api.exception.LlmException;

import java.io.IOException;

/** An open streamed response body, however it was obtained (our OkHttp call, a client's own stack). */
public interface StreamSource extends AutoCloseable {
    /** The HTTP status of the response. */
    int status();

    /** Called once, when the first frame arrived (e.g. to stop a first-token watchdog). */
    void firstFrameArrived();

    /** The typed exception for an I/O failure while reading. */
    LlmException ioFailure(IOException e);

    /** Releases the connection; idempotent. */
    @Override
    void close();
}
