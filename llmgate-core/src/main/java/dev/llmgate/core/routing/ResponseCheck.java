package dev.llmgate.core.routing;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Judges an answer: a rejected answer sends the request on to the next deployment of the route
 * ("cheap model first, frontier model when the cheap answer is not good enough"). The check runs on
 * every deployment's answer except the last candidate's, which is returned as it is. A rejection is
 * recorded as an attempt with outcome {@code "rejected:<reason>"}; its cost still counts.
 *
 * <p>Implementations must be thread-safe and should be fast; a check that throws is treated as a
 * rejection. Never put prompt or answer text into the reason (it is recorded).
 */
@FunctionalInterface
public interface ResponseCheck {

    /** Empty to accept the answer; otherwise a short reason for rejecting it, e.g. {@code "invalid_json"}. */
    Optional<String> reject(ChatRequest request, ChatResponse response);

    /** A check from a predicate on the answer: {@code false} rejects with {@code reason}. */
    static ResponseCheck of(String reason, Predicate<ChatResponse> acceptable) {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(acceptable, "acceptable");
        Optional<String> rejected = Optional.of(reason);
        return (request, response) -> acceptable.test(response) ? Optional.empty() : rejected;
    }

    /** Rejects an answer with neither text nor tool calls ({@code "empty"}). */
    static ResponseCheck nonEmpty() {
        return of("empty", r -> !r.text().isBlank() || r.hasToolCalls());
    }

    /** Rejects an answer cut by the output limit or a content filter ({@code "truncated"}). */
    static ResponseCheck finishedNormally() {
        return of(
                "truncated",
                r -> r.finishReason() != FinishReason.LENGTH && r.finishReason() != FinishReason.CONTENT_FILTER);
    }

    /** This check, then {@code next} if this one accepts. */
    default ResponseCheck and(ResponseCheck next) {
        Objects.requireNonNull(next, "next");
        return (request, response) -> {
            Optional<String> first = reject(request, response);
            return first.isPresent() ? first : next.reject(request, response);
        };
    }
}
