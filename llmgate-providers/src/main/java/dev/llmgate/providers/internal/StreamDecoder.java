package dev.llmgate.providers.internal;

import dev.llmgate.api.StreamEvent;
import java.util.function.Consumer;

/**
 * Turns one vendor's stream frames into {@link StreamEvent}s. One instance per stream; it keeps the
 * state that spans frames (tool-call indexes, the finish reason until the terminal frame). It emits
 * the terminal {@link StreamEvent.Finish} only on the vendor's own terminal frame (or, for vendors whose
 * stream has no terminal frame, from {@link #finishAtEnd}), and throws a typed exception for an error frame.
 */
public interface StreamDecoder {
    void decode(String event, String data, Consumer<StreamEvent> out);

    /**
     * Called once when the body ends before a terminal event was emitted. A vendor whose stream
     * simply ends after its last chunk (Gemini sends no {@code [DONE]}) emits its {@link StreamEvent.Finish}
     * here, if the chunks it saw prove the answer complete (e.g. one carried a finish reason), and
     * returns true. The default returns false: the stream is then reported as interrupted.
     */
    default boolean finishAtEnd(Consumer<StreamEvent> out) {
        return false;
    }
}
