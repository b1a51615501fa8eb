package dev.llmgate.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How an estimated charge is marked ({@link CallFacts#ESTIMATED_USAGE}, attempts, listeners) and how requests are capped. */
class EstimatedUsageTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:00Z");
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    /** 9 estimated input tokens. */
    private static final String PROMPT = "y".repeat(20);

    private final List<AttemptEvent> events = new CopyOnWriteArrayList<>();
    private final AtomicReference<CallContext> call = new AtomicReference<>();

    private static ModelProvider streaming(StreamEvent... script) {
        List<StreamEvent> events = List.of(script);
        return new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                return new AbstractChatStream() {
                    int i;

                    @Override
                    protected StreamEvent produce() {
                        return events.get(i++);
                    }

                    @Override
                    protected void release() {}
                };
            }
        };
    }

    private static StreamEvent finish() {
        return StreamEvent.Finish.of(FinishReason.STOP, "id", "", "gpt-4o");
    }

    private LlmGate gate(BudgetInterceptor budgets, ModelProvider provider, boolean routed) {
        Interceptor capture = chain -> {
            call.set(chain.call());
            return chain.proceed(chain.request());
        };
        LlmGate.Builder b = LlmGate.builder()
                .clock(clock)
                .provider("p", provider)
                .addInterceptor(capture)
                .addInterceptor(Stage.BUDGET, budgets);
        if (routed) {
            b.addInterceptor(
                    Stage.ROUTING,
                    Router.builder()
                            .noCircuitBreaker()
                            .sleeper(d -> {})
                            .listener(events::add)
                            .route(Route.builder("smart")
                                    .deployment(Deployment.builder("p", "gpt-4o")
                                            .catalogProvider("openai")
                                            .build())
                                    .build())
                            .build());
        }
        return b.build();
    }

    private BudgetInterceptor tokenBudget() {
        return BudgetInterceptor.builder()
                .clock(clock)
                .limit(BudgetLimit.tokens(100_000, Duration.ofHours(1)).global())
                .build();
    }

    private static ChatRequest request(boolean routed) {
        return ChatRequest.builder(routed ? "smart" : "p:m")
                .user(PROMPT)
                .maxOutputTokens(500)
                .build();
    }

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void aStreamClosedBeforeItsUsageIsMarkedEstimatedEverywhereItIsCharged(boolean routed) {
        try (LlmGate gate = gate(
                tokenBudget(),
                streaming(
                        new StreamEvent.TextDelta("abcd".repeat(10)),
                        new StreamEvent.UsageUpdate(Usage.of(9, 10)),
                        finish()),
                routed)) {
            try (ChatStream s = gate.stream(request(routed))) {
                assertThat(s.next()).isInstanceOf(StreamEvent.TextDelta.class);
            }
            Usage estimate = Usage.of(9, 10);
            assertThat(call.get().get(CallFacts.ESTIMATED_USAGE)).contains(estimate);
            if (routed) {
                AttemptRecord attempt = call.get().list(CallFacts.ATTEMPTS).get(0);
                assertThat(attempt.outcome()).isEqualTo("cancelled");
                assertThat(attempt.usage()).isEqualTo(estimate);
                assertThat(attempt.usageEstimated()).isTrue();
                // priced from the estimate: 9 x $2.50 + 10 x $10 per million (gpt-4o)
                assertThat(call.get().get(CallFacts.COST_USD))
                        .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.0001225"));
                assertThat(events).singleElement().satisfies(e -> {
                    assertThat(e.usageEstimated()).isTrue();
                    assertThat(e.attributes()).containsEntry(AttemptEvent.LLMGATE_USAGE_ESTIMATED, true);
                });
            }
        }
    }

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void aStreamReadToItsUsageIsChargedWhatTheProviderReportedUnmarked(boolean routed) {
        try (LlmGate gate = gate(
                tokenBudget(),
                streaming(
                        new StreamEvent.TextDelta("abcd".repeat(10)),
                        new StreamEvent.UsageUpdate(Usage.of(12, 7)),
                        finish()),
                routed)) {
            assertThat(gate.stream(request(routed)).collect().usage()).isEqualTo(Usage.of(12, 7));
            assertThat(call.get().get(CallFacts.ESTIMATED_USAGE)).isEmpty();
            if (routed) {
                assertThat(call.get().list(CallFacts.ATTEMPTS)).singleElement().satisfies(a -> {
                    assertThat(a.usage()).isEqualTo(Usage.of(12, 7));
                    assertThat(a.usageEstimated()).isFalse();
                });
                assertThat(events.get(0).attributes()).doesNotContainKey(AttemptEvent.LLMGATE_USAGE_ESTIMATED);
            }
        }
    }

    @Test
    void aRoutedStreamFinishedWithoutUsageCarriesTheEstimatedCostOnItsAnswer() {
        try (LlmGate gate =
                gate(tokenBudget(), streaming(new StreamEvent.TextDelta("abcd".repeat(10)), finish()), true)) {
            ChatResponse answer = gate.stream(request(true)).collect();
            assertThat(answer.usage()).isEqualTo(Usage.ZERO); // the answer says what the provider said
            assertThat(answer.costUsd()).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.0001225"));
            assertThat(call.get().get(CallFacts.ESTIMATED_USAGE)).contains(Usage.of(9, 10));
        }
    }

    @ParameterizedTest(name = "routed={0}")
    @ValueSource(booleans = {false, true})
    void aUsageReportedAtTheStartIsToppedUpByTheOutputDeliveredAfterIt(boolean routed) {
        // Anthropic-style: input (and one output token) reported at the start, the rest only at the end
        BudgetInterceptor budgets = tokenBudget();
        BudgetLimit tokens = budgets.limits().get(0);
        try (LlmGate gate = gate(
                budgets,
                streaming(
                        new StreamEvent.UsageUpdate(new Usage(25, 1, 20, 0, 0)),
                        new StreamEvent.TextDelta("abcd".repeat(100)),
                        new StreamEvent.UsageUpdate(new Usage(25, 120, 20, 0, 0)),
                        finish()),
                routed)) {
            try (ChatStream s = gate.stream(request(routed))) {
                while (!(s.next() instanceof StreamEvent.TextDelta)) {
                    // read up to the text
                }
            }
            // the reported input (and its cached part) is kept; output: 400 characters / 4
            assertThat(call.get().get(CallFacts.ESTIMATED_USAGE)).contains(new Usage(25, 100, 20, 0, 0));
            assertThat(budgets.used(tokens, "*", T0)).isEqualByComparingTo("125");
        }
    }

    @Test
    void theEstimatedOutputIsAtMostTheRequestsMaxOutputTokens() {
        BudgetInterceptor budgets = tokenBudget();
        try (LlmGate gate = gate(budgets, streaming(new StreamEvent.TextDelta("abcd".repeat(1000)), finish()), false)) {
            gate.stream(ChatRequest.builder("p:m")
                            .user(PROMPT)
                            .maxOutputTokens(300)
                            .build())
                    .collect();
            assertThat(call.get().get(CallFacts.ESTIMATED_USAGE)).contains(Usage.of(9, 300));
        }
    }

    @Test
    void aRequestWithoutMaxOutputTokensIsSentWithTheDefaultAndItIsWhatIsReserved() {
        BudgetLimit tokens =
                BudgetLimit.tokens(100_000, Duration.ofHours(1)).global().build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(tokens)
                .defaultMaxOutputTokens(300)
                .build();
        List<ChatRequest> received = new CopyOnWriteArrayList<>();
        List<BigDecimal> reservedDuring = new CopyOnWriteArrayList<>();
        ModelProvider provider = (request, c) -> {
            received.add(request);
            reservedDuring.add(budgets.used(tokens, "*", T0));
            return ChatResponse.builder()
                    .id("r")
                    .model(request.model())
                    .text("ok")
                    .usage(Usage.of(9, 1))
                    .build();
        };
        try (LlmGate gate = gate(budgets, provider, false)) {
            gate.chat(ChatRequest.builder("p:m").user(PROMPT).build());
            gate.chat(
                    ChatRequest.builder("p:m").user(PROMPT).maxOutputTokens(40).build());
        }
        assertThat(received.get(0).maxOutputTokens()).hasValue(300);
        assertThat(reservedDuring.get(0)).isEqualByComparingTo("309");
        assertThat(received.get(1).maxOutputTokens()).hasValue(40);
        assertThat(reservedDuring.get(1))
                .isEqualByComparingTo(String.valueOf(10 + 9 + 40)); // the first call settled at 10
    }

    @Test
    void aRequestLimitAloneLeavesTheRequestAsItIs() {
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(BudgetLimit.requests(10, Duration.ofMinutes(1)).global())
                .build();
        List<ChatRequest> received = new CopyOnWriteArrayList<>();
        ModelProvider provider = (request, c) -> {
            received.add(request);
            return ChatResponse.builder()
                    .id("r")
                    .model(request.model())
                    .text("ok")
                    .build();
        };
        try (LlmGate gate = gate(budgets, provider, false)) {
            gate.chat(ChatRequest.builder("p:m").user(PROMPT).build());
        }
        assertThat(received.get(0).maxOutputTokens()).isEmpty();
    }

    @Test
    void defaultMaxOutputTokensMustBePositive() {
        assertThatThrownBy(() -> BudgetInterceptor.builder()
                        .limit(BudgetLimit.tokens(10, Duration.ofMinutes(1)))
                        .defaultMaxOutputTokens(0)
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("defaultMaxOutputTokens must be at least 1, was 0");
    }
}
