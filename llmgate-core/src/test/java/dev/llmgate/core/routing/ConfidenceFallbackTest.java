package dev.llmgate.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Confidence;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The e-commerce case of the seed: a cheap model answers first, and the gate falls over to a frontier model when the
 * cheap answer's token confidence is low — blocking and streamed, with the rejection on the record.
 */
class ConfidenceFallbackTest {
    private static ModelProvider answering(String text, double... logprobs) {
        List<TokenLogprob> tokens = new ArrayList<>();
        for (int i = 0; i < logprobs.length; i++) {
            tokens.add(new TokenLogprob("t" + i, logprobs[i]));
        }
        return (request, call) ->
                ChatResponse.builder().text(text).logprobs(tokens).build();
    }

    private static Route route() {
        return Route.builder("support")
                .deployment("cheap:mini")
                .deployment("frontier:big")
                .responseCheck(ResponseCheck.minConfidence(0.80, 0.20))
                .build();
    }

    private static LlmGate gate(ModelProvider cheap, ModelProvider frontier, List<AttemptRecord> attempts) {
        return LlmGate.builder()
                .provider("cheap", cheap)
                .provider("frontier", frontier)
                .addInterceptor(Router.builder().route(route()).build())
                .addInterceptor(chain -> {
                    try {
                        return chain.proceed(chain.request());
                    } finally {
                        attempts.addAll(chain.call().list(CallFacts.ATTEMPTS));
                    }
                })
                .build();
    }

    @Test
    void aConfidentCheapAnswerIsKept() {
        List<AttemptRecord> attempts = new ArrayList<>();
        try (LlmGate gate =
                gate(answering("Your order ships Monday.", -0.01, -0.05, -0.1), answering("frontier"), attempts)) {
            ChatResponse r = gate.chat(ChatRequest.of("support", "When does order 1234 ship?"));
            assertThat(r.text()).isEqualTo("Your order ships Monday.");
            assertThat(r.facts().deployment()).contains("cheap:mini");
            assertThat(r.facts().attempts()).isEqualTo(1);
        }
    }

    @Test
    void anUnsureCheapAnswerFallsOverToTheFrontierModelBlockingAndStreamed() {
        // mean exp(-1.0) = 0.37 < 0.80
        ModelProvider unsure = answering("Maybe Tuesday?", -0.9, -1.1, -1.0);
        List<AttemptRecord> attempts = new ArrayList<>();
        try (LlmGate gate = gate(unsure, answering("It ships Monday.", -0.02), attempts)) {
            ChatResponse r = gate.chat(ChatRequest.of("support", "When does order 1234 ship?"));
            assertThat(r.text()).isEqualTo("It ships Monday.");
            assertThat(r.facts().deployment()).contains("frontier:big");
            assertThat(r.facts().attempts()).isEqualTo(2);
            assertThat(attempts).extracting(AttemptRecord::outcome).contains("rejected:low_confidence");

            ChatResponse streamed =
                    gate.stream(ChatRequest.of("support", "When?")).collect();
            assertThat(streamed.text()).isEqualTo("It ships Monday.");
            assertThat(streamed.logprobs()).containsExactly(new TokenLogprob("t0", -0.02));
        }
    }

    @Test
    void oneGuessedTokenIsEnoughToFallOverEvenWhenTheMeanIsHigh() {
        // nine sure tokens and one at probability 0.05: the mean stays above 0.80, the least likely token does not
        double[] lp = {-0.001, -0.001, -0.001, -0.001, -0.001, -0.001, -0.001, -0.001, -0.001, Math.log(0.05)};
        List<AttemptRecord> attempts = new ArrayList<>();
        try (LlmGate gate = gate(answering("Order 1234 costs $57.", lp), answering("frontier"), attempts)) {
            assertThat(Confidence.of(answerTokens(lp)).orElseThrow().mean()).isGreaterThan(0.7);
            assertThat(gate.chat(ChatRequest.of("support", "Price?")).text()).isEqualTo("frontier");
        }
    }

    private static List<TokenLogprob> answerTokens(double[] lp) {
        List<TokenLogprob> t = new ArrayList<>();
        for (double d : lp) {
            t.add(new TokenLogprob("x", d));
        }
        return t;
    }

    @Test
    void anAnswerWithoutLogprobsCannotBeJudgedAndFallsOver() {
        List<AttemptRecord> attempts = new ArrayList<>();
        try (LlmGate gate = gate(answering("no logprobs asked"), answering("frontier"), attempts)) {
            assertThat(gate.chat(ChatRequest.of("support", "x")).text()).isEqualTo("frontier");
            assertThat(attempts).extracting(AttemptRecord::outcome).contains("rejected:no_confidence");
        }
    }

    @Test
    void thresholdsOutsideZeroToOneAreRefusedAtConfiguration() {
        assertThatThrownBy(() -> ResponseCheck.minConfidence(80, 0.2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from 0 to 1");
        assertThatThrownBy(() -> ResponseCheck.minConfidence(0.8, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void confidenceIsTheGeometricMeanAndTheLeastLikelyToken() {
        Confidence c = Confidence.of(
                        List.of(new TokenLogprob("a", Math.log(0.5)), new TokenLogprob("b", Math.log(0.8))))
                .orElseThrow();
        assertThat(c.mean()).isCloseTo(Math.sqrt(0.4), within(1e-12));
        assertThat(c.min()).isCloseTo(0.5, within(1e-12));
        assertThat(c.tokens()).isEqualTo(2);
        assertThat(Confidence.of(List.of())).isEmpty();
        assertThat(Confidence.of(List.of(new TokenLogprob("a", Double.NEGATIVE_INFINITY)))
                        .orElseThrow()
                        .min())
                .isZero();
        assertThatThrownBy(() -> new TokenLogprob("a", 0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenLogprob("a", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new TokenLogprob("secret", -1).toString()).doesNotContain("secret");
        assertThat(new StreamEvent.LogprobsDelta(List.of(new TokenLogprob("secret", -1))).toString())
                .doesNotContain("secret");
        assertThat(Optional.of(c)).isPresent();
    }
}
