package dev.llmgate.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.cache.ResponseCache;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The call's cost reaches the caller on the response itself, blocking and streamed, and is zero for a cache hit. */
class CostOnResponseTest {

    @Test
    void theCostOfEveryCallIsOnItsResponse() {
        ModelProvider openai = (request, call) -> ChatResponse.builder()
                .text("ok")
                .usage(new Usage(1_000_000, 1_000_000, 0, 0, 0))
                .build();
        Router router = Router.builder()
                .route(Route.builder("fast")
                        .deployment(Deployment.of("openai:gpt-4o-mini"))
                        .build())
                .build();
        ResponseCache cache = ResponseCache.builder().build();
        try (LlmGate gate = LlmGate.builder()
                .provider("openai", openai)
                .addInterceptor(Stage.ROUTING, router)
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build()) {
            ChatResponse blocking =
                    gate.chat(ChatRequest.builder("fast").user("a").tenant("t").build());
            assertThat(blocking.costUsd()).hasValueSatisfying(c -> assertThat(c).isGreaterThan(BigDecimal.ZERO));

            ChatResponse streamed = gate.stream(
                            ChatRequest.builder("fast").user("b").tenant("t").build())
                    .collect();
            assertThat(streamed.costUsd()).isEqualTo(blocking.costUsd());

            ChatResponse hit =
                    gate.chat(ChatRequest.builder("fast").user("a").tenant("t").build());
            assertThat(hit.costUsd()).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo(BigDecimal.ZERO));
        }
    }

    @Test
    void withoutAPricingStageTheCostIsAbsentNotZero() {
        try (LlmGate gate = LlmGate.builder()
                .provider(
                        "p",
                        (request, call) -> ChatResponse.builder().text("ok").build())
                .build()) {
            assertThat(gate.chat(ChatRequest.of("p:m", "x")).costUsd()).isEmpty();
        }
    }
}
