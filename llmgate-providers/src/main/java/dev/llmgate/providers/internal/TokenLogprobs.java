package dev.llmgate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.TokenLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a vendor's array of chosen tokens with their log-probabilities ({@code [{"token": ..., "<field>": -0.3}]}):
 * in order; empty when absent. A log-probability above 0 (rounding) reads as 0; one that is not a number ends the
 * list there (the rest cannot be trusted to line up with the text).
 */
public final class TokenLogprobs {
    private TokenLogprobs() {}

    /** The tokens of {@code array}, each with its {@code logprobField}. */
    public static List<TokenLogprob> read(JsonNode array, String logprobField) {
        if (array == null || !array.isArray() || array.isEmpty()) {
            return List.of();
        }
        List<TokenLogprob> out = new ArrayList<>(array.size());
        for (JsonNode t : array) {
            JsonNode lp = t.get(logprobField);
            if (lp == null || !lp.isNumber() || Double.isNaN(lp.asDouble())) {
                break;
            }
            out.add(new TokenLogprob(Json.text(t, "token"), Math.min(0.0, lp.asDouble())));
        }
        return out;
    }
}
