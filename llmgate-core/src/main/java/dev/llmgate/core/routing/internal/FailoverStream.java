package dev.llmgate.core.routing.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.CallFacts;
import java.util.List;
import java.util.Optional;

/**
 * A routed stream. On the first pull it runs the call's attempts until one produces its first token
 * (so failures before the first token are retried or fall over without the consumer noticing); then
 * it replays the events pulled so far and continues live. A failure after the first token is raised
 * to the consumer as the exception (never a clean end) and recorded as the attempt's outcome.
 *
 * <p>The live attempt's ending is recorded exactly once, whichever comes first: its finish, its
 * failure, or {@link #close()} (from any thread). A close that races with the finish waits until
 * the finish is recorded, so that when {@code close()} returns the attempt is in
 * {@code CallFacts.ATTEMPTS} (the budget stage above reads it then). Without a usage report the
 * attempt is recorded with an estimate ({@code CallFacts.ESTIMATED_USAGE}).
 */
final class FailoverStream extends AbstractChatStream {
    private final CallRun run;
    private final Object endLock = new Object();
    private Prepared prepared;
    private List<StreamEvent> replay;
    private int index;
    /** Guarded by {@link #endLock}. */
    private boolean attemptEnded;

    FailoverStream(CallRun run) {
        this.run = run;
    }

    @Override
    protected StreamEvent produce() {
        if (prepared == null) {
            Prepared p = run.execute();
            synchronized (this) {
                prepared = p;
            }
            if (p.live == null) {
                p.markEstimate(run.call());
            }
            if (isClosed()) {
                p.discard();
                if (p.live != null) {
                    endAttempt(p, null, null);
                }
            }
            replay = p.response != null ? eventsOf(p) : p.prefix;
        }
        if (index < replay.size()) {
            return replay.get(index++);
        }
        ChatStream live = prepared.live;
        if (live == null) {
            throw new StreamInterruptedException("routed stream has no events left", ErrorDetails.NONE);
        }
        StreamEvent event;
        try {
            if (!live.hasNext()) {
                throw new StreamInterruptedException(
                        "deployment " + prepared.deployment + " ended its stream without a finish event",
                        ErrorDetails.of(prepared.deployment.provider()));
            }
            event = live.next();
            if (event instanceof StreamEvent.Error error) {
                throw error.error();
            }
        } catch (LlmException e) {
            endAttempt(prepared, null, e);
            throw e;
        }
        prepared.delivered.accept(event);
        if (event instanceof StreamEvent.Finish f) {
            endAttempt(prepared, f, null);
        }
        return event;
    }

    /**
     * Records the live attempt's ending once: finished ({@code finish}), failed ({@code failure},
     * unless the stream was closed), or cancelled (neither).
     */
    private void endAttempt(Prepared p, StreamEvent.Finish finish, LlmException failure) {
        synchronized (endLock) {
            if (attemptEnded) {
                return;
            }
            attemptEnded = true;
            Optional<Usage> estimate;
            if (finish != null) {
                estimate = run.streamFinished(
                        p.deployment, p.reason, p.attempt, p.start, p.firstTokenAt, finish, p.delivered);
            } else if (failure != null && !isClosed()) {
                estimate = run.streamFailed(p, failure, p.delivered);
            } else {
                estimate = run.streamCancelled(p, p.delivered);
            }
            estimate.ifPresent(u -> run.call().put(CallFacts.ESTIMATED_USAGE, u));
        }
    }

    private static List<StreamEvent> eventsOf(Prepared p) {
        try (ChatStream s = ChatStream.of(p.response)) {
            List<StreamEvent> events = new java.util.ArrayList<>(4);
            while (s.hasNext()) {
                events.add(s.next());
            }
            return events;
        }
    }

    @Override
    protected void release() {
        Prepared p;
        synchronized (this) {
            p = prepared;
        }
        if (p != null && p.live != null) {
            p.live.close();
            endAttempt(p, null, null);
        }
    }
}
