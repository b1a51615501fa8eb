package dev.llmgate.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AttemptEventTest {

    @Test
    void listenersSeeEveryAttemptWithOpenTelemetryGenAiAttributes() {
        List<AttemptEvent> events = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger n = new AtomicInteger();
        Router router = Router.builder()
                .sleeper(d -> {})
                .listener(events::add)
                .listener(e -> {
                    throw new IllegalStateException("a broken listener is ignored");
                })
                .route(Route.builder("smart")
                        .deployment(Deployment.builder("oai", "gpt-4o-mini")
                                .catalogProvider("openai")
                                .build())
                        .build())
                .build();
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(Stage.ROUTING, router)
                .provider("oai", (r, c) -> {
                    if (n.incrementAndGet() == 1) {
                        throw new RateLimitedException("slow down", ErrorDetails.of("oai"), Optional.of(Duration.ZERO));
                    }
                    return ChatResponse.builder()
                            .model("gpt-4o-mini-2024-07-18")
                            .text("hi")
                            .usage(new Usage(1000, 200, 400, 0, 0))
                            .build();
                })
                .build()) {
            gate.chat("smart", "secret prompt");
        }
        assertThat(events).hasSize(2);
        Map<String, Object> failed = events.get(0).attributes();
        assertThat(failed)
                .contains(
                        entry("gen_ai.operation.name", "chat"),
                        entry("gen_ai.provider.name", "oai"),
                        entry("gen_ai.request.model", "gpt-4o-mini"),
                        entry("error.type", "RateLimitedException"),
                        entry("llmgate.attempt", 1L),
                        entry("llmgate.attempt.reason", "primary"),
                        entry("llmgate.requested_model", "smart"));
        Map<String, Object> ok = events.get(1).attributes();
        assertThat(ok)
                .contains(
                        entry("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
                        entry("gen_ai.usage.input_tokens", 1000L),
                        entry("gen_ai.usage.output_tokens", 200L),
                        entry("gen_ai.usage.cache_read.input_tokens", 400L),
                        entry("llmgate.attempt.reason", "retry"),
                        entry("llmgate.attempt.outcome", "success"),
                        entry("llmgate.cost.usd", "0.00024"),
                        entry("llmgate.cache.hit", false));
        assertThat(ok).doesNotContainKey("error.type");
        assertThat(events.get(1).succeeded()).isTrue();
        assertThat(ok.values()).noneMatch(v -> v.toString().contains("secret"));
    }
}
