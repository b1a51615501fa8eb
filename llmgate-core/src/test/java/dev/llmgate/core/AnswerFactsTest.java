package dev.llmgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.AnswerFacts;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The answer itself says how it came about ({@link ChatResponse#facts()}): call id, the deployment that answered,
 * the number of attempts, a cache hit — blocking and streamed, with and without routing, without an interceptor.
 */
class AnswerFactsTest {
    private static final ModelProvider OK = (request, call) -> ChatResponse.builder()
            .text("ok " + request.model())
            .model(request.model() + "-2026")
            .usage(new Usage(10, 5, 0, 0, 0))
            .build();

    @Test
    void aCallWithoutRoutingNamesItsDeploymentAndOneAttempt() {
        try (LlmGate gate =
                LlmGate.builder().provider("p", OK).alias("fast", "p:small").build()) {
            ChatResponse r = gate.chat(ChatRequest.of("fast", "hi"));
            AnswerFacts f = r.facts();
            assertThat(f.callId()).isNotEmpty();
            assertThat(f.deployment()).contains("p:small");
            assertThat(f.attempts()).isEqualTo(1);
            assertThat(f.cacheHit()).isFalse();
            assertThat(f.usageEstimated()).isFalse();
            assertThat(r.model()).isEqualTo("small-2026"); // the provider's name; the deployment keeps the address

            ChatResponse other = gate.chat(ChatRequest.of("p:small", "hi"));
            assertThat(other.facts().callId()).isNotEqualTo(f.callId());
        }
    }

    @Test
    void aStreamCarriesTheFactsOnItsFinishAndItsCollectedResponse() {
        try (LlmGate gate = LlmGate.builder().provider("p", OK).build()) {
            List<StreamEvent> events = new ArrayList<>();
            ChatResponse collected;
            try (ChatStream s = gate.stream(ChatRequest.of("p:m", "hi"))) {
                while (s.hasNext()) {
                    events.add(s.next());
                }
            }
            StreamEvent.Finish finish = (StreamEvent.Finish) events.get(events.size() - 1);
            assertThat(finish.facts().deployment()).contains("p:m");
            assertThat(finish.facts().attempts()).isEqualTo(1);
            collected = gate.stream(ChatRequest.of("p:m", "hi")).collect();
            assertThat(collected.facts().deployment()).contains("p:m");
            assertThat(collected.facts().callId()).isNotEqualTo(finish.facts().callId());
        }
    }

    @Test
    void aCacheHitSaysSoWithZeroCostAndTheDeploymentItWasStoredUnder() {
        ResponseCache cache = ResponseCache.builder().build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", OK)
                .addInterceptor(cache.interceptor())
                .build()) {
            ChatRequest request =
                    ChatRequest.builder("p:m").user("same").tenant("t").build();
            ChatResponse first = gate.chat(request);
            ChatResponse hit = gate.chat(request);
            assertThat(first.facts().cacheHit()).isFalse();
            assertThat(hit.facts().cacheHit()).isTrue();
            assertThat(hit.facts().attempts()).isEqualTo(1);
            assertThat(hit.facts().deployment()).contains("p:m");
            assertThat(hit.costUsd()).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo(BigDecimal.ZERO));
            ChatResponse streamedHit = gate.stream(request).collect();
            assertThat(streamedHit.facts().cacheHit()).isTrue();
        }
    }

    @Test
    void aFallbackCountsEveryAttemptAndNamesTheDeploymentThatAnswered() {
        AtomicInteger primaryCalls = new AtomicInteger();
        ModelProvider overloaded = (request, call) -> {
            primaryCalls.incrementAndGet();
            throw new OverloadedException("busy", ErrorDetails.of("a"), Optional.empty(), null);
        };
        Router router = Router.builder()
                .route(Route.builder("smart")
                        .deployment("a:big")
                        .deployment("b:big")
                        .build())
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("a", overloaded)
                .provider("b", OK)
                .addInterceptor(router)
                .build()) {
            ChatResponse r = gate.chat(ChatRequest.of("smart", "hi"));
            assertThat(r.facts().deployment()).contains("b:big");
            assertThat(r.facts().attempts()).isEqualTo(primaryCalls.get() + 1).isGreaterThanOrEqualTo(2);
            assertThat(r.provider()).isEqualTo("b");

            ChatResponse streamed = gate.stream(ChatRequest.of("smart", "hi")).collect();
            assertThat(streamed.facts().deployment()).contains("b:big");
            assertThat(streamed.facts().attempts()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void anInterceptorThatAnswersByItselfMadeNoAttempt() {
        try (LlmGate gate = LlmGate.builder()
                .provider("p", OK)
                .addInterceptor(chain -> ChatResponse.builder().text("canned").build())
                .build()) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "hi"));
            assertThat(r.facts().attempts()).isZero();
            assertThat(r.facts().deployment()).isEmpty();
            assertThat(r.facts().callId()).isNotEmpty();
        }
    }

    @Test
    void aProviderCannotForgeTheFacts() {
        ModelProvider forging = (request, call) -> ChatResponse.builder()
                .text("x")
                .facts(AnswerFacts.builder()
                        .callId("forged")
                        .cacheHit(true)
                        .attempts(9)
                        .build())
                .build();
        try (LlmGate gate = LlmGate.builder().provider("p", forging).build()) {
            AnswerFacts f = gate.chat(ChatRequest.of("p:m", "hi")).facts();
            assertThat(f.callId()).isNotEqualTo("forged");
            assertThat(f.cacheHit()).isFalse();
            assertThat(f.attempts()).isEqualTo(1);
        }
    }

    @Test
    void theValueTypeRejectsNonsenseAndShowsNoText() {
        assertThatThrownBy(() -> AnswerFacts.builder().attempts(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attempts");
        assertThat(AnswerFacts.NONE.toString()).contains("unstamped");
        AnswerFacts f = AnswerFacts.builder()
                .callId("c1")
                .deployment(Optional.of("p:m"))
                .attempts(2)
                .cacheHit(true)
                .build();
        assertThat(f.toBuilder().build()).isEqualTo(f).hasSameHashCodeAs(f);
        assertThat(ChatResponse.builder().build().facts()).isSameAs(AnswerFacts.NONE);
    }
}
