package dev.llmgate.core.routing.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.core.internal.DeliveredOutput;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.ErrorClass;
import dev.llmgate.core.routing.ResponseCheck;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.TokenEstimator;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One call through one route: orders the deployments, makes attempts (retries with backoff,
 * fallbacks, an optional hedge), records each attempt, and returns the first usable answer or throws
 * the last failure. One instance per call; the hedge makes it touched by two threads, so shared
 * counters are atomic and the cost total is guarded.
 */
public final class CallRun {
    private final RouterCore core;
    private final Route route;
    private final Interceptor.Chain chain;
    private final CallContext call;
    private final ChatRequest request;
    private final Clock clock;
    private final boolean streaming;
    private final long deadlineAt;
    private final AtomicInteger attempts = new AtomicInteger();
    private final List<LlmException> failures = new ArrayList<>(2);
    private final List<Deployment> skippedOpen = new ArrayList<>(0);
    private BigDecimal costTotal = BigDecimal.ZERO;
    private boolean costKnown = true;

    public CallRun(RouterCore core, Route route, Interceptor.Chain chain) {
        this.core = core;
        this.route = route;
        this.chain = chain;
        this.call = chain.call();
        this.request = chain.request();
        this.clock = call.clock();
        this.streaming = call.streaming();
        this.deadlineAt = route.deadline()
                .map(d -> call.startedAt().toEpochMilli() + d.toMillis())
                .orElse(Long.MAX_VALUE);
    }

    /**
     * The input that must fit a deployment's context window: the whole request, or for an embedding
     * call (each input embedded on its own) its largest input.
     */
    private long windowTokens(long inputTokens) {
        if (!call.get(CallFacts.EMBEDDINGS).orElse(false)) {
            return inputTokens;
        }
        long largest = 0;
        for (dev.llmgate.api.Message m : request.messages()) {
            largest = Math.max(largest, TokenEstimator.textTokens(m.text()) + TokenEstimator.TOKENS_PER_MESSAGE);
        }
        return largest;
    }

    /** Runs a blocking call. */
    public ChatResponse runBlocking() {
        Prepared p = execute();
        p.markEstimate(call);
        return p.response;
    }

    /** Runs a streaming call lazily: attempts start when the consumer first pulls. */
    public ChatStream runStreaming() {
        return new FailoverStream(this);
    }

    Prepared execute() {
        long inputTokens = TokenEstimator.inputTokens(request);
        List<Deployment> candidates =
                core.candidates(route, request, inputTokens, windowTokens(inputTokens), streaming);
        int i = 0;
        int retries = 0;
        String reason = "primary";
        long windowFloor = -1;
        Prepared rejected = null;
        LlmException last = null;

        if (route.hedgeAfter().isPresent() && candidates.size() >= 2 && route.maxAttempts() >= 2) {
            HedgeRace race = new HedgeRace(candidates.get(0), candidates.get(1));
            Prepared winner = race.run();
            if (winner != null) {
                return winner;
            }
            last = race.failure;
            if (last == null) {
                i = 1;
                reason = "fallback:circuit_open";
            } else {
                ErrorClass cls = ErrorClass.of(last);
                if (!route.fallbackOn().contains(cls)) {
                    throw withEarlierFailures(last);
                }
                if (cls == ErrorClass.CONTEXT_LENGTH) {
                    windowFloor = Math.max(
                            windowFloor, core.contextWindow(candidates.get(0)).orElse(-1));
                }
                i = race.launched;
                reason = "fallback:" + cls.label();
            }
        }

        while (true) {
            if (i >= candidates.size()) {
                return exhausted(rejected, last);
            }
            Deployment d = candidates.get(i);
            if (windowFloor >= 0 && !largerWindow(d, windowFloor)) {
                i++;
                continue;
            }
            long now = clock.millis();
            if (!core.breakers.tryAcquire(d.address(), now)) {
                skippedOpen.add(d);
                i++;
                retries = 0;
                if (last == null && rejected == null) {
                    reason = "fallback:circuit_open";
                }
                continue;
            }
            if (attempts.get() >= route.maxAttempts()) {
                return exhausted(rejected, last);
            }
            checkDeadline(now, last);
            checkCancelled(last);
            boolean lastChance = i == candidates.size() - 1 || attempts.get() + 1 >= route.maxAttempts();
            Optional<ResponseCheck> check = lastChance ? Optional.empty() : route.responseCheck();
            Prepared p;
            try {
                p = attempt(d, reason, check, null);
            } catch (LlmException e) {
                last = e;
                synchronized (failures) {
                    failures.add(e);
                }
                ErrorClass cls = ErrorClass.of(e);
                if (route.retry().retryOn().contains(cls)
                        && retries < route.retry().retriesPerDeployment()
                        && attempts.get() < route.maxAttempts()) {
                    Optional<Duration> wait = retryDelay(e, retries);
                    if (wait.isPresent() && clock.millis() + wait.get().toMillis() < deadlineAt) {
                        sleep(wait.get(), e);
                        retries++;
                        reason = "retry";
                        continue;
                    }
                }
                if (!route.fallbackOn().contains(cls)) {
                    throw withEarlierFailures(e);
                }
                if (cls == ErrorClass.CONTEXT_LENGTH) {
                    windowFloor = Math.max(windowFloor, core.contextWindow(d).orElse(-1));
                }
                i++;
                retries = 0;
                reason = "fallback:" + cls.label();
                continue;
            }
            if (p.rejected.isPresent()) {
                rejected = p;
                i++;
                retries = 0;
                reason = "fallback:response_rejected";
                continue;
            }
            return p;
        }
    }

    private boolean largerWindow(Deployment d, long floor) {
        OptionalInt w = core.contextWindow(d);
        return w.isEmpty() || w.getAsInt() > floor;
    }

    private Prepared exhausted(Prepared rejected, LlmException last) {
        if (rejected != null) {
            return rejected;
        }
        if (last != null) {
            throw withEarlierFailures(last);
        }
        long now = clock.millis();
        long at = Long.MAX_VALUE;
        for (Deployment d : skippedOpen) {
            at = Math.min(at, core.breakers.availableAt(d.address(), now));
        }
        Duration wait = Duration.ofMillis(at == Long.MAX_VALUE ? 0 : Math.max(0, at - now));
        throw new OverloadedException(
                "route '" + route.alias() + "': no deployment is available (circuit open or cooling down"
                        + " after a Retry-After); the first admits calls again in " + wait.toMillis() + " ms",
                ErrorDetails.NONE,
                Optional.of(wait));
    }

    private LlmException withEarlierFailures(LlmException e) {
        synchronized (failures) {
            for (LlmException f : failures) {
                if (f != e && !List.of(e.getSuppressed()).contains(f)) {
                    e.addSuppressed(f);
                }
            }
        }
        return e;
    }

    private void checkDeadline(long now, LlmException last) {
        if (now >= deadlineAt) {
            throw new RequestTimeoutException(
                    "route '" + route.alias() + "': the call's deadline of "
                            + route.deadline().orElseThrow()
                            + " passed after " + attempts.get() + " attempt(s)"
                            + (last == null
                                    ? ""
                                    : "; last failure: " + last.getClass().getSimpleName()),
                    ErrorDetails.NONE,
                    last);
        }
    }

    private void checkCancelled(LlmException last) {
        if (call.isCancelled()) {
            throw last != null
                    ? withEarlierFailures(last)
                    : new NetworkException(
                            "route '" + route.alias() + "': the call was cancelled by its caller", ErrorDetails.NONE);
        }
    }

    /** The wait before retry {@code retryIndex}: Retry-After if given (empty if longer than allowed), else full jitter. */
    Optional<Duration> retryDelay(LlmException e, int retryIndex) {
        Optional<Duration> retryAfter = retryAfter(e);
        if (retryAfter.isPresent()) {
            return retryAfter.get().compareTo(route.retry().maxRetryAfter()) > 0 ? Optional.empty() : retryAfter;
        }
        long cap = route.retry().backoffCap(retryIndex).toMillis();
        long delay = Math.min(cap, (long) Math.floor(core.random.nextDouble() * (cap + 1)));
        return Optional.of(Duration.ofMillis(delay));
    }

    static Optional<Duration> retryAfter(LlmException e) {
        if (e instanceof RateLimitedException r) {
            return r.retryAfter();
        }
        if (e instanceof OverloadedException o) {
            return o.retryAfter();
        }
        return Optional.empty();
    }

    private void sleep(Duration wait, LlmException cause) {
        if (wait.isZero()) {
            return;
        }
        try {
            core.sleeper.sleep(wait);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new RequestTimeoutException(
                    "route '" + route.alias() + "': interrupted while waiting to retry", ErrorDetails.NONE, cause);
        }
    }

    /**
     * One attempt at {@code d}. Returns a complete or live answer, or {@code null} if it lost a hedge
     * race; throws (after recording) if it failed.
     */
    Prepared attempt(Deployment d, String reason, Optional<ResponseCheck> check, HedgeRace race) {
        int no = attempts.incrementAndGet();
        long start = clock.millis();
        ChatResult result;
        try {
            result = chain.proceed(request.withModel(d.address()));
        } catch (LlmException e) {
            failed(d, reason, no, start, e, Usage.ZERO, false, Optional.empty());
            throw e;
        }
        if (!streaming || check.isPresent()) {
            ChatResponse response;
            try {
                response = result.toResponse();
            } catch (LlmException e) {
                failed(d, reason, no, start, e, Usage.ZERO, false, Optional.empty());
                throw e;
            }
            Optional<Usage> estimate = cacheHit() ? Optional.empty() : DeliveredOutput.estimate(request, response);
            Usage usage = estimate.orElse(response.usage());
            if (race != null && !race.claim()) {
                recordAttempt(
                        d,
                        reason,
                        no,
                        start,
                        "hedge_lost",
                        Optional.empty(),
                        usage,
                        estimate.isPresent(),
                        Optional.of(response.model()),
                        response.timings().timeToFirstToken());
                return null;
            }
            Optional<String> rejected = Optional.empty();
            if (check.isPresent()) {
                try {
                    rejected = check.get().reject(request, response);
                } catch (RuntimeException checkFailed) {
                    rejected =
                            Optional.of("check_failed:" + checkFailed.getClass().getSimpleName());
                }
            }
            long end = clock.millis();
            core.breakers.onSuccess(d.address(), end);
            Optional<Duration> ttft = response.timings().timeToFirstToken();
            if (streaming) {
                ttft.ifPresent(t -> core.latency.record(d.address(), true, (double) t.toMillis()));
            } else {
                core.latency.record(d.address(), false, (double) (end - start));
            }
            String outcome = rejected.map(r -> "rejected:" + r).orElse(cacheHit() ? "cache_hit" : "success");
            recordAttempt(
                    d,
                    reason,
                    no,
                    start,
                    outcome,
                    Optional.empty(),
                    usage,
                    estimate.isPresent(),
                    Optional.of(response.model()),
                    ttft);
            return Prepared.complete(d, reason, no, start, response, rejected, estimate);
        }
        ChatStream stream = result.toStream();
        List<StreamEvent> prefix = new ArrayList<>(4);
        DeliveredOutput delivered = new DeliveredOutput();
        try {
            while (true) {
                if (!stream.hasNext()) {
                    throw new StreamInterruptedException(
                            "deployment " + d + " ended its stream without a finish event",
                            ErrorDetails.of(d.provider()));
                }
                StreamEvent event = stream.next();
                if (event instanceof StreamEvent.Error error) {
                    throw error.error();
                }
                prefix.add(event);
                delivered.accept(event);
                if (event instanceof StreamEvent.TextDelta
                        || event instanceof StreamEvent.ToolCallDelta
                        || event.isTerminal()) {
                    break;
                }
            }
        } catch (LlmException e) {
            stream.close();
            // failed before its first token: charged what the provider reported (routing may retry it)
            failed(d, reason, no, start, e, delivered.reported(), false, Optional.empty());
            throw e;
        }
        long firstAt = clock.millis();
        if (race != null && !race.claim()) {
            stream.close();
            Optional<Usage> estimate = cacheHit() ? Optional.empty() : delivered.estimate(request);
            recordAttempt(
                    d,
                    reason,
                    no,
                    start,
                    "hedge_lost",
                    Optional.empty(),
                    estimate.orElse(delivered.reported()),
                    estimate.isPresent(),
                    Optional.empty(),
                    Optional.of(Duration.ofMillis(firstAt - start)));
            return null;
        }
        StreamEvent lastEvent = prefix.get(prefix.size() - 1);
        if (lastEvent instanceof StreamEvent.Finish finish) {
            stream.close();
            Optional<Usage> estimate = streamFinished(d, reason, no, start, -1, finish, delivered);
            return Prepared.replay(d, reason, no, start, prefix, estimate);
        }
        core.latency.record(d.address(), true, (double) (firstAt - start));
        return Prepared.live(d, reason, no, start, stream, prefix, firstAt, delivered);
    }

    /**
     * A stream reached its finish: records the attempt with the reported usage, or with the
     * estimate if the provider reported none (returned, empty if none).
     */
    Optional<Usage> streamFinished(
            Deployment d,
            String reason,
            int no,
            long start,
            long firstAt,
            StreamEvent.Finish finish,
            DeliveredOutput delivered) {
        core.breakers.onSuccess(d.address(), clock.millis());
        Optional<Duration> ttft =
                firstAt < 0 ? finish.timings().timeToFirstToken() : Optional.of(Duration.ofMillis(firstAt - start));
        boolean hit = cacheHit();
        Optional<Usage> estimate = hit ? Optional.empty() : delivered.estimate(request);
        recordAttempt(
                d,
                reason,
                no,
                start,
                hit ? "cache_hit" : "success",
                Optional.empty(),
                estimate.orElse(delivered.reported()),
                estimate.isPresent(),
                finish.model().isEmpty() ? Optional.empty() : Optional.of(finish.model()),
                ttft);
        return estimate;
    }

    /** A live stream failed after its first token: no retry is possible any more. Returns the estimate charged, if any. */
    Optional<Usage> streamFailed(Prepared p, LlmException e, DeliveredOutput delivered) {
        Optional<Usage> estimate = cacheHit() ? Optional.empty() : delivered.estimate(request);
        failed(
                p.deployment,
                p.reason,
                p.attempt,
                p.start,
                e,
                estimate.orElse(delivered.reported()),
                estimate.isPresent(),
                Optional.of(Duration.ofMillis(p.firstTokenAt - p.start)));
        return estimate;
    }

    /** The consumer closed a live stream before its end. Returns the estimate charged, if any. */
    Optional<Usage> streamCancelled(Prepared p, DeliveredOutput delivered) {
        Optional<Usage> estimate = cacheHit() ? Optional.empty() : delivered.estimate(request);
        recordAttempt(
                p.deployment,
                p.reason,
                p.attempt,
                p.start,
                "cancelled",
                Optional.empty(),
                estimate.orElse(delivered.reported()),
                estimate.isPresent(),
                Optional.empty(),
                Optional.of(Duration.ofMillis(p.firstTokenAt - p.start)));
        return estimate;
    }

    /** The call's context. */
    CallContext call() {
        return call;
    }

    private void failed(
            Deployment d,
            String reason,
            int no,
            long start,
            LlmException e,
            Usage usage,
            boolean estimated,
            Optional<Duration> ttft) {
        ErrorClass cls = ErrorClass.of(e);
        long now = clock.millis();
        if (cls.countsAsFailure()) {
            core.breakers.onFailure(d.address(), now, retryAfter(e));
        } else {
            core.breakers.onNeutral(d.address(), now);
        }
        recordAttempt(
                d,
                reason,
                no,
                start,
                e.getClass().getSimpleName(),
                Optional.of(e.getClass().getSimpleName()),
                usage,
                estimated,
                Optional.empty(),
                ttft);
    }

    private boolean cacheHit() {
        return call.get(CallFacts.CACHE_HIT).orElse(false);
    }

    private void recordAttempt(
            Deployment d,
            String reason,
            int no,
            long start,
            String outcome,
            Optional<String> errorType,
            Usage usage,
            boolean estimated,
            Optional<String> responseModel,
            Optional<Duration> ttft) {
        Duration latency = Duration.ofMillis(Math.max(0, clock.millis() - start));
        call.append(
                CallFacts.ATTEMPTS,
                AttemptRecord.builder(d.provider(), d.model())
                        .outcome(outcome)
                        .latency(latency)
                        .timeToFirstToken(ttft)
                        .usage(usage)
                        .reason(reason)
                        .usageEstimated(estimated)
                        .build());
        boolean cacheHit = outcome.equals("cache_hit");
        if (cacheHit || outcome.equals("success")) {
            synchronized (call) {
                call.put(CallFacts.DEPLOYMENT, d.address()); // the answer routing returns: this attempt's
            }
        }
        Optional<BigDecimal> cost = cacheHit ? Optional.of(BigDecimal.ZERO) : core.cost(d, responseModel, usage);
        synchronized (this) {
            if (cost.isPresent()) {
                costTotal = costTotal.add(cost.get());
            } else if (usage.totalTokens() > 0) {
                costKnown = false;
            }
            if (costKnown) {
                call.put(CallFacts.COST_USD, costTotal);
            }
        }
        if (core.hasListeners()) {
            core.publish(AttemptEvent.builder(call.callId(), d.provider())
                    .requestedModel(call.get(CallFacts.REQUESTED_MODEL).orElse(route.alias()))
                    .attempt(no)
                    .model(d.model())
                    .responseModel(responseModel)
                    .outcome(outcome)
                    .errorType(errorType)
                    .reason(reason)
                    .latency(latency)
                    .timeToFirstToken(ttft)
                    .usage(usage)
                    .costUsd(cost)
                    .cacheHit(cacheHit)
                    .streaming(streaming)
                    .usageEstimated(estimated)
                    .build());
        }
    }

    /**
     * The first attempt and its hedge: the primary starts at once; the hedge starts when the primary
     * has not answered within the route's delay, or at once if the primary fails with a fallback class.
     * The first success wins; the loser's stream is closed and its late answer ignored.
     */
    final class HedgeRace {
        private final Deployment primary;
        private final Deployment second;
        private final CompletableFuture<Prepared> result = new CompletableFuture<>();
        private final AtomicBoolean won = new AtomicBoolean();
        private final AtomicBoolean hedgeDecided = new AtomicBoolean();
        private int running;
        int launched;
        LlmException failure;

        HedgeRace(Deployment primary, Deployment second) {
            this.primary = primary;
            this.second = second;
        }

        boolean claim() {
            return won.compareAndSet(false, true);
        }

        Prepared run() {
            long now = clock.millis();
            if (!core.breakers.tryAcquire(primary.address(), now)) {
                skippedOpen.add(primary);
                return null;
            }
            checkDeadline(now, null);
            launch(primary, "primary");
            Runnable cancelTimer = core.scheduler.schedule(route.hedgeAfter().orElseThrow(), () -> {
                if (!result.isDone() && hedgeDecided.compareAndSet(false, true)) {
                    tryLaunchSecond("hedge");
                }
            });
            try {
                long remaining = deadlineAt == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineAt - clock.millis();
                return remaining == Long.MAX_VALUE
                        ? result.get()
                        : result.get(Math.max(0, remaining), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof LlmException le) {
                    failure = le;
                    return null;
                }
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("hedged attempt failed", e.getCause());
            } catch (TimeoutException e) {
                won.set(true);
                checkDeadline(Long.MAX_VALUE, failure);
                throw new IllegalStateException("unreachable");
            } catch (InterruptedException e) {
                won.set(true);
                Thread.currentThread().interrupt();
                throw new RequestTimeoutException(
                        "route '" + route.alias() + "': interrupted while waiting for a hedged answer",
                        ErrorDetails.NONE,
                        failure);
            } finally {
                cancelTimer.run();
            }
        }

        private void launch(Deployment d, String reason) {
            synchronized (this) {
                running++;
                launched++;
            }
            core.executor.get().execute(() -> runOne(d, reason));
        }

        private boolean tryLaunchSecond(String reason) {
            if (attempts.get() >= route.maxAttempts() || !core.breakers.tryAcquire(second.address(), clock.millis())) {
                return false;
            }
            launch(second, reason);
            return true;
        }

        private void runOne(Deployment d, String reason) {
            LlmException error = null;
            try {
                Prepared p = attempt(d, reason, Optional.empty(), this);
                if (p != null && !result.complete(p)) {
                    p.discard();
                }
            } catch (LlmException e) {
                error = e;
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
            boolean launchSecond = false;
            synchronized (this) {
                running--;
                if (error != null) {
                    if (failure != null && failure != error) {
                        synchronized (failures) {
                            failures.add(failure);
                        }
                    }
                    failure = error;
                }
                if (running == 0 && !result.isDone()) {
                    if (error != null
                            && route.fallbackOn().contains(ErrorClass.of(error))
                            && hedgeDecided.compareAndSet(false, true)) {
                        launchSecond = true;
                    } else {
                        hedgeDecided.set(true);
                        result.completeExceptionally(
                                failure != null
                                        ? failure
                                        : new IllegalStateException("hedge race ended without an answer"));
                    }
                }
            }
            if (launchSecond) {
                String why = "fallback:" + ErrorClass.of(error).label();
                if (!tryLaunchSecond(why)) {
                    synchronized (this) {
                        if (running == 0) {
                            result.completeExceptionally(failure);
                        }
                    }
                }
            }
        }
    }
}
