package dev.llmgate.testing;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@link ModelProvider} that answers with scripted {@link Reply replies} and records what it was
 * asked: the downstream of an interceptor under test (see {@link FakeChain}), or a provider of a
 * real {@code LlmGate} in a test of routing, caching, policy or audit.
 *
 * <p>Each call is numbered from 1 in the order calls arrive; failed calls count. The reply comes
 * from a script ({@link #replying}: the replies in order, the last one repeated for every later
 * call) or from a function of the call ({@link #answering}: for answers that depend on the request
 * or the call number). Either can be replaced between calls ({@link #replyWith},
 * {@link #answerWith}). {@link #echoing} answers with the request's last user text.
 *
 * <p>Guarantees: every call is recorded ({@link #requests()}, {@link #calls()}) before it is held or
 * answered; a blocking call's response is exactly the collected stream of the same reply; each
 * stream's resources are released once (after its finish, its failure or its {@code close()}),
 * counted by {@link #streamsReleased()}. Thread-safe: calls may arrive concurrently.
 */
public final class ScriptedProvider implements ModelProvider {
    private final AtomicInteger calls = new AtomicInteger();
    private final List<ChatRequest> requests = new ArrayList<>();
    private final Counters counters = new Counters();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile Function<? super Call, Reply> responder;
    /** {@code null}: calls are not held. */
    private volatile Hold hold;

    private ScriptedProvider(Function<? super Call, Reply> responder) {
        this.responder = responder;
    }

    /** A provider answering the calls with {@code first}, then each of {@code more} in order, then the last reply again and again. */
    public static ScriptedProvider replying(Reply first, Reply... more) {
        return new ScriptedProvider(script(first, more));
    }

    /** A provider answering each call with the reply {@code responder} makes of it. */
    public static ScriptedProvider answering(Function<? super Call, Reply> responder) {
        return new ScriptedProvider(Objects.requireNonNull(responder, "responder"));
    }

    /** A provider answering {@code prefix} followed by the request's last user text, in one chunk: it shows what reached it. */
    public static ScriptedProvider echoing(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return answering(call -> Reply.text(prefix + call.request().lastUserText()));
    }

    /** From the next call on, answers with {@code first}, then each of {@code more}, then the last reply again; returns this provider. */
    public ScriptedProvider replyWith(Reply first, Reply... more) {
        this.responder = script(first, more);
        return this;
    }

    /** From the next call on, answers each call with the reply {@code responder} makes of it; returns this provider. */
    public ScriptedProvider answerWith(Function<? super Call, Reply> responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
        return this;
    }

    /**
     * Holds every call that arrives from now on at {@code hold}, before it is answered (a streamed
     * call does not get its stream) until the test releases the hold; returns this provider. The call
     * is counted and recorded first, so {@link Hold#awaitArrivals} tells the test the call is inside
     * the provider. A released hold holds nothing.
     */
    public ScriptedProvider holdCalls(Hold hold) {
        this.hold = Objects.requireNonNull(hold, "hold");
        return this;
    }

    private static Function<Call, Reply> script(Reply first, Reply... more) {
        List<Reply> replies = new ArrayList<>(1 + more.length);
        replies.add(Objects.requireNonNull(first, "first"));
        for (Reply r : more) {
            replies.add(Objects.requireNonNull(r, "a reply is null"));
        }
        List<Reply> script = List.copyOf(replies);
        AtomicInteger next = new AtomicInteger();
        return call -> script.get(Math.min(next.getAndIncrement(), script.size() - 1));
    }

    @Override
    public ChatResponse chat(ChatRequest request, CallContext call) {
        Call c = arrive(request, call);
        return reply(c).respond(c);
    }

    @Override
    public ChatStream stream(ChatRequest request, CallContext call) {
        Call c = arrive(request, call);
        return reply(c).stream(c, counters);
    }

    private Call arrive(ChatRequest request, CallContext call) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(call, "call");
        int number;
        synchronized (requests) {
            number = calls.incrementAndGet();
            requests.add(request);
        }
        Call c = new Call(request, call, number);
        Hold h = hold;
        if (h != null) {
            h.pass();
        }
        return c;
    }

    private Reply reply(Call call) {
        Reply r = responder.apply(call);
        if (r == null) {
            throw new NullPointerException("the responder of a ScriptedProvider returned null for call " + call.number()
                    + ": return a Reply (Reply.failure(...) to fail the call)");
        }
        return r;
    }

    /** How many calls arrived (blocking and streamed, including failed ones). */
    public int calls() {
        return calls.get();
    }

    /** Every request received, in the order the calls arrived. A snapshot. */
    public List<ChatRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /**
     * The request of the latest call.
     *
     * @throws IllegalStateException if no call arrived yet
     */
    public ChatRequest lastRequest() {
        synchronized (requests) {
            if (requests.isEmpty()) {
                throw new IllegalStateException("the provider has not been called");
            }
            return requests.get(requests.size() - 1);
        }
    }

    /** How many streams this provider returned. */
    public int streamsOpened() {
        return counters.opened.get();
    }

    /** How many of the returned streams released their resources: finished, failed, or closed by their consumer. */
    public int streamsReleased() {
        return counters.released.get();
    }

    /** How many times consumers pulled an event (or a failure) from this provider's streams, over all streams. */
    public int eventsPulled() {
        return counters.pulled.get();
    }

    /** How many times {@link #close()} was called (a gate closes each of its providers once). */
    public int closes() {
        return closes.get();
    }

    /** Counts the call; releases nothing (there is nothing to release). */
    @Override
    public void close() {
        closes.incrementAndGet();
    }

    @Override
    public String toString() {
        return "ScriptedProvider[" + calls.get() + " calls]";
    }

    /**
     * One call as the provider saw it: the request, the call's context, and its number (1 for the
     * first call of this provider). Immutable.
     */
    public static final class Call {
        private final ChatRequest request;
        private final CallContext context;
        private final int number;

        Call(ChatRequest request, CallContext context, int number) {
            this.request = request;
            this.context = context;
            this.number = number;
        }

        /** The request, with the provider's bare model name (as a gate passes it). */
        public ChatRequest request() {
            return request;
        }

        /** The call's context. */
        public CallContext context() {
            return context;
        }

        /** The call's number: 1 for the provider's first call, counting every call (failed ones too). */
        public int number() {
            return number;
        }

        @Override
        public String toString() {
            return "Call[" + number + ", " + context.callId() + "]";
        }
    }

    /** The stream counters, shared with the streams of this provider. */
    static final class Counters {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();
        final AtomicInteger pulled = new AtomicInteger();

        void streamOpened() {
            opened.incrementAndGet();
        }

        void streamReleased() {
            released.incrementAndGet();
        }

        void eventPulled() {
            pulled.incrementAndGet();
        }
    }
}
