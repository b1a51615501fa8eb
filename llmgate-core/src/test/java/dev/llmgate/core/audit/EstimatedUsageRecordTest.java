package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.log;
import static dev.llmgate.core.audit.AuditFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A call charged an estimate says so in its audit record ({@code usage_estimated}); other records are unchanged. */
class EstimatedUsageRecordTest {
    private final MutableClock clock = new MutableClock();
    private final InMemoryAuditSink sink = new InMemoryAuditSink();

    /** Streams 40 characters; with its usage and finish when {@code complete}. */
    private static ModelProvider provider() {
        return new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                List<StreamEvent> events = List.of(
                        new StreamEvent.TextDelta("abcd".repeat(10)),
                        new StreamEvent.UsageUpdate(Usage.of(12, 7)),
                        StreamEvent.Finish.of(FinishReason.STOP, "id", "", "gpt-4o"));
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

    @Test
    void aStreamClosedBeforeItsUsageIsRecordedWithItsEstimateAndMarked() {
        AuditLog audit = log(sink, KEY, clock).build();
        BudgetInterceptor budgets = BudgetInterceptor.builder()
                .clock(clock)
                .limit(BudgetLimit.tokens(100_000, Duration.ofHours(1)).global())
                .build();
        Router router = Router.builder()
                .noCircuitBreaker()
                .sleeper(d -> {})
                .route(Route.builder("smart")
                        .deployment(Deployment.builder("p", "gpt-4o")
                                .catalogProvider("openai")
                                .build())
                        .build())
                .build();
        try (LlmGate gate = LlmGate.builder()
                .clock(clock)
                .provider("p", provider())
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .addInterceptor(Stage.BUDGET, budgets)
                .addInterceptor(Stage.ROUTING, router)
                .build()) {
            ChatRequest prompt = ChatRequest.builder("smart")
                    .user("y".repeat(20))
                    .maxOutputTokens(100)
                    .build(); // 9 input tokens
            try (ChatStream s = gate.stream(prompt)) {
                s.next(); // the text; closed before the usage
            }
            gate.stream(prompt).collect(); // read to the end: the provider's usage
        }
        try (LlmGate unrouted = LlmGate.builder()
                        .clock(clock)
                        .provider("p", provider())
                        .addInterceptor(Stage.AUDIT, audit.interceptor())
                        .addInterceptor(Stage.BUDGET, budgets)
                        .build();
                ChatStream s = unrouted.stream(ChatRequest.builder("p:gpt-4o")
                        .user("y".repeat(20))
                        .maxOutputTokens(100)
                        .build())) {
            s.next(); // without routing the budget stage estimates
        }
        audit.close();

        List<Map<String, Object>> calls = sink.lines().stream()
                .map(AuditFixtures::parse)
                .filter(m -> m.get("type").equals("call"))
                .collect(Collectors.toList());
        assertThat(calls).hasSize(3);
        Map<String, Object> estimated = calls.get(0);
        assertThat(estimated)
                .containsEntry("outcome", "cancelled")
                .containsEntry("usage_estimated", true)
                .containsEntry(
                        "usage",
                        Map.of("input", 9L, "output", 10L, "cached_input", 0L, "reasoning", 0L, "cache_write", 0L))
                .containsEntry("cost_usd", "0.0001225");
        assertThat(attempt(estimated)).containsEntry("outcome", "cancelled").containsEntry("usage_estimated", true);

        Map<String, Object> reported = calls.get(1);
        assertThat(reported)
                .containsEntry("outcome", "success")
                .doesNotContainKey("usage_estimated")
                .containsEntry(
                        "usage",
                        Map.of("input", 12L, "output", 7L, "cached_input", 0L, "reasoning", 0L, "cache_write", 0L));
        assertThat(attempt(reported)).doesNotContainKey("usage_estimated");

        Map<String, Object> unrouted = calls.get(2);
        assertThat(unrouted)
                .containsEntry("outcome", "cancelled")
                .containsEntry("usage_estimated", true)
                .containsEntry(
                        "usage",
                        Map.of("input", 9L, "output", 10L, "cached_input", 0L, "reasoning", 0L, "cache_write", 0L))
                .containsEntry("attempts", List.of());

        VerificationReport report = verifier(KEY).verifyLines(sink.lines(), "memory");
        assertThat(report.valid()).as(report.summary()).isTrue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attempt(Map<String, Object> record) {
        return ((List<Map<String, Object>>) record.get("attempts")).get(0);
    }
}
