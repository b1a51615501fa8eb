package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.routing.ResponseCheck;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's e-commerce case against a real llama-server: the cheap deployment answers with log-probabilities, the
 * gate reads the answer's confidence and keeps it or falls over to the frontier deployment.
 */
class ConfidenceFallbackIT {
    static LlmGate gate;
    static final List<AttemptRecord> ATTEMPTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        Router router = Router.builder()
                .route(Route.builder("support")
                        .deployment("cheap:" + LlamaServer.MODEL)
                        .deployment("frontier:" + LlamaServer.MODEL)
                        .responseCheck(ResponseCheck.minConfidence(0.5, 0.0))
                        .build())
                .route(Route.builder("strict")
                        .deployment("cheap:" + LlamaServer.MODEL)
                        .deployment("frontier:" + LlamaServer.MODEL)
                        .responseCheck(ResponseCheck.minConfidence(1.0, 1.0)) // no real answer is certain
                        .build())
                .build();
        gate = LlmGate.builder()
                .provider("cheap", provider("cheap"))
                .provider("frontier", provider("frontier"))
                .addInterceptor(chain -> {
                    try {
                        return chain.proceed(chain.request());
                    } finally {
                        ATTEMPTS.addAll(chain.call().list(CallFacts.ATTEMPTS));
                    }
                })
                .addInterceptor(router)
                .build();
    }

    private static OpenAiCompatibleProvider provider(String name) {
        return OpenAiCompatibleProvider.builder(LlamaServer.URL + "/v1")
                .name(name)
                .apiKey(LlamaServer.KEY)
                .httpClient(LlamaServer.NO_REUSE)
                .build();
    }

    @AfterAll
    static void stop() {
        gate.close();
    }

    private static ChatRequest ask(String route, boolean logprobs) {
        ChatRequest.Builder b = ChatRequest.builder(route)
                .temperature(0)
                .user("Where is my order?")
                .maxOutputTokens(16);
        if (logprobs) {
            b.providerOption("logprobs", true);
        }
        return b.build();
    }

    @Test
    void aConfidentCheapAnswerIsKeptWithItsTokens() {
        ChatResponse r = gate.chat(ask("support", true));
        assertThat(r.text()).isEqualTo(LlamaServer.REPLY);
        assertThat(r.facts().deployment()).contains("cheap:" + LlamaServer.MODEL);
        assertThat(r.facts().attempts()).isEqualTo(1);
        assertThat(String.join(
                        "", r.logprobs().stream().map(TokenLogprob::token).toList()))
                .isEqualTo(r.text());
        assertThat(r.confidence()).hasValueSatisfying(c -> assertThat(c.mean()).isGreaterThan(0.5));
    }

    @Test
    void anAnswerBelowTheThresholdFallsOverToTheFrontierDeploymentBlockingAndStreamed() {
        ATTEMPTS.clear();
        ChatResponse r = gate.chat(ask("strict", true));
        assertThat(r.facts().deployment()).contains("frontier:" + LlamaServer.MODEL);
        assertThat(r.facts().attempts()).isEqualTo(2);
        assertThat(ATTEMPTS).extracting(AttemptRecord::outcome).contains("rejected:low_confidence");

        ChatResponse streamed = gate.stream(ask("strict", true)).collect();
        assertThat(streamed.text()).isEqualTo(LlamaServer.REPLY);
        assertThat(streamed.facts().deployment()).contains("frontier:" + LlamaServer.MODEL);
        assertThat(streamed.logprobs()).isNotEmpty();
    }

    @Test
    void withoutLogprobsTheAnswerCannotBeJudged() {
        ATTEMPTS.clear();
        ChatResponse r = gate.chat(ask("support", false));
        assertThat(r.logprobs()).isEmpty();
        assertThat(r.facts().deployment()).contains("frontier:" + LlamaServer.MODEL);
        assertThat(ATTEMPTS).extracting(AttemptRecord::outcome).contains("rejected:no_confidence");
    }
}
