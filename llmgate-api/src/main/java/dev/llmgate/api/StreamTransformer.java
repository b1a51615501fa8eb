package dev.llmgate.api;

import java.util.function.Consumer;

/**
 * Rewrites a stream's events: each event from upstream goes to {@link #onEvent}, which emits zero,
 * one or several events downstream. It can hold text back (e.g. a policy scanning a window) and
 * release it later; when the terminal {@link StreamEvent.Finish} arrives it should emit what it held
 * before passing the finish on. Errors are not seen: they propagate as exceptions.
 *
 * <p>An instance serves one stream and is called from one thread at a time; it may keep state.
 */
@FunctionalInterface
public interface StreamTransformer {

    /** Handles one upstream event; {@code downstream} accepts what goes on. */
    void onEvent(StreamEvent event, Consumer<StreamEvent> downstream);
}
