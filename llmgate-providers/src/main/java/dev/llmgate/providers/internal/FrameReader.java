package dev.llmgate.providers.internal;

import java.io.IOException;

/** Reads a streamed body frame by frame: SSE events or NDJSON lines. */
public interface FrameReader {
    /** Advances to the next frame; false at the end of the body. */
    boolean next() throws IOException;

    /** The frame's event name ({@code ""} for NDJSON or unnamed SSE events). */
    String event();

    /** The frame's payload. */
    String data();
}
