package dev.llmgate.core.cache.internal;

import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.RequestTimeoutException;
import dev.llmgate.core.cache.CacheKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Request coalescing: the first attempt for a key becomes the leader and calls upstream; identical
 * attempts that arrive while it is in flight become followers and wait for the leader's complete
 * answer. No lock is held while waiting; the map holds one entry per key in flight.
 */
public final class InFlightCalls {
    private final ConcurrentHashMap<CacheKey, Flight> flights = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    /** The flight now in progress for {@code key}, or empty: registers {@code mine} as the leader if there was none. */
    public Flight leadOrJoin(CacheKey key, Flight mine) {
        Flight existing = flights.putIfAbsent(key, mine);
        return existing == null ? mine : existing;
    }

    /** The flight in progress for {@code key}, or null. */
    public Flight current(CacheKey key) {
        return flights.get(key);
    }

    /** Followers waiting right now. */
    public int waiting() {
        return waiting.get();
    }

    /** One in-flight upstream call and its outcome. */
    public final class Flight {
        private final CacheKey key;
        private final CompletableFuture<ChatResponse> outcome = new CompletableFuture<>();
        private final Thread leader = Thread.currentThread();
        private volatile boolean tooLarge;

        public Flight(CacheKey key) {
            this.key = key;
        }

        /** True if the calling thread started this flight (it must not wait for itself). */
        public boolean ledByCurrentThread() {
            return leader == Thread.currentThread();
        }

        /** The leader's complete answer, shared with every follower. */
        public void complete(ChatResponse response) {
            flights.remove(key, this);
            outcome.complete(response);
        }

        /** The leader's failure, thrown to every follower waiting now. */
        public void fail(LlmException error) {
            flights.remove(key, this);
            outcome.completeExceptionally(error);
        }

        /** The leader gave up without an answer or an LLM error: followers try again themselves. */
        public void abandon() {
            flights.remove(key, this);
            outcome.complete(null);
        }

        /**
         * The leader's answer grew past what the cache stores: followers cannot share it and should
         * call upstream themselves at once, without coalescing again.
         */
        public void tooLarge() {
            tooLarge = true;
            abandon();
        }

        /** Whether the flight ended by {@link #tooLarge}. */
        public boolean endedTooLarge() {
            return tooLarge;
        }

        /**
         * Waits for the leader, at most {@code maxWait}.
         *
         * @return the leader's answer, or null if it abandoned the call or did not finish in time
         * @throws LlmException the leader's failure
         */
        public ChatResponse await(Duration maxWait) {
            waiting.incrementAndGet();
            try {
                return outcome.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof LlmException llm) {
                    throw llm;
                }
                return null;
            } catch (TimeoutException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RequestTimeoutException(
                        "interrupted while waiting for an identical request in flight", ErrorDetails.NONE, e);
            } finally {
                waiting.decrementAndGet();
            }
        }
    }
}
