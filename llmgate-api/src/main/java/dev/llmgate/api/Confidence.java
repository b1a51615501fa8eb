package dev.llmgate.api;

import java.util.List;
import java.util.Optional;

/**
 * How sure the model was of an answer, from the log-probabilities of its tokens: the geometric mean of the tokens'
 * probabilities ({@code exp} of the mean log-probability, the usual per-token confidence, independent of length) and
 * the probability of the least likely token (one guessed token — a digit, a name — can make an answer wrong while the
 * mean stays high). Read it with {@link ChatResponse#confidence()}; fall over on it with
 * {@code ResponseCheck.minConfidence(...)} in llmgate-core.
 *
 * <p>Guarantees: both probabilities lie in [0, 1]; {@code tokens} is positive.
 *
 * @param mean   {@code exp(mean of the tokens' log-probabilities)}
 * @param min    the lowest token probability
 * @param tokens how many tokens were scored
 */
public record Confidence(double mean, double min, int tokens) {
    public Confidence {
        if (!(mean >= 0 && mean <= 1) || !(min >= 0 && min <= 1) || min > mean + 1e-12) {
            throw new IllegalArgumentException(
                    "confidence must satisfy 0 <= min <= mean <= 1, got mean " + mean + " and min " + min);
        }
        if (tokens <= 0) {
            throw new IllegalArgumentException("a confidence needs at least one token, got " + tokens);
        }
    }

    /** The confidence of {@code logprobs}; empty when there are none. */
    public static Optional<Confidence> of(List<TokenLogprob> logprobs) {
        if (logprobs.isEmpty()) {
            return Optional.empty();
        }
        double sum = 0;
        double lowest = 0;
        for (TokenLogprob t : logprobs) {
            sum += t.logprob();
            lowest = Math.min(lowest, t.logprob());
        }
        double mean = Math.exp(sum / logprobs.size());
        return Optional.of(new Confidence(mean, Math.min(mean, Math.exp(lowest)), logprobs.size()));
    }
}
