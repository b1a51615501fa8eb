package dev.llmgate.opentelemetry.internal;

import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.routing.DeploymentHealth;
import dev.llmgate.core.routing.Router;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;

/** The tracer and every instrument, created once per telemetry. */
public final class Instruments {
    /** The GenAI conventions' advised buckets for {@code gen_ai.client.operation.duration}, in seconds. */
    private static final List<Double> DURATION_BUCKETS =
            List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    /** The GenAI conventions' advised buckets for {@code gen_ai.client.token.usage}. */
    private static final List<Long> TOKEN_BUCKETS = List.of(
            1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L, 16777216L, 67108864L);

    final Tracer tracer;
    final Meter meter;
    final DoubleHistogram operationDuration;
    final LongHistogram tokenUsage;
    final LongCounter calls;
    final DoubleCounter cost;
    final LongCounter policyDecisions;
    final LongCounter budgetRefusals;
    final LongCounter breakerTransitions;

    public Instruments(OpenTelemetry otel, String scope) {
        this.tracer = otel.getTracer(scope);
        this.meter = otel.getMeter(scope);
        this.operationDuration = meter.histogramBuilder("gen_ai.client.operation.duration")
                .setDescription("Duration of a GenAI operation: one attempt at a provider")
                .setUnit("s")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                .build();
        this.tokenUsage = meter.histogramBuilder("gen_ai.client.token.usage")
                .ofLongs()
                .setDescription("Tokens used by one attempt at a provider, by gen_ai.token.type")
                .setUnit("{token}")
                .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
                .build();
        this.calls = meter.counterBuilder("llmgate.calls")
                .setDescription("Calls by outcome (success, blocked, budget_refused, failed) and cache hit")
                .setUnit("{call}")
                .build();
        this.cost = meter.counterBuilder("llmgate.cost")
                .ofDoubles()
                .setDescription("Provider cost of calls, from the model catalog")
                .setUnit("USD")
                .build();
        this.policyDecisions = meter.counterBuilder("llmgate.policy.decisions")
                .setDescription("Policy rules that fired, by stage, verdict and rule")
                .setUnit("{decision}")
                .build();
        this.budgetRefusals = meter.counterBuilder("llmgate.budget.refusals")
                .setDescription("Calls refused by a budget or rate limit")
                .setUnit("{call}")
                .build();
        this.breakerTransitions = meter.counterBuilder("llmgate.breaker.transitions")
                .setDescription("Circuit breaker state changes this process made, by deployment and new state")
                .setUnit("{transition}")
                .build();
    }

    /** A router listener that counts breaker transitions. */
    public dev.llmgate.core.events.CallListener breakerListener() {
        return new dev.llmgate.core.events.CallListener() {
            @Override
            public void onAttempt(dev.llmgate.core.events.AttemptEvent event) {}

            @Override
            public void onBreakerTransition(dev.llmgate.core.events.BreakerTransition t) {
                breakerTransitions.add(
                        1,
                        Attributes.of(
                                Names.DEPLOYMENT, t.deployment(),
                                Names.BREAKER_FROM, t.from().name().toLowerCase(java.util.Locale.ROOT),
                                Names.BREAKER_TO, t.to().name().toLowerCase(java.util.Locale.ROOT)));
            }
        };
    }

    /** Registers the breaker-state gauge of {@code router}. */
    public AutoCloseable observeBreakers(Router router) {
        return meter.gaugeBuilder("llmgate.breaker.state")
                .ofLongs()
                .setDescription("Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open")
                .setUnit("1")
                .buildWithCallback(m -> {
                    for (DeploymentHealth h : router.health()) {
                        long state = switch (h.state()) {
                            case CLOSED -> 0;
                            case HALF_OPEN -> 1;
                            case OPEN -> 2;
                        };
                        m.record(
                                state,
                                Attributes.of(Names.DEPLOYMENT, h.deployment().address()));
                    }
                });
    }

    /** Registers the queue-depth gauge of {@code log}. */
    public AutoCloseable observeAuditQueue(AuditLog log) {
        return meter.gaugeBuilder("llmgate.audit.queue.depth")
                .ofLongs()
                .setDescription("Audit records accepted but not yet written by the sink")
                .setUnit("{record}")
                .buildWithCallback(m -> m.record(log.stats().queuedRecords()));
    }
}
