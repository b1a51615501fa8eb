package dev.llmgate.providers.internal;

import dev.llmgate.api.StreamEvent;

import java.util.function.Consumer;

/**
 * Turns one vendor's stream frames into {@link StreamEvent}s. One instance per stream; it keeps the
 * state that spans frames (tool-call indexes, the finish reason until the terminal frame). It emits
 * the terminal {@link StreamEvent.Finish} only on the vendor's own terminal frame, and throws a typed
 * exception for an error frame.
 */
public interface StreamDecoder {
    void decode(String event, String data, Consumer<StreamEvent> out);
}
