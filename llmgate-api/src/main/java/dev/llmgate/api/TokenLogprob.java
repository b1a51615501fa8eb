package dev.llmgate.api;

import java.util.Objects;

/**
 * One generated token with its log-probability, as a provider reported it (the {@code "logprobs"} member on OpenAI's
 * wire and servers that speak it, such as llama.cpp's; {@code "logprobsResult"} on Gemini's).
 *
 * <p>Guarantees: {@code token} is not null; {@code logprob} is not NaN and at most 0 (a provider's rounding above 0 is
 * read as 0); {@link #toString()} never shows the token (it is answer text).
 *
 * @param token   the token's text
 * @param logprob its natural logarithm of probability, {@code -Infinity} to 0
 */
public record TokenLogprob(String token, double logprob) {
    public TokenLogprob {
        Objects.requireNonNull(token, "token");
        if (Double.isNaN(logprob) || logprob > 0) {
            throw new IllegalArgumentException("a log-probability is at most 0, got " + logprob);
        }
    }

    /** The token's probability, {@code exp(logprob)}, from 0 to 1. */
    public double probability() {
        return Math.exp(logprob);
    }

    /** The token's length and log-probability, never its text. */
    @Override
    public String toString() {
        return "TokenLogprob[" + token.length() + " chars, " + logprob + "]";
    }
}
