package dev.llmgate.core.audit.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamAccumulator;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.StreamInterruptedException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Passes a stream through and reports its outcome exactly once: success at its finish event,
 * failure when it throws, cancelled when its consumer closes it before the end. Unless the record
 * needs the answer's text (content capture), the text is digested as it passes and not kept, so
 * what this holds does not grow with the answer's text (tool-call arguments are still assembled).
 * Not public API.
 */
public final class AuditedStream extends AbstractChatStream {
    private static final System.Logger LOG = System.getLogger(AuditedStream.class.getName());

    /** Receives the outcome. */
    public interface Outcome {
        /**
         * @param response   the answer (on success); its text is empty unless the text was kept
         * @param textSha256 on success when the text was not kept: its {@link TextSha256}; else null
         */
        void record(
                CallRecords.Outcome outcome,
                ChatResponse response,
                byte[] textSha256,
                Throwable error,
                Usage partialUsage);
    }

    private final ChatStream upstream;
    private final Outcome outcome;
    private final StreamAccumulator accumulator = new StreamAccumulator();
    /** The digest of the text as it passes, when the text is not kept; null when it is. */
    private final TextSha256 textDigest;

    private final AtomicBoolean reported = new AtomicBoolean();

    /** @param keepText whether the record needs the answer's text (content capture) */
    public AuditedStream(ChatStream upstream, boolean keepText, Outcome outcome) {
        this.upstream = upstream;
        this.outcome = outcome;
        this.textDigest = keepText ? null : new TextSha256();
    }

    @Override
    protected StreamEvent produce() {
        StreamEvent event;
        try {
            if (!upstream.hasNext()) {
                throw new StreamInterruptedException("the stream ended without a terminal event", ErrorDetails.NONE);
            }
            event = upstream.next();
        } catch (RuntimeException e) {
            if (reported.compareAndSet(false, true)) {
                CallRecords.Outcome o = isClosed()
                        ? CallRecords.Outcome.CANCELLED
                        : e instanceof PolicyBlockedException
                                ? CallRecords.Outcome.BLOCKED
                                : CallRecords.Outcome.FAILED;
                try {
                    outcome.record(o, null, null, o == CallRecords.Outcome.CANCELLED ? null : e, accumulator.usage());
                } catch (RuntimeException auditFailure) {
                    e.addSuppressed(auditFailure);
                }
            }
            throw e;
        }
        if (textDigest != null && event instanceof StreamEvent.TextDelta) {
            textDigest.update(((StreamEvent.TextDelta) event).text());
        } else {
            accumulator.accept(event);
        }
        if (event instanceof StreamEvent.Finish && reported.compareAndSet(false, true)) {
            outcome.record(
                    CallRecords.Outcome.SUCCESS,
                    accumulator.toResponse(),
                    textDigest == null ? null : textDigest.finish(),
                    null,
                    null);
        }
        return event;
    }

    @Override
    protected void release() {
        try {
            upstream.close();
        } finally {
            if (reported.compareAndSet(false, true)) {
                try {
                    outcome.record(CallRecords.Outcome.CANCELLED, null, null, null, accumulator.usage());
                } catch (RuntimeException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "could not record the audit entry of a cancelled stream: " + e.getMessage());
                }
            }
        }
    }
}
