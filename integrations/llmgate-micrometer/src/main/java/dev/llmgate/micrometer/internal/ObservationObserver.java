package dev.llmgate.micrometer.internal;

import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.events.CallObserver;
import dev.llmgate.core.events.ObservedEnd;
import dev.llmgate.core.events.ObservedStart;
import dev.llmgate.core.routing.DeploymentHealth;
import dev.llmgate.core.routing.Router;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The observer behind {@code LlmGateMicrometer}: an {@code llmgate.call} observation per call, a
 * {@code gen_ai.client.operation} observation per attempt (a child of its call's, on any thread), and the meters.
 * Every low-cardinality key is present on every observation of a name (value {@code "none"} when absent), so that
 * the timers a meter handler derives keep one set of tags.
 */
public final class ObservationObserver implements CallObserver {
    private static final CallContext.Key<io.micrometer.observation.Observation> CALL_OBSERVATION =
            CallContext.Key.of("llmgate.micrometer.call", io.micrometer.observation.Observation.class);
    private static final String NONE = "none";

    private final ObservationRegistry observations;
    private final MeterRegistry meters;

    public ObservationObserver(ObservationRegistry observations, MeterRegistry meters) {
        this.observations = observations;
        this.meters = meters;
    }

    @Override
    public CallObserver.Observation start(ObservedStart start) {
        boolean call = start.kind() == ObservedStart.Kind.CALL;
        io.micrometer.observation.Observation o = io.micrometer.observation.Observation.createNotStarted(
                        call ? "llmgate.call" : "gen_ai.client.operation", observations)
                .contextualName(start.operation() + " " + start.model())
                .lowCardinalityKeyValue("gen_ai.operation.name", start.operation())
                .lowCardinalityKeyValue("gen_ai.request.model", start.model())
                .highCardinalityKeyValue("llmgate.call.id", start.callId());
        if (call) {
            o.lowCardinalityKeyValue("llmgate.streaming", Boolean.toString(start.streaming()));
        } else {
            o.lowCardinalityKeyValue("gen_ai.provider.name", start.provider())
                    .highCardinalityKeyValue("llmgate.attempt", Integer.toString(start.attempt()));
            start.call().get(CALL_OBSERVATION).ifPresent(o::parentObservation);
        }
        o.start();
        if (call) {
            start.call().put(CALL_OBSERVATION, o);
        }
        return new Live(start, o);
    }

    @Override
    public String toString() {
        return "LlmGateMicrometer";
    }

    /** What a handler (micrometer-tracing) records of a failure: its type, no message, no stack. */
    static final class ObservedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ObservedFailure(String type) {
            super(type, null, false, false);
        }
    }

    private final class Live implements CallObserver.Observation {
        private final ObservedStart start;
        private final io.micrometer.observation.Observation observation;

        Live(ObservedStart start, io.micrometer.observation.Observation observation) {
            this.start = start;
            this.observation = observation;
        }

        @Override
        public Scope makeCurrent() {
            io.micrometer.observation.Observation.Scope scope = observation.openScope();
            return scope::close;
        }

        @Override
        public void end(ObservedEnd end) {
            try {
                String responseModel = end.answer()
                        .map(ChatResponse::model)
                        .filter(m -> !m.isEmpty())
                        .orElse(NONE);
                observation
                        .lowCardinalityKeyValue("llmgate.outcome", end.outcome().label())
                        .lowCardinalityKeyValue("error.type", end.errorType().orElse(NONE))
                        .lowCardinalityKeyValue("gen_ai.response.model", responseModel);
                // the failure's type only: its message can name a tenant or user (a budget's subject)
                end.errorType().ifPresent(type -> observation.error(new ObservedFailure(type)));
                if (start.kind() == ObservedStart.Kind.CALL) {
                    recordCall(end);
                } else {
                    end.answer().ifPresent(a -> recordTokens(a, responseModel));
                }
            } finally {
                observation.stop();
            }
        }

        private void recordCall(ObservedEnd end) {
            observation
                    .lowCardinalityKeyValue(
                            "llmgate.cache.hit", Boolean.toString(end.facts().cacheHit()))
                    .highCardinalityKeyValue(
                            "llmgate.attempts", Integer.toString(end.facts().attempts()))
                    .highCardinalityKeyValue(
                            "llmgate.deployment", end.facts().deployment().orElse(NONE));
            end.costUsd()
                    .filter(c -> c.signum() > 0)
                    .ifPresent(c -> Counter.builder("llmgate.cost")
                            .description("Provider cost of calls, from the model catalog")
                            .baseUnit("USD")
                            .tags("gen_ai.operation.name", start.operation(), "gen_ai.request.model", start.model())
                            .register(meters)
                            .increment(c.doubleValue()));
            for (PolicyRecord r : end.policy()) {
                for (String rule : r.ruleIds()) {
                    Counter.builder("llmgate.policy.decisions")
                            .description("Policy rules that fired, by stage, verdict and rule")
                            .tags(
                                    "llmgate.policy.stage", r.stage(),
                                    "llmgate.policy.verdict", r.verdict(),
                                    "llmgate.policy.rule", rule)
                            .register(meters)
                            .increment();
                }
            }
            if (end.error().orElse(null) instanceof BudgetExceededException b) {
                Counter.builder("llmgate.budget.refusals")
                        .description("Calls refused by a budget or rate limit")
                        .tags("llmgate.budget.window", b.window().toString())
                        .register(meters)
                        .increment();
            }
        }

        private void recordTokens(ChatResponse answer, String responseModel) {
            Tags tags = Tags.of(
                    "gen_ai.operation.name", start.operation(),
                    "gen_ai.provider.name", start.provider(),
                    "gen_ai.request.model", start.model(),
                    "gen_ai.response.model", responseModel);
            tokens(tags, "input").record((double) answer.usage().inputTokens());
            tokens(tags, "output").record((double) answer.usage().outputTokens());
        }

        private DistributionSummary tokens(Tags tags, String type) {
            return DistributionSummary.builder("gen_ai.client.token.usage")
                    .description("Tokens used by one attempt at a provider, by gen_ai.token.type")
                    .baseUnit("tokens")
                    .tags(tags.and("gen_ai.token.type", type))
                    .register(meters);
        }
    }

    /** A router listener that counts breaker transitions. */
    public dev.llmgate.core.events.CallListener breakerListener() {
        return new dev.llmgate.core.events.CallListener() {
            @Override
            public void onAttempt(dev.llmgate.core.events.AttemptEvent event) {}

            @Override
            public void onBreakerTransition(dev.llmgate.core.events.BreakerTransition t) {
                Counter.builder("llmgate.breaker.transitions")
                        .description("Circuit breaker state changes this process made, by deployment and new state")
                        .tags(
                                "llmgate.deployment", t.deployment(),
                                "llmgate.breaker.from", t.from().name().toLowerCase(java.util.Locale.ROOT),
                                "llmgate.breaker.to", t.to().name().toLowerCase(java.util.Locale.ROOT))
                        .register(meters)
                        .increment();
            }
        };
    }

    /** Registers a breaker-state gauge per deployment of {@code router}. */
    public AutoCloseable observeBreakers(Router router) {
        List<Meter> registered = new ArrayList<>();
        for (DeploymentHealth h : router.health()) {
            String address = h.deployment().address();
            registered.add(Gauge.builder("llmgate.breaker.state", router, r -> state(r, address))
                    .description("Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open")
                    .tag("llmgate.deployment", address)
                    .register(meters));
        }
        return () -> registered.forEach(meters::remove);
    }

    private static double state(Router router, String address) {
        return router.health(address)
                .map(h -> switch (h.state()) {
                    case CLOSED -> 0.0;
                    case HALF_OPEN -> 1.0;
                    case OPEN -> 2.0;
                })
                .orElse(Double.NaN);
    }

    /** Registers the audit queue-depth gauge of {@code log}. */
    public AutoCloseable observeAuditQueue(AuditLog log) {
        Meter gauge = Gauge.builder(
                        "llmgate.audit.queue.depth", log, l -> l.stats().queuedRecords())
                .description("Audit records accepted but not yet written by the sink")
                .baseUnit("records")
                .register(meters);
        return () -> meters.remove(gauge);
    }
}
