package dev.llmgate.core.routing.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.StreamInterruptedException;

import java.util.List;

/**
 * A routed stream. On the first pull it runs the call's attempts until one produces its first token
 * (so failures before the first token are retried or fall over without the consumer noticing); then
 * it replays the events pulled so far and continues live. A failure after the first token is raised
 * to the consumer as the exception (never a clean end) and recorded as the attempt's outcome.
 */
final class FailoverStream extends AbstractChatStream {
    private final CallRun run;
    private Prepared prepared;
    private List<StreamEvent> replay;
    private int index;
    private Usage usage = Usage.ZERO;
    private boolean ended;

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
            if (isClosed()) {
                p.discard();
            }
            replay = p.response != null ? eventsOf(p) : p.prefix;
            usage = p.prefixUsage;
        }
        if (index < replay.size()) {
            StreamEvent event = replay.get(index++);
            if (event.isTerminal()) {
                ended = true;
            }
            return event;
        }
        ChatStream live = prepared.live;
        if (live == null) {
            throw new StreamInterruptedException("routed stream has no events left", ErrorDetails.NONE);
        }
        StreamEvent event;
        try {
            if (!live.hasNext()) {
                throw new StreamInterruptedException("deployment " + prepared.deployment + " ended its stream without a finish event",
                        ErrorDetails.of(prepared.deployment.provider()));
            }
            event = live.next();
            if (event instanceof StreamEvent.Error error) {
                throw error.error();
            }
        } catch (LlmException e) {
            ended = true;
            if (!isClosed()) {
                run.streamFailed(prepared, e, usage);
            }
            throw e;
        }
        if (event instanceof StreamEvent.UsageUpdate u) {
            usage = u.usage();
        } else if (event instanceof StreamEvent.Finish f) {
            ended = true;
            run.streamFinished(prepared.deployment, prepared.reason, prepared.attempt, prepared.start, prepared.firstTokenAt, f, usage);
        }
        return event;
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
            if (!ended) {
                run.streamCancelled(p, usage);
            }
        }
    }
}
