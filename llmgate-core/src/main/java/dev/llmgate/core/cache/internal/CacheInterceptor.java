package dev.llmgate.core.cache.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Timings;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.StagedInterceptor;
import dev.llmgate.core.Stage;
import dev.llmgate.core.cache.CacheControl;
import dev.llmgate.core.cache.CacheKey;
import dev.llmgate.core.cache.CacheOutcome;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The response cache as an interceptor for {@code Stage.CACHE}: once per attempt, with the request
 * addressed to the resolved {@code "provider:model"}. In order: read the per-request controls,
 * derive the key, answer from the exact cache, else lead or join the identical in-flight call, else
 * (as the leader) try the semantic cache, else call upstream and store the complete answer if the
 * never-store rules allow.
 */
public final class CacheInterceptor implements StagedInterceptor {
    private static final System.Logger LOG = System.getLogger(CacheInterceptor.class.getName());
    private static final String EXACT_DOMAIN = "exact";

    /** Where {@link dev.llmgate.core.cache.ResponseCache#OUTCOME} points; set by the public class. */
    private final CallContext.Key<CacheOutcome> outcomeKey;

    private final CacheSettings settings;
    private final InFlightCalls inFlight = new InFlightCalls();
    private final LongAdder hits = new LongAdder();
    private final LongAdder semanticHits = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder stores = new LongAdder();
    private final LongAdder notStored = new LongAdder();
    private final AtomicBoolean warnedUnsupported = new AtomicBoolean();

    public CacheInterceptor(CacheSettings settings, CallContext.Key<CacheOutcome> outcomeKey) {
        this.settings = settings;
        this.outcomeKey = outcomeKey;
    }

    @Override
    public ChatResult intercept(Chain chain) {
        ChatRequest request = chain.request();
        CallContext call = chain.call();
        if (call.get(CallFacts.EMBEDDINGS).orElse(false)) {
            // its answer has no text (the vectors pass outside the chain): storing it would serve an answer
            // without vectors; and the semantic cache's own embedder calls must not re-enter the cache
            call.put(outcomeKey, CacheOutcome.UNCACHEABLE);
            return chain.proceed(request);
        }
        CacheControl control = CacheControl.from(request.metadata());
        if (control.mode() == CacheControl.Mode.BYPASS) {
            call.put(outcomeKey, CacheOutcome.BYPASS);
            return chain.proceed(request);
        }
        Optional<String> namespace = control.namespace()
                .or(() -> request.metadata().tenant().filter(t -> !t.isBlank()))
                .or(settings::defaultNamespace);
        if (namespace.isEmpty()) {
            call.put(outcomeKey, CacheOutcome.UNCACHEABLE);
            return chain.proceed(request);
        }
        CacheKey key;
        try {
            key = new CacheKey(
                    namespace.get(), request.model(), RequestDigest.digest(EXACT_DOMAIN, namespace.get(), request));
        } catch (RequestDigest.UnsupportedValueException e) {
            if (warnedUnsupported.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + " (such requests are not cached; logged once)");
            }
            call.put(outcomeKey, CacheOutcome.UNCACHEABLE);
            return chain.proceed(request);
        }
        Duration ttl = control.ttl().orElse(settings.ttl());
        if (control.mode() == CacheControl.Mode.REFRESH) {
            return callUpstream(chain, namespace.get(), key, ttl, true, null, true);
        }
        Optional<ChatResponse> cached = get(key);
        if (cached.isPresent()) {
            return hit(call, request.model(), cached.get(), CacheOutcome.HIT);
        }
        boolean store = control.mode() != CacheControl.Mode.NO_STORE;
        if (!settings.coalescing()) {
            return callUpstream(chain, namespace.get(), key, ttl, store, null, false);
        }
        while (true) {
            InFlightCalls.Flight flight;
            if (store) {
                InFlightCalls.Flight mine = inFlight.new Flight(key);
                flight = inFlight.leadOrJoin(key, mine);
                if (flight == mine) {
                    cached = get(key);
                    if (cached.isPresent()) {
                        mine.complete(cached.get());
                        return hit(call, request.model(), cached.get(), CacheOutcome.HIT);
                    }
                    return callUpstream(chain, namespace.get(), key, ttl, true, mine, false);
                }
            } else {
                flight = inFlight.current(key);
                if (flight == null) {
                    return callUpstream(chain, namespace.get(), key, ttl, false, null, false);
                }
            }
            if (flight.ledByCurrentThread()) {
                // this thread holds the leader's unread stream: waiting would wait for itself
                return callUpstream(chain, namespace.get(), key, ttl, store, null, false);
            }
            ChatResponse shared = flight.await(settings.coalescingMaxWait());
            if (shared != null) {
                return hit(call, request.model(), shared, CacheOutcome.COALESCED);
            }
            if (flight.endedTooLarge()) {
                // the answer is too large to store or share: go upstream now rather than queue behind another leader
                return callUpstream(chain, namespace.get(), key, ttl, false, null, false);
            }
            if (inFlight.current(key) == flight) {
                return callUpstream(chain, namespace.get(), key, ttl, store, null, false);
            }
            cached = get(key);
            if (cached.isPresent()) {
                return hit(call, request.model(), cached.get(), CacheOutcome.HIT);
            }
        }
    }

    private ChatResult callUpstream(
            Chain chain,
            String namespace,
            CacheKey key,
            Duration ttl,
            boolean store,
            InFlightCalls.Flight flight,
            boolean refresh) {
        CallContext call = chain.call();
        ChatRequest request = chain.request();
        SemanticLookup.Probe probe = null;
        if (settings.semantic().isPresent()) {
            try {
                probe = settings.semantic().get().probe(namespace, request).orElse(null);
            } catch (RequestDigest.UnsupportedValueException e) {
                probe = null;
            }
            if (probe != null && !refresh) {
                Optional<ChatResponse> similar = probe.find(this::get);
                if (similar.isPresent()) {
                    if (flight != null) {
                        flight.complete(similar.get());
                    }
                    return hit(call, request.model(), similar.get(), CacheOutcome.SEMANTIC_HIT);
                }
            }
        }
        misses.increment();
        call.put(outcomeKey, refresh ? CacheOutcome.REFRESH : CacheOutcome.MISS);
        call.put(CallFacts.CACHE_HIT, Boolean.FALSE);
        Completion completion = new Completion(key, ttl, store, flight, probe);
        ChatResult result;
        try {
            result = chain.proceed(request);
        } catch (LlmException e) {
            completion.failed(e);
            throw e;
        } catch (RuntimeException | Error e) {
            completion.abandoned();
            throw e;
        }
        if (result instanceof ChatResponse response) {
            completion.completed(response);
            return response;
        }
        return new RecordingStream((ChatStream) result, settings.maximumAnswerChars(), completion);
    }

    private ChatResult hit(CallContext call, String address, ChatResponse stored, CacheOutcome outcome) {
        if (outcome == CacheOutcome.HIT) {
            hits.increment();
        } else if (outcome == CacheOutcome.SEMANTIC_HIT) {
            semanticHits.increment();
        } else {
            coalesced.increment();
        }
        call.put(outcomeKey, outcome);
        call.put(CallFacts.CACHE_HIT, Boolean.TRUE);
        call.put(CallFacts.DEPLOYMENT, address);
        call.put(CallFacts.COST_USD, BigDecimal.ZERO);
        ChatResponse answer = stored.timings().equals(Timings.NONE)
                ? stored
                : stored.toBuilder().timings(Timings.NONE).build();
        return call.streaming() ? new ReplayStream(answer, settings.replayChunkChars()) : answer;
    }

    private Optional<ChatResponse> get(CacheKey key) {
        try {
            return settings.store().get(key);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "response store get failed (" + e.getClass().getName() + "); treated as a miss");
            return Optional.empty();
        }
    }

    /** Whether a complete answer may be stored: the never-store rules. */
    boolean storable(ChatResponse r) {
        FinishReason reason = r.finishReason();
        boolean finishOk = reason == FinishReason.STOP
                || reason == FinishReason.TOOL_CALLS
                || (reason == FinishReason.LENGTH && settings.storeLengthFinish());
        return finishOk && r.refusal().isEmpty() && answerChars(r) <= settings.maximumAnswerChars();
    }

    /** The size of an answer as {@code maximumAnswerChars} counts it: text plus tool-call arguments. */
    static long answerChars(ChatResponse r) {
        long n = r.text().length();
        for (ToolCall c : r.toolCalls()) {
            n += c.argumentsJson().length();
        }
        return n;
    }

    /** Counters since the cache was built. */
    public Counters counters() {
        return new Counters(
                hits.sum(),
                semanticHits.sum(),
                coalesced.sum(),
                misses.sum(),
                stores.sum(),
                notStored.sum(),
                inFlight.waiting());
    }

    /** The counters behind {@link dev.llmgate.core.cache.CacheStats}, read one by one. */
    public record Counters(
            long hits,
            long semanticHits,
            long coalesced,
            long misses,
            long stores,
            long notStored,
            int waitingFollowers) {}

    /** {@code "CACHE"}: a gate's builder places this interceptor at {@link Stage#CACHE}. */
    @Override
    public String stageName() {
        return Stage.CACHE.name();
    }

    @Override
    public String toString() {
        return settings.description();
    }

    /** What happens when the upstream answer is complete, failed or abandoned. */
    private final class Completion implements RecordingStream.Listener {
        private final CacheKey key;
        private final Duration ttl;
        private final boolean store;
        private final InFlightCalls.Flight flight;
        private final SemanticLookup.Probe probe;

        Completion(CacheKey key, Duration ttl, boolean store, InFlightCalls.Flight flight, SemanticLookup.Probe probe) {
            this.key = key;
            this.ttl = ttl;
            this.store = store;
            this.flight = flight;
            this.probe = probe;
        }

        @Override
        public void completed(ChatResponse response) {
            try {
                if (store) {
                    if (storable(response)) {
                        try {
                            settings.store()
                                    .put(
                                            key,
                                            response.timings().equals(Timings.NONE)
                                                    ? response
                                                    : response.toBuilder()
                                                            .timings(Timings.NONE)
                                                            .build(),
                                            ttl);
                            stores.increment();
                        } catch (RuntimeException e) {
                            LOG.log(
                                    System.Logger.Level.WARNING,
                                    "response store put failed (" + e.getClass().getName()
                                            + "); the answer was not cached");
                            return;
                        }
                        if (probe != null) {
                            try {
                                probe.index(key);
                            } catch (RuntimeException e) {
                                LOG.log(
                                        System.Logger.Level.WARNING,
                                        "semantic index add failed ("
                                                + e.getClass().getName() + "); the question was not indexed");
                            }
                        }
                    } else {
                        notStored.increment();
                    }
                }
            } finally {
                if (flight != null) {
                    flight.complete(response);
                }
            }
        }

        @Override
        public void failed(LlmException error) {
            if (flight != null) {
                flight.fail(error);
            }
        }

        @Override
        public void tooLarge() {
            if (store) {
                notStored.increment();
            }
            if (flight != null) {
                flight.tooLarge();
            }
        }

        @Override
        public void abandoned() {
            if (flight != null) {
                flight.abandon();
            }
        }
    }
}
