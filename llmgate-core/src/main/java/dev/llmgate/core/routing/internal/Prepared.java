package dev.llmgate.core.routing.internal;

import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.core.internal.DeliveredOutput;
import dev.llmgate.core.routing.Deployment;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one successful attempt: a complete answer, or a live stream that has produced its
 * first token (the events pulled so far are in {@code prefix}, and counted in {@code delivered}).
 */
final class Prepared {
    final Deployment deployment;
    final String reason;
    final int attempt;
    final long start;
    final ChatResponse response;
    final ChatStream live;
    final List<StreamEvent> prefix;
    final long firstTokenAt;
    /** For a live stream: what it delivered so far (the prefix); null otherwise. */
    final DeliveredOutput delivered;

    final Optional<String> rejected;
    /** For a complete answer: the usage charged in place of the provider's missing report, if any. */
    final Optional<Usage> estimate;

    private Prepared(
            Deployment deployment,
            String reason,
            int attempt,
            long start,
            ChatResponse response,
            ChatStream live,
            List<StreamEvent> prefix,
            long firstTokenAt,
            DeliveredOutput delivered,
            Optional<String> rejected,
            Optional<Usage> estimate) {
        this.deployment = deployment;
        this.reason = reason;
        this.attempt = attempt;
        this.start = start;
        this.response = response;
        this.live = live;
        this.prefix = prefix;
        this.firstTokenAt = firstTokenAt;
        this.delivered = delivered;
        this.rejected = rejected;
        this.estimate = estimate;
    }

    static Prepared complete(
            Deployment d,
            String reason,
            int attempt,
            long start,
            ChatResponse response,
            Optional<String> rejected,
            Optional<Usage> estimate) {
        return new Prepared(d, reason, attempt, start, response, null, List.of(), -1, null, rejected, estimate);
    }

    static Prepared replay(
            Deployment d, String reason, int attempt, long start, List<StreamEvent> events, Optional<Usage> estimate) {
        return new Prepared(d, reason, attempt, start, null, null, events, -1, null, Optional.empty(), estimate);
    }

    static Prepared live(
            Deployment d,
            String reason,
            int attempt,
            long start,
            ChatStream live,
            List<StreamEvent> prefix,
            long firstTokenAt,
            DeliveredOutput delivered) {
        return new Prepared(
                d,
                reason,
                attempt,
                start,
                null,
                live,
                prefix,
                firstTokenAt,
                delivered,
                Optional.empty(),
                Optional.empty());
    }

    /** For an answer that is complete already: records its estimated usage, if any, as the call's {@link CallFacts#ESTIMATED_USAGE}. */
    void markEstimate(CallContext call) {
        estimate.ifPresent(u -> call.put(CallFacts.ESTIMATED_USAGE, u));
    }

    /** Releases a stream that will not be used (a lost hedge). */
    void discard() {
        if (live != null) {
            live.close();
        }
    }
}
