package dev.llmgate.providers.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.providers.openai.OpenAiProvider;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Budgets against the real OpenAI adapter over HTTP: every way a stream can end is charged. The
 * streams are shaped like OpenAI's recorded chat streams ({@code fixtures/openai/chat-stream.text-basic.sse}):
 * content chunks, a finish-reason chunk, the {@code stream_options.include_usage} chunk with empty
 * {@code choices}, then {@code [DONE]}. The adapter passes the usage on only at {@code [DONE]}, so a
 * consumer that stops after the last text delta never sees it.
 */
class BudgetsOverHttpTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    /** 200 deltas of 20 characters: 1,000 tokens by the four-characters-a-token estimate, and in the usage chunk. */
    private static final int DELTAS = 200;

    private static final String DELTA = " the quick brown fox";
    /** 24 characters: 6 tokens plus 4 of message framing = 10 input tokens, estimated and reported alike. */
    private static final String PROMPT = "x".repeat(24);

    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** An OpenAI chat stream of {@link #DELTAS} text chunks; with the finish, usage and [DONE] chunks as asked. */
    private static String openAiStream(boolean finish, boolean usage) {
        String head = "data: {\"id\":\"chatcmpl-B9udget\",\"object\":\"chat.completion.chunk\",\"created\":1727346168,"
                + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_5050236cbd\",\"choices\":";
        StringBuilder sb = new StringBuilder();
        sb.append(head)
                .append(
                        "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,"
                                + "\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < DELTAS; i++) {
            sb.append(head)
                    .append("[{\"index\":0,\"delta\":{\"content\":\"")
                    .append(DELTA)
                    .append("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
        if (finish) {
            sb.append(head).append("[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");
            if (usage) {
                sb.append(head)
                        .append("[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1000,\"total_tokens\":1010,"
                                + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n");
            }
            sb.append("data: [DONE]\n\n");
        }
        return sb.toString();
    }

    private static MockResponse sse(String body) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(body)
                .build();
    }

    private OpenAiProvider provider() {
        return OpenAiProvider.builder()
                .name("openai")
                .apiKey("sk-test")
                .baseUrl(server.url("/v1").toString())
                .environment(Map.of())
                .timeouts(dev.llmgate.providers.Timeouts.builder()
                        .call(Duration.ofSeconds(20))
                        .read(Duration.ofSeconds(20))
                        .build())
                .build();
    }

    private static Router router() {
        return Router.builder()
                .noCircuitBreaker()
                .sleeper(d -> {})
                .route(Route.builder("smart")
                        .deployment(Deployment.builder("openai", "gpt-4o").build())
                        .build())
                .build();
    }

    private LlmGate gate(BudgetInterceptor budgets, Router router) {
        LlmGate.Builder b =
                LlmGate.builder().clock(clock).provider("openai", provider()).addInterceptor(Stage.BUDGET, budgets);
        if (router != null) {
            b.addInterceptor(Stage.ROUTING, router);
        }
        return b.build();
    }

    private static ChatRequest request(String model) {
        return ChatRequest.builder(model).user(PROMPT).maxOutputTokens(1000).build();
    }

    /** Reads up to and including the last text delta, then closes the stream: the usage chunk is never read. */
    private static void readTextThenClose(ChatStream s) {
        try (s) {
            int deltas = 0;
            while (deltas < DELTAS && s.hasNext()) {
                if (s.next() instanceof StreamEvent.TextDelta) {
                    deltas++;
                }
            }
            assertThat(deltas).isEqualTo(DELTAS);
        }
    }

    @Test
    void aUsdLimitChargesStreamsClosedBeforeTheirUsageChunkAndStopsAdmittingThem() {
        Router router = router();
        BudgetLimit usd = BudgetLimit.usd("1.00", Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(usd)
                .costEstimator(router::estimateCost)
                .build();
        // each stream: 10 input tokens at $2.50 and 1,000 output tokens at $10 per million (gpt-4o) = $0.010025,
        // the same whether counted by the provider or estimated from the 4,000 characters delivered
        BigDecimal perStream = new BigDecimal("0.010025");
        assertThat(router.estimateCost(request("smart"))).contains(perStream);
        int admitted = 0;
        int rejected = 0;
        try (LlmGate gate = gate(budgets, router)) {
            for (int i = 0; i < 100; i++) {
                server.enqueue(sse(openAiStream(true, true)));
                ChatStream s;
                try {
                    s = gate.stream(request("smart"));
                } catch (BudgetExceededException e) {
                    rejected++;
                    continue;
                }
                readTextThenClose(s);
                admitted++;
            }
        }
        // before: 100 of 100 admitted and $0.00 charged. Now each closed stream is charged its estimate, and
        // the $1 admits 99 ($0.992475; a 100th would need $1.0025)
        assertThat(admitted).isEqualTo(99);
        assertThat(rejected).isEqualTo(1);
        assertThat(budgets.used(usd, "*", T0)).isEqualByComparingTo(perStream.multiply(BigDecimal.valueOf(99)));
        assertThat(budgets.used(usd, "*", T0)).isLessThanOrEqualTo(new BigDecimal("1.00"));
    }

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void tokenLimitsChargeStreamsClosedEarlyAndStreamsWithoutAUsageChunk(boolean routed) {
        BudgetLimit tokens =
                BudgetLimit.tokens(1_000_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(tokens).build();
        String model = routed ? "smart" : "openai:gpt-4o";
        try (LlmGate gate = gate(budgets, routed ? router() : null)) {
            for (int i = 0; i < 20; i++) {
                server.enqueue(sse(openAiStream(true, true)));
                readTextThenClose(gate.stream(request(model)));
            }
            // before: 0 charged for 20 streams of 1,010 tokens. Now 10 input + 1,000 output tokens estimated for each
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("20200");

            // an upstream that sends no usage chunk at all, read to the end: estimated the same way
            server.enqueue(sse(openAiStream(true, false)));
            assertThat(gate.stream(request(model)).collect().usage().totalTokens())
                    .isZero();
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("21210");

            // read to the end with its usage chunk: exactly what the provider reported
            server.enqueue(sse(openAiStream(true, true)));
            assertThat(gate.stream(request(model)).collect().usage().totalTokens())
                    .isEqualTo(1010);
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("22220");
        }
    }

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void aStreamThatFailsAfterItsFirstTokenIsCharged(boolean routed) {
        BudgetLimit tokens =
                BudgetLimit.tokens(1_000_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets =
                BudgetInterceptor.builder().clock(clock).limit(tokens).build();
        try (LlmGate gate = gate(budgets, routed ? router() : null)) {
            // the connection ends after the last text chunk: no finish reason, no usage, no [DONE]
            server.enqueue(sse(openAiStream(false, false)));
            assertThatThrownBy(() -> gate.stream(request(routed ? "smart" : "openai:gpt-4o"))
                            .collect())
                    .isInstanceOf(LlmException.class);
            // before: 0. Now 10 input + 1,000 output tokens estimated
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("1010");
        }
    }
}
