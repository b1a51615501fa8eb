package dev.llmgate.core.audit;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.StagedInterceptor;
import dev.llmgate.core.Stage;
import dev.llmgate.core.audit.internal.AuditedStream;
import dev.llmgate.core.audit.internal.CallRecords;

/**
 * Writes one audit record per call to its {@link AuditLog}. Register it with
 * {@code LlmGate.builder().addInterceptor(audit.interceptor())}, which places it at the outermost
 * built-in stage, {@link Stage#AUDIT}. There it sees
 * every call's final outcome: successes, cache hits, calls blocked by policy, failures (after all of
 * routing's attempts), and streams, whose record is written when the stream finishes, fails or is
 * closed early by its consumer ({@code "cancelled"}).
 *
 * <p>Guarantees: exactly one record per call that passed this interceptor; the record is numbered
 * and queued on the calling thread before the caller gets the answer (with
 * {@link Acknowledgement#DURABLE}: is durable in the sink before the caller gets it), and built,
 * chained, signed and stored by the log's writer thread. A call that arrives while the log is
 * closing or closed is refused with {@link AuditUnavailableException} before it reaches the
 * provider; a record that cannot be accepted fails its call with that exception rather than vanish.
 * Thread-safe.
 */
public final class AuditInterceptor implements StagedInterceptor {
    private final AuditLog log;

    AuditInterceptor(AuditLog log) {
        this.log = log;
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        boolean reserved = log.admit();
        ChatResult result;
        try {
            result = chain.proceed(request);
        } catch (RuntimeException e) {
            CallRecords.Outcome outcome =
                    e instanceof PolicyBlockedException ? CallRecords.Outcome.BLOCKED : CallRecords.Outcome.FAILED;
            try {
                log.recordCall(chain.call(), request, outcome, null, e, null, reserved);
            } catch (RuntimeException auditFailure) {
                e.addSuppressed(auditFailure);
            }
            throw e;
        }
        if (result instanceof ChatResponse) {
            log.recordCall(
                    chain.call(), request, CallRecords.Outcome.SUCCESS, (ChatResponse) result, null, null, reserved);
            return result;
        }
        return new AuditedStream(
                (ChatStream) result,
                log.capturesContent(),
                (outcome, response, textSha256, error, partial) ->
                        log.recordCall(chain.call(), request, outcome, response, textSha256, error, partial, reserved));
    }

    /** {@code "AUDIT"}: a gate's builder places this interceptor at {@link Stage#AUDIT}. */
    @Override
    public String stageName() {
        return Stage.AUDIT.name();
    }

    @Override
    public String toString() {
        return "AuditInterceptor[log " + log.logId() + "]";
    }
}
