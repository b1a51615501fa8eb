package dev.llmgate.core.routing.internal;

import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.core.routing.Deployment;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of one successful attempt: a complete answer, or a live stream that has produced its
 * first token (the events pulled so far are in {@code prefix}).
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
    final Usage prefixUsage;
    final Optional<String> rejected;

    private Prepared(Deployment deployment, String reason, int attempt, long start, ChatResponse response, ChatStream live,
                     List<StreamEvent> prefix, long firstTokenAt, Usage prefixUsage, Optional<String> rejected) {
        this.deployment = deployment;
        this.reason = reason;
        this.attempt = attempt;
        this.start = start;
        this.response = response;
        this.live = live;
        this.prefix = prefix;
        this.firstTokenAt = firstTokenAt;
        this.prefixUsage = prefixUsage;
        this.rejected = rejected;
    }

    static Prepared complete(Deployment d, String reason, int attempt, long start, ChatResponse response, Optional<String> rejected) {
        return new Prepared(d, reason, attempt, start, response, null, List.of(), -1, Usage.ZERO, rejected);
    }

    static Prepared replay(Deployment d, String reason, int attempt, long start, List<StreamEvent> events) {
        return new Prepared(d, reason, attempt, start, null, null, events, -1, Usage.ZERO, Optional.empty());
    }

    static Prepared live(Deployment d, String reason, int attempt, long start, ChatStream live, List<StreamEvent> prefix,
                         long firstTokenAt, Usage usage) {
        return new Prepared(d, reason, attempt, start, null, live, prefix, firstTokenAt, usage, Optional.empty());
    }

    /** Releases a stream that will not be used (a lost hedge). */
    void discard() {
        if (live != null) {
            live.close();
        }
    }
}
