package dev.llmgate.core.routing;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Confidence;
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

    /**
     * Rejects an answer the model was unsure of, from its tokens' log-probabilities ({@link ChatResponse#confidence()}):
     * {@code "low_confidence"} when the geometric mean of the token probabilities is below {@code minMean} or the least
     * likely token's probability is below {@code minToken}; {@code "no_confidence"} when the answer carries no
     * log-probabilities (the provider was not asked for them, or does not return them: ask with
     * {@code providerOption("logprobs", true)} on OpenAI-format servers, see docs/routing-and-fallback.md). An answer
     * that is only tool calls has no text tokens and is rejected as {@code "no_confidence"} too.
     *
     * @param minMean  from 0 to 1, e.g. 0.80; 0 to check only the least likely token
     * @param minToken from 0 to 1, e.g. 0.20; 0 to check only the mean
     */
    static ResponseCheck minConfidence(double minMean, double minToken) {
        if (!(minMean >= 0 && minMean <= 1) || !(minToken >= 0 && minToken <= 1)) {
            throw new IllegalArgumentException("minConfidence takes probabilities from 0 to 1, got minMean " + minMean
                    + " and minToken " + minToken);
        }
        Optional<String> low = Optional.of("low_confidence");
        Optional<String> none = Optional.of("no_confidence");
        return (request, response) -> {
            Optional<Confidence> c = response.confidence();
            if (c.isEmpty()) {
                return none;
            }
            return c.get().mean() < minMean || c.get().min() < minToken ? low : Optional.empty();
        };
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
