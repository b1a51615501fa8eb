package dev.llmgate.providers.internal;

import dev.llmgate.api.exception.LlmException;
import java.io.IOException;

/** An open streamed response body, however it was obtained (our OkHttp call, a client's own stack). */
public interface StreamSource extends AutoCloseable {
    /** The HTTP status of the response. */
    int status();

    /** Called once, when the first token (text or tool-call delta) or the end arrived: stops a first-token limit. */
    void firstTokenArrived();

    /** The typed exception for an I/O failure while reading. */
    LlmException ioFailure(IOException e);

    /** Releases the connection; idempotent. */
    @Override
    void close();
}
