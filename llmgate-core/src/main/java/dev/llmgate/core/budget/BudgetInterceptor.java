package dev.llmgate.core.budget;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.StagedInterceptor;
import dev.llmgate.core.Stage;
import dev.llmgate.core.budget.internal.SettlingStream;
import dev.llmgate.core.internal.DeliveredOutput;
import dev.llmgate.core.internal.ProviderStage;
import dev.llmgate.core.routing.StateStore;
import dev.llmgate.core.routing.TokenEstimator;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The BUDGET stage: enforces {@link BudgetLimit}s on requests, tokens and money per tenant, user,
 * key or globally. Register it with {@code LlmGate.builder().addInterceptor(budgets)}, which places it
 * at {@link Stage#BUDGET}.
 *
 * <p>Before the call it reserves, per limit, 1 request, the tokens ({@link TokenEstimator} input
 * plus the request's {@code maxOutputTokens}) and the estimated cost (from the
 * {@link CostEstimator}), each with one atomic check-and-add on the {@link StateStore}. A request
 * without {@code maxOutputTokens} that a token or USD limit applies to is sent with
 * {@link Builder#defaultMaxOutputTokens} (default 4096), which is what is reserved for its output.
 * An embedding call ({@code CallFacts.EMBEDDINGS}, {@code LlmGate.embed}) reserves its input tokens
 * only and is sent unchanged: embeddings have no output. If any reservation would pass its limit, the ones already made are released and the call fails
 * with a {@link BudgetExceededException} naming the limit, its window and when it resets; the
 * provider is never called.
 *
 * <p>Every ending settles the reservation exactly once: an answer, a failure, and for a stream its
 * finish, its failure, or {@code close()} from any thread (also racing with the last event). Tokens
 * charged: the usage of every attempt ({@code CallFacts.ATTEMPTS}, where routing records its
 * reported usage or its estimate), or without routing the answer's reported usage; an answer that
 * ended without a usage report (finished without one, failed after its first token, closed or
 * cancelled) is charged llmgate's estimate: the request's input tokens plus one output token per
 * four characters delivered, at most {@code maxOutputTokens} ({@code CallFacts.ESTIMATED_USAGE}).
 * USD charged: {@code CallFacts.COST_USD} (priced from the same usage); if no cost is known, the
 * reserved estimate stays charged. A call that failed before anything was delivered is charged
 * what its attempts reported (normally nothing); a call that never reached a provider, nothing.
 *
 * <p>A {@link BudgetLimit.Builder#smooth(long) smooth} request limit takes one call from a token bucket with one
 * compare-and-set on the store (retried under contention; refused, failing closed, after 64 lost races); a call
 * refused by a later limit gives it back. An {@link BudgetLimit#inFlight in-flight} limit takes a slot with one
 * check-and-add and gives it back when the call ends, exactly once, however it ends.
 *
 * <p>Guarantees: concurrent calls can never together reserve more than a limit (nor take more calls from a bucket
 * than it holds, nor more slots than an in-flight limit has). What they are
 * charged can pass it only by the excess of real use over reservation: a counter ends at most at
 * {@code limit + } the sum of those excesses over the calls in flight when the last call was
 * admitted, so at most {@code limit + C x E} with C calls in flight at once, each exceeding its
 * reservation by at most E (tested). The output part of E is zero for providers that honour
 * {@code maxOutputTokens}; what remains is the input estimate's error and attempts beyond the
 * first that used tokens. Thread-safe; one instance serves every call.
 */
public final class BudgetInterceptor implements StagedInterceptor {
    private static final String PREFIX = "llmgate:budget:";
    private static final System.Logger LOG = System.getLogger(BudgetInterceptor.class.getName());

    private final List<BudgetLimit> limits;
    private final StateStore store;
    private final CostEstimator estimator;
    private final int defaultMaxOutputTokens;

    private BudgetInterceptor(Builder b) {
        this.limits = List.copyOf(b.limits);
        this.store = b.store;
        this.estimator = b.estimator;
        this.defaultMaxOutputTokens = b.defaultMaxOutputTokens;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The limits, in the order added. */
    public List<BudgetLimit> limits() {
        return limits;
    }

    /**
     * How much of {@code limit} {@code subject} (a tenant, user or key; {@code "*"} for a global limit)
     * has used in the window containing {@code at}: calls, tokens, or USD; for an in-flight limit the calls in
     * flight; for a smooth limit the calls its bucket is short of full at {@code at}.
     */
    public BigDecimal used(BudgetLimit limit, String subject, Instant at) {
        if (limit.metric() == BudgetMetric.IN_FLIGHT) {
            return BigDecimal.valueOf(store.counter(
                    PREFIX + limit.scope().name().toLowerCase(Locale.ROOT) + ":" + keyOf(subject) + ":in_flight"));
        }
        if (limit.isSmooth()) {
            long interval = Math.max(1, limit.window().toNanos() / 1000 / limit.units());
            long ahead = store.value(bucketKey(limit, subject))
                    .map(BudgetInterceptor::micros)
                    .map(tat -> tat - at.toEpochMilli() * 1000)
                    .orElse(0L);
            return BigDecimal.valueOf(ahead <= 0 ? 0 : (ahead + interval - 1) / interval);
        }
        long window = limit.window().toMillis();
        long value = store.counter(key(limit, subject, Math.floorDiv(at.toEpochMilli(), window)));
        return limit.metric() == BudgetMetric.USD
                ? BigDecimal.valueOf(value).movePointLeft(9).stripTrailingZeros()
                : BigDecimal.valueOf(value);
    }

    private static String key(BudgetLimit limit, String subject, long windowIndex) {
        return PREFIX + limit.scope().name().toLowerCase(Locale.ROOT) + ":" + keyOf(subject) + ":"
                + limit.metric().name().toLowerCase(Locale.ROOT) + ":"
                + limit.window().toSeconds() + ":" + windowIndex;
    }

    /** Subjects' key parts, kept for the subjects seen lately (one SHA-256 per new subject). */
    private static final com.github.benmanes.caffeine.cache.Cache<String, String> SUBJECT_KEYS =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
                    .maximumSize(10_000)
                    .build();

    /**
     * A subject (tenant, user or key id, which may be an e-mail address) as it appears in a store's key: the first
     * 128 bits of its SHA-256, in hex, so that no identifier leaves the process in a shared store's keys.
     */
    static String keyOf(String subject) {
        return SUBJECT_KEYS.get(subject, s -> {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(d, 0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
        });
    }

    /** One reservation on one counter (for a smooth limit: one call taken from its bucket). */
    private static final class Held {
        final BudgetLimit limit;
        final String key;
        final long amount;
        final Instant expiresAt;

        Held(BudgetLimit limit, String key, long amount, Instant expiresAt) {
            this.limit = limit;
            this.key = key;
            this.amount = amount;
            this.expiresAt = expiresAt;
        }
    }

    /** How often a token bucket's compare-and-set is retried under contention before the call is refused. */
    private static final int BUCKET_TRIES = 64;

    /**
     * Takes one call from a smooth limit's bucket (GCRA: the key holds the bucket's "theoretical arrival time" in epoch
     * microseconds; a call is admitted when moving it one interval on stays within the burst), with one
     * compare-and-set on the store. Refuses (after releasing {@code held}) when the bucket is empty, saying when the
     * next call can pass.
     */
    private Held takeFromBucket(BudgetLimit limit, String subject, long nowMillis, List<Held> held) {
        String key = bucketKey(limit, subject);
        long now = nowMillis * 1000;
        long interval = Math.max(1, limit.window().toNanos() / 1000 / limit.units());
        long capacity = interval * limit.burst();
        for (int i = 0; i < BUCKET_TRIES; i++) {
            Optional<String> current = store.value(key);
            long tat = Math.max(now, current.map(BudgetInterceptor::micros).orElse(now));
            long next = tat + interval;
            if (next - now > capacity) {
                release(held, nowMillis);
                Instant availableAt = Instant.ofEpochMilli(Math.floorDiv(next - capacity + 999, 1000));
                String what = limit.describe(subject);
                throw new BudgetExceededException(
                        "rate limit reached: " + what + "; the next call can pass at " + availableAt,
                        what,
                        limit.window(),
                        availableAt);
            }
            Instant expiresAt = Instant.ofEpochMilli(Math.floorDiv(next, 1000) + 1000);
            if (store.compareAndSet(key, current, Long.toString(next), expiresAt)) {
                return new Held(limit, key, interval, expiresAt);
            }
        }
        release(held, nowMillis);
        String what = limit.describe(subject);
        throw new BudgetExceededException(
                "rate limit not decided: " + what + " is contended by more than " + BUCKET_TRIES
                        + " concurrent calls; refused (fail closed), retry",
                what,
                limit.window(),
                Instant.ofEpochMilli(nowMillis));
    }

    /** Gives a call back to a smooth limit's bucket (a call refused by a later limit never ran). */
    private void refundBucket(Held h) {
        for (int i = 0; i < BUCKET_TRIES; i++) {
            Optional<String> current = store.value(h.key);
            if (current.isEmpty()) {
                return;
            }
            long tat = micros(current.get()) - h.amount;
            // the key must live until the bucket it describes is full again: until its new time, not the refunded
            // call's
            Instant expiresAt = Instant.ofEpochMilli(Math.floorDiv(tat, 1000) + 1000);
            if (store.compareAndSet(h.key, current, Long.toString(tat), expiresAt)) {
                return;
            }
        }
    }

    /** Takes a slot of an in-flight limit, or refuses (after releasing {@code held}). */
    private Held enterFlight(BudgetLimit limit, String subject, long nowMillis, List<Held> held) {
        String key = PREFIX + limit.scope().name().toLowerCase(Locale.ROOT) + ":" + keyOf(subject) + ":in_flight";
        Instant expiresAt = Instant.ofEpochMilli(nowMillis).plus(limit.window());
        if (store.addIfAtMost(key, 1, limit.units(), expiresAt).isEmpty()) {
            release(held, nowMillis);
            String what = limit.describe(subject);
            throw new BudgetExceededException(
                    "too many calls in flight: " + what + "; retry when one ends",
                    what,
                    limit.window(),
                    Instant.ofEpochMilli(nowMillis));
        }
        return new Held(limit, key, 1, expiresAt);
    }

    private static String bucketKey(BudgetLimit limit, String subject) {
        return PREFIX + limit.scope().name().toLowerCase(Locale.ROOT) + ":" + keyOf(subject) + ":requests:"
                + limit.window().toSeconds() + ":bucket" + limit.burst() + "of" + limit.units();
    }

    /** A bucket's stored time; a value that is not one (another writer's) reads as an empty bucket. */
    private static long micros(String stored) {
        try {
            return Long.parseLong(stored);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE / 4;
        }
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        CallContext call = chain.call();
        long now = call.clock().millis();
        ChatRequest sent = request;
        // an embedding call produces no output tokens: nothing to reserve for them, and no output limit to send
        boolean embeddings = call.get(CallFacts.EMBEDDINGS).orElse(false);
        List<Held> held = new ArrayList<>(limits.size());
        try {
            sent = reserve(request, sent, now, embeddings, held);
        } catch (RuntimeException | Error e) {
            if (!(e instanceof BudgetExceededException)) {
                releaseQuietly(held, now); // a store that failed half way must not keep what was reserved before
            }
            throw e;
        }
        if (held.isEmpty()) {
            return chain.proceed(request);
        }
        return proceed(chain, call, sent, held);
    }

    /** Reserves every applicable limit into {@code held}; returns the request to send. */
    private ChatRequest reserve(ChatRequest request, ChatRequest sent, long now, boolean embeddings, List<Held> held) {
        long tokens = -1;
        long nanoUsd = -1;
        for (BudgetLimit limit : limits) {
            Optional<String> subject = limit.subjectOf(request.metadata());
            if (subject.isEmpty()) {
                continue;
            }
            if (limit.isSmooth()) {
                held.add(takeFromBucket(limit, subject.get(), now, held));
                continue;
            }
            if (limit.metric() == BudgetMetric.IN_FLIGHT) {
                held.add(enterFlight(limit, subject.get(), now, held));
                continue;
            }
            if (limit.metric() != BudgetMetric.REQUESTS
                    && !embeddings
                    && sent.maxOutputTokens().isEmpty()) {
                sent = request.toBuilder()
                        .maxOutputTokens(defaultMaxOutputTokens)
                        .build();
            }
            long amount;
            if (limit.metric() == BudgetMetric.REQUESTS) {
                amount = 1;
            } else if (limit.metric() == BudgetMetric.TOKENS) {
                if (tokens < 0) {
                    tokens = TokenEstimator.inputTokens(sent)
                            + (embeddings ? 0 : sent.maxOutputTokens().getAsInt());
                }
                amount = tokens;
            } else {
                if (nanoUsd < 0) {
                    nanoUsd = estimator
                            .estimate(sent)
                            .map(BudgetInterceptor::toNanos)
                            .orElse(0L);
                }
                amount = nanoUsd;
            }
            long window = limit.window().toMillis();
            long index = Math.floorDiv(now, window);
            String key = key(limit, subject.get(), index);
            Instant expiresAt = Instant.ofEpochMilli((index + 2) * window);
            OptionalLong after = store.addIfAtMost(key, amount, limit.units(), expiresAt);
            if (after.isEmpty()) {
                release(held, now);
                Instant resetsAt = Instant.ofEpochMilli((index + 1) * window);
                String what = limit.describe(subject.get());
                throw new BudgetExceededException(
                        "budget exceeded: " + what + " (this call needs about " + describe(limit, amount)
                                + "); it resets at " + resetsAt,
                        what,
                        limit.window(),
                        resetsAt);
            }
            held.add(new Held(limit, key, amount, expiresAt));
        }
        return sent;
    }

    private ChatResult proceed(Chain chain, CallContext call, ChatRequest sent, List<Held> held) {
        ChatRequest forwarded = sent;
        AtomicBoolean settled = new AtomicBoolean();
        ChatResult result;
        try {
            result = chain.proceed(forwarded);
        } catch (RuntimeException | Error e) {
            settle(held, call, () -> Usage.ZERO, settled);
            throw e;
        }
        if (result instanceof ChatResponse response) {
            settle(
                    held,
                    call,
                    () -> ownUsage(call, response.usage(), DeliveredOutput.estimate(forwarded, response)),
                    settled);
            return response;
        }
        return new SettlingStream(
                (ChatStream) result,
                s -> settle(
                        held,
                        call,
                        () -> s.failedBeforeOutput()
                                ? s.delivered().reported()
                                : ownUsage(
                                        call,
                                        s.delivered().reported(),
                                        s.delivered().estimate(forwarded)),
                        settled));
    }

    /**
     * Without routing's attempts: the answer's usage to charge. The estimate (recorded as
     * {@code CallFacts.ESTIMATED_USAGE}) replaces the report unless the answer came from the cache or
     * from no provider at all.
     */
    private static Usage ownUsage(CallContext call, Usage reported, Optional<Usage> estimate) {
        if (estimate.isEmpty()
                || call.get(CallFacts.CACHE_HIT).orElse(false)
                || call.get(ProviderStage.PROVIDER_CALLED).isEmpty()) {
            return reported;
        }
        call.put(CallFacts.ESTIMATED_USAGE, estimate.get());
        return estimate.get();
    }

    private static String describe(BudgetLimit limit, long amount) {
        switch (limit.metric()) {
            case USD:
                return "$"
                        + BigDecimal.valueOf(amount)
                                .movePointLeft(9)
                                .stripTrailingZeros()
                                .toPlainString();
            case TOKENS:
                return amount + " tokens";
            default:
                return amount + " request";
        }
    }

    private void releaseQuietly(List<Held> held, long nowMillis) {
        try {
            release(held, nowMillis);
        } catch (RuntimeException e) {
            // the store is failing: what could not be given back expires with its window
        }
    }

    /** Gives back every reservation in {@code held}, removing each once it is given back (never twice). */
    private void release(List<Held> held, long nowMillis) {
        for (java.util.Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.limit.isSmooth()) {
                refundBucket(h);
            } else if (h.limit.metric() == BudgetMetric.IN_FLIGHT) {
                leaveFlight(h, Instant.ofEpochMilli(nowMillis));
            } else {
                store.add(h.key, -h.amount, h.expiresAt);
            }
            it.remove();
        }
    }

    /**
     * Gives back an in-flight slot, keeping the key alive for a lease from now; a counter found below zero (its key
     * expired while the call ran) is put back to zero, so that it never admits more than its max.
     */
    private void leaveFlight(Held h, Instant now) {
        Instant lease = now.plus(h.limit.window());
        long after = store.add(h.key, -1, lease);
        if (after < 0) {
            store.add(h.key, -after, lease);
        }
    }

    /**
     * Reconciles each reservation with what the call used, once. {@code answerUsage}: the answer's
     * usage as this stage saw it, read only when routing recorded no attempts.
     */
    private void settle(List<Held> held, CallContext call, Supplier<Usage> answerUsage, AtomicBoolean settled) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        List<AttemptRecord> attempts = call.list(CallFacts.ATTEMPTS);
        long actualTokens;
        boolean reachedNoProvider = false;
        if (!attempts.isEmpty()) {
            actualTokens = 0;
            for (AttemptRecord a : attempts) {
                actualTokens += a.usage().totalTokens();
            }
        } else {
            actualTokens = answerUsage.get().totalTokens();
            reachedNoProvider = call.get(ProviderStage.PROVIDER_CALLED).isEmpty()
                    && !call.get(CallFacts.CACHE_HIT).orElse(false);
        }
        Optional<BigDecimal> cost = call.get(CallFacts.COST_USD);
        // slots first: a store failing on a later reconciliation must not keep a call "in flight"
        for (Held h : held) {
            if (h.limit.metric() == BudgetMetric.IN_FLIGHT) {
                try {
                    leaveFlight(h, call.clock().instant());
                } catch (RuntimeException e) {
                    storeFailedAtSettlement(e);
                }
            }
        }
        for (Held h : held) {
            long actual;
            if (h.limit.metric() == BudgetMetric.TOKENS) {
                actual = actualTokens;
            } else if (h.limit.metric() == BudgetMetric.USD) {
                actual = cost.map(BudgetInterceptor::toNanos).orElse(reachedNoProvider ? 0L : h.amount);
            } else {
                continue;
            }
            if (actual != h.amount) {
                try {
                    store.add(h.key, actual - h.amount, h.expiresAt);
                } catch (RuntimeException e) {
                    storeFailedAtSettlement(e);
                }
            }
        }
    }

    /**
     * A store that fails while a finished call is settled never replaces the call's answer: what could not be
     * reconciled stays as reserved until its window ends (or, for an in-flight slot, until its lease passes).
     */
    private static void storeFailedAtSettlement(RuntimeException e) {
        LOG.log(
                System.Logger.Level.WARNING,
                "the state store failed while a finished call was settled ("
                        + e.getClass().getSimpleName() + "); its reservation stays until the window or lease ends");
    }

    private static long toNanos(BigDecimal usd) {
        return usd.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** {@code "BUDGET"}: a gate's builder places this interceptor at {@link Stage#BUDGET}. */
    @Override
    public String stageName() {
        return Stage.BUDGET.name();
    }

    @Override
    public String toString() {
        return "BudgetInterceptor" + limits;
    }

    /** Configures a {@link BudgetInterceptor}. */
    public static final class Builder {
        private final List<BudgetLimit> limits = new ArrayList<>();
        private StateStore store;
        private CostEstimator estimator;
        private int defaultMaxOutputTokens = 4096;
        private java.time.Clock clock = java.time.Clock.systemUTC();

        private Builder() {}

        /** Adds a limit; every applicable limit must admit a call. */
        public Builder limit(BudgetLimit value) {
            limits.add(Objects.requireNonNull(value, "limit"));
            return this;
        }

        /** Adds a limit. */
        public Builder limit(BudgetLimit.Builder value) {
            return limit(value.build());
        }

        /** Where counters live; default one in-memory store per interceptor. Share a store across the fleet to share budgets. */
        public Builder stateStore(StateStore value) {
            this.store = Objects.requireNonNull(value, "stateStore");
            return this;
        }

        /** Estimates the cost to reserve for USD limits; typically {@code router::estimateCost}. Required with a USD limit. */
        public Builder costEstimator(CostEstimator value) {
            this.estimator = Objects.requireNonNull(value, "costEstimator");
            return this;
        }

        /**
         * The clock of the default in-memory store (it expires old windows' counters by it). Windows
         * themselves follow each call's clock: give this the gate's clock when you inject one.
         */
        public Builder clock(java.time.Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * The {@code maxOutputTokens} a request without one is sent with, and reserved for its output,
         * when a token or USD limit applies to it; default 4096. Capping the request is what makes the
         * reservation an upper bound on its output (for providers that honour the limit): set it to
         * the longest answer your application needs. Requests that set {@code maxOutputTokens} keep
         * theirs.
         */
        public Builder defaultMaxOutputTokens(int value) {
            this.defaultMaxOutputTokens = value;
            return this;
        }

        /** @throws ConfigurationException listing every problem */
        public BudgetInterceptor build() {
            List<String> problems = new ArrayList<>();
            if (limits.isEmpty()) {
                problems.add(
                        "a budget interceptor needs at least one limit: add one with limit(BudgetLimit.usd(\"10\", Duration.ofDays(1)))");
            }
            boolean usd = limits.stream().anyMatch(l -> l.metric() == BudgetMetric.USD);
            if (usd && estimator == null) {
                problems.add(
                        "a USD limit needs a cost estimator to reserve with: add costEstimator(router::estimateCost)");
            }
            if (defaultMaxOutputTokens < 1) {
                problems.add("defaultMaxOutputTokens must be at least 1, was " + defaultMaxOutputTokens
                        + ": it is the maxOutputTokens sent with, and reserved for, requests that set none");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            if (store == null) {
                store = StateStore.inMemory(clock);
            }
            if (estimator == null) {
                estimator = r -> Optional.empty();
            }
            return new BudgetInterceptor(this);
        }
    }
}
