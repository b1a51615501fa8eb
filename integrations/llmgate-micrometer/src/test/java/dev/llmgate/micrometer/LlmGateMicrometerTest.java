package dev.llmgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Observations and meters as a Spring-style registry pair receives them. */
class LlmGateMicrometerTest {
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final ObservationRegistry observations = ObservationRegistry.create();
    private final List<Observation.Context> stopped = Collections.synchronizedList(new ArrayList<>());

    LlmGateMicrometerTest() {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
    }

    private Observation.Context stoppedNamed(String name, String contextualName) {
        return stopped.stream()
                .filter(c -> c.getName().equals(name) && contextualName.equals(c.getContextualName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no stopped observation " + name + " / " + contextualName));
    }

    private static String low(Observation.Context c, String key) {
        return c.getLowCardinalityKeyValue(key) == null
                ? null
                : c.getLowCardinalityKeyValue(key).getValue();
    }

    @Test
    void aFallbackIsACallObservationWithAChildPerAttemptAndTimersWithStableTags() {
        ScriptedProvider busy = ScriptedProvider.replying(
                Reply.failure(() -> new OverloadedException("busy", ErrorDetails.of("a"), Optional.empty(), null)));
        Router router = Router.builder()
                .route(Route.builder("smart")
                        .deployment("a:big")
                        .deployment("b:small")
                        .build())
                .build();
        try (LlmGate gate = LlmGateMicrometer.create(observations, meters)
                .install(LlmGate.builder())
                .provider("a", busy)
                .provider(
                        "b", ScriptedProvider.answering(c -> Reply.text("fine").withUsage(new Usage(7, 2, 0, 0, 0))))
                .addInterceptor(router)
                .build()) {
            assertThat(gate.chat(ChatRequest.of("smart", "hello")).text()).isEqualTo("fine");
        }
        Observation.Context call = stoppedNamed("llmgate.call", "chat smart");
        Observation.Context failed = stoppedNamed("gen_ai.client.operation", "chat big");
        Observation.Context answered = stoppedNamed("gen_ai.client.operation", "chat small");
        assertThat(failed.getParentObservation().getContextView()).isSameAs(call);
        assertThat(answered.getParentObservation().getContextView()).isSameAs(call);
        assertThat(low(failed, "error.type")).isEqualTo("OverloadedException");
        // the failure's type only: a message can name a tenant or user
        assertThat(failed.getError()).hasMessage("OverloadedException").isNotInstanceOf(OverloadedException.class);
        assertThat(failed.getError().getStackTrace()).isEmpty();
        assertThat(low(answered, "error.type")).isEqualTo("none");
        assertThat(low(call, "llmgate.outcome")).isEqualTo("success");
        assertThat(call.getHighCardinalityKeyValue("llmgate.deployment").getValue())
                .isEqualTo("b:small");

        Timer attempts = meters.find("gen_ai.client.operation")
                .tag("gen_ai.provider.name", "b")
                .timer();
        assertThat(attempts).isNotNull();
        assertThat(attempts.count()).isEqualTo(1);
        // every timer of a name has the same tag keys (Prometheus refuses anything else)
        assertThat(meters.find("gen_ai.client.operation").timers())
                .extracting(t -> t.getId().getTags().stream()
                        .map(tag -> tag.getKey())
                        .sorted()
                        .toList())
                .containsOnly(
                        meters.find("gen_ai.client.operation").timers().iterator().next().getId().getTags().stream()
                                .map(tag -> tag.getKey())
                                .sorted()
                                .toList());
        assertThat(meters.find("gen_ai.client.token.usage")
                        .tag("gen_ai.token.type", "input")
                        .summary()
                        .totalAmount())
                .isEqualTo(7.0);
        assertThat(meters.find("gen_ai.client.token.usage")
                        .tag("gen_ai.token.type", "output")
                        .summary()
                        .totalAmount())
                .isEqualTo(2.0);
        assertThat(meters.find("llmgate.call").tag("llmgate.outcome", "success").timer())
                .isNotNull();
    }

    @Test
    void aBlockedCallCountsItsRuleAndShowsNoSecret() {
        Policy hipaa = Policy.builder().preset(CompliancePreset.HIPAA).build();
        try (LlmGate gate = LlmGateMicrometer.create(observations, meters)
                .install(LlmGate.builder())
                .provider("p", ScriptedProvider.replying(Reply.text("never")))
                .addInterceptor(hipaa.interceptor())
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "key AKIAIOSFODNN7EXAMPLE please")))
                    .isInstanceOf(PolicyBlockedException.class);
        }
        assertThat(meters.find("llmgate.policy.decisions")
                        .tag("llmgate.policy.verdict", "BLOCK")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1.0);
        assertThat(low(stoppedNamed("llmgate.call", "chat p:m"), "llmgate.outcome"))
                .isEqualTo("blocked");
        assertThat(meters.getMeters().toString() + stopped).doesNotContain("AKIAIOSFODNN7EXAMPLE");
        assertThat(stopped).noneMatch(c -> c.getName().equals("gen_ai.client.operation"));
    }

    @Test
    void aStreamClosedEarlyStopsBothObservations() {
        try (LlmGate gate = LlmGateMicrometer.create(observations, meters)
                .install(LlmGate.builder())
                .provider("p", ScriptedProvider.answering(c -> Reply.words("one two three")))
                .build()) {
            try (ChatStream s = gate.stream(ChatRequest.of("p:m", "count"))) {
                s.next();
                assertThat(stopped).isEmpty();
            }
        }
        assertThat(stopped)
                .hasSize(2)
                .allSatisfy(c -> assertThat(low(c, "llmgate.outcome")).isEqualTo("closed_early"));
    }

    @Test
    void breakerGaugesComeAndGo() throws Exception {
        Router router = Router.builder()
                .route(Route.builder("r").deployment("p:m").build())
                .build();
        LlmGateMicrometer micrometer = LlmGateMicrometer.create(observations, meters);
        try (AutoCloseable ignored = micrometer.observe(router)) {
            assertThat(meters.find("llmgate.breaker.state")
                            .tag("llmgate.deployment", "p:m")
                            .gauge()
                            .value())
                    .isZero();
        }
        assertThat(meters.find("llmgate.breaker.state").gauge()).isNull();
    }

    @Test
    void breakerTransitionsAreCounted() {
        LlmGateMicrometer micrometer = LlmGateMicrometer.create(observations, meters);
        ScriptedProvider busy = ScriptedProvider.replying(
                Reply.failure(() -> new OverloadedException("busy", ErrorDetails.of("a"), Optional.empty(), null)));
        Router router = Router.builder()
                .route(Route.builder("r")
                        .deployment("a:m")
                        .retry(dev.llmgate.core.routing.RetryPolicy.NONE)
                        .build())
                .circuitBreaker(new dev.llmgate.core.routing.CircuitBreakerPolicy(
                        1, 1.0, 10, 10, java.time.Duration.ofMinutes(1)))
                .listener(micrometer.breakerListener())
                .build();
        try (LlmGate gate = micrometer
                .install(LlmGate.builder())
                .provider("a", busy)
                .addInterceptor(router)
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("r", "hi"))).isInstanceOf(OverloadedException.class);
        }
        assertThat(meters.find("llmgate.breaker.transitions")
                        .tag("llmgate.breaker.to", "open")
                        .tag("llmgate.deployment", "a:m")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }
}
