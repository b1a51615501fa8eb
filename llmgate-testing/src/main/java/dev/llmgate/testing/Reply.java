package dev.llmgate.testing;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamAccumulator;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.LlmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One scripted answer of a {@link ScriptedProvider}: what a provider returns for one call, as a
 * complete response to a blocking call and as a stream of events to a streamed one, or the
 * {@link LlmException} it fails with.
 *
 * <p>An answer's stream is its text chunks, then its tool calls (each as a first delta with its id
 * and name and a second with its arguments, as OpenAI streams them), then its usage (unless
 * {@link Usage#ZERO}), then one {@link StreamEvent.Finish}; {@link #events} scripts any other
 * sequence. The blocking response is exactly what collecting that stream gives, so a blocking and a
 * streamed call of the same reply agree. The finish carries the reason (default
 * {@link FinishReason#STOP}; {@link FinishReason#TOOL_CALLS} for {@link #toolCalls}), the id (default
 * {@code "scripted-<n>"}, {@code n} the provider's call number), the model (default the request's
 * model) and the refusal (default none).
 *
 * <p>Immutable and thread-safe: each {@code with...} method returns a new reply, so one reply can
 * answer any number of calls. Failures are thrown as given (the same exception instance each time,
 * unless scripted with a {@link #failure(Supplier) supplier}).
 */
public final class Reply {
    private static final Pattern AFTER_SPACE = Pattern.compile("(?<= )");

    private final List<StreamEvent> deltas;
    private final FinishReason reason;
    private final Optional<String> id;
    private final Optional<String> model;
    private final String provider;
    private final Optional<String> refusal;
    /** What the reply fails with; {@code null} when it answers. */
    private final Supplier<? extends LlmException> failure;
    /** With a failure: -1 to fail at the call, else how many events a stream delivers before it fails. */
    private final int failAfter;
    /** {@code null}: no simulated latency. */
    private final MutableClock clock;

    private final Duration latency;
    /** {@code null}: not held. */
    private final Hold hold;

    private Reply(
            List<StreamEvent> deltas,
            FinishReason reason,
            Optional<String> id,
            Optional<String> model,
            String provider,
            Optional<String> refusal,
            Supplier<? extends LlmException> failure,
            int failAfter,
            MutableClock clock,
            Duration latency,
            Hold hold) {
        this.deltas = List.copyOf(deltas);
        this.reason = reason;
        this.id = id;
        this.model = model;
        this.provider = provider;
        this.refusal = refusal;
        this.failure = failure;
        this.failAfter = failAfter;
        this.clock = clock;
        this.latency = latency;
        this.hold = hold;
    }

    private static Reply answer(List<StreamEvent> deltas, FinishReason reason) {
        return new Reply(
                deltas,
                reason,
                Optional.empty(),
                Optional.empty(),
                "",
                Optional.empty(),
                null,
                -1,
                null,
                Duration.ZERO,
                null);
    }

    /** Answers {@code text}, streamed as one chunk (no chunk at all for {@code ""}). */
    public static Reply text(String text) {
        Objects.requireNonNull(text, "text: use \"\" for no text");
        return answer(text.isEmpty() ? List.of() : List.of(new StreamEvent.TextDelta(text)), FinishReason.STOP);
    }

    /** Answers {@code text}, streamed word by word: each chunk ends after a space. */
    public static Reply words(String text) {
        Objects.requireNonNull(text, "text: use \"\" for no text");
        List<StreamEvent> deltas = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String word : AFTER_SPACE.split(text)) {
                deltas.add(new StreamEvent.TextDelta(word));
            }
        }
        return answer(deltas, FinishReason.STOP);
    }

    /** Answers the concatenation of {@code chunks}, streamed in exactly these chunks. */
    public static Reply chunks(String... chunks) {
        return chunks(Arrays.asList(Objects.requireNonNull(chunks, "chunks")));
    }

    /** Answers the concatenation of {@code chunks}, streamed in exactly these chunks. */
    public static Reply chunks(List<String> chunks) {
        List<StreamEvent> deltas = new ArrayList<>(chunks.size());
        for (String chunk : chunks) {
            deltas.add(new StreamEvent.TextDelta(Objects.requireNonNull(chunk, "a chunk is null")));
        }
        return answer(deltas, FinishReason.STOP);
    }

    /** Asks for these tool calls, without text, and finishes with {@link FinishReason#TOOL_CALLS}. */
    public static Reply toolCalls(ToolCall first, ToolCall... more) {
        Reply reply = answer(List.of(), FinishReason.TOOL_CALLS).withToolCall(first);
        for (ToolCall call : more) {
            reply = reply.withToolCall(call);
        }
        return reply;
    }

    /**
     * Streams exactly {@code events}: text, tool-call and usage events in any order and split, for
     * example a tool call's arguments over several deltas. A {@link StreamEvent.Finish}, if given,
     * must be the last event and supplies the reason, id, provider, model and refusal; without one the
     * reply finishes as any other (default reason {@link FinishReason#STOP}). Script a failure with
     * {@link #failingAfter}, not with an {@link StreamEvent.Error} event.
     *
     * @throws IllegalArgumentException for an {@code Error} event, or a {@code Finish} that is not last
     */
    public static Reply events(StreamEvent... events) {
        return events(Arrays.asList(Objects.requireNonNull(events, "events")));
    }

    /** As {@link #events(StreamEvent...)}. */
    public static Reply events(List<StreamEvent> events) {
        List<StreamEvent> deltas = new ArrayList<>(events.size());
        StreamEvent.Finish finish = null;
        for (int i = 0; i < events.size(); i++) {
            StreamEvent e = Objects.requireNonNull(events.get(i), "event " + i + " is null");
            if (e instanceof StreamEvent.Error) {
                throw new IllegalArgumentException("event " + i + " is an Error event: script a failure with"
                        + " Reply.failure(...) or reply.failingAfter(events, error) instead");
            }
            if (e instanceof StreamEvent.Finish f) {
                if (i != events.size() - 1) {
                    throw new IllegalArgumentException(
                            "event " + i + " is a Finish but not the last event: nothing follows a finish");
                }
                finish = f;
            } else {
                deltas.add(e);
            }
        }
        if (finish == null) {
            return answer(deltas, FinishReason.STOP);
        }
        return new Reply(
                deltas,
                finish.reason(),
                Optional.of(finish.responseId()),
                Optional.of(finish.model()),
                finish.provider(),
                finish.refusal(),
                null,
                -1,
                null,
                Duration.ZERO,
                null);
    }

    /** Fails the call with {@code error}: a blocking call throws it, and so does {@code stream(...)} itself. */
    public static Reply failure(LlmException error) {
        Objects.requireNonNull(error, "error");
        return failure(() -> error);
    }

    /** As {@link #failure(LlmException)}, with a new exception from {@code errors} for each call. */
    public static Reply failure(Supplier<? extends LlmException> errors) {
        Objects.requireNonNull(errors, "errors");
        return new Reply(
                List.of(),
                FinishReason.STOP,
                Optional.empty(),
                Optional.empty(),
                "",
                Optional.empty(),
                errors,
                -1,
                null,
                Duration.ZERO,
                null);
    }

    /** This answer reporting {@code usage} after its content (replacing any usage it reported); {@link Usage#ZERO} reports none. */
    public Reply withUsage(Usage usage) {
        Objects.requireNonNull(usage, "usage: use Usage.ZERO for none");
        requireAnswer("withUsage");
        List<StreamEvent> next = new ArrayList<>(deltas.size() + 1);
        for (StreamEvent e : deltas) {
            if (!(e instanceof StreamEvent.UsageUpdate)) {
                next.add(e);
            }
        }
        if (!usage.equals(Usage.ZERO)) {
            next.add(new StreamEvent.UsageUpdate(usage));
        }
        return with(next, reason, id, model, refusal);
    }

    /** This answer with one more tool call, after its text and earlier tool calls; the finish reason is unchanged. */
    public Reply withToolCall(ToolCall call) {
        Objects.requireNonNull(call, "call");
        requireAnswer("withToolCall");
        int index = 0;
        for (StreamEvent e : deltas) {
            if (e instanceof StreamEvent.ToolCallDelta d) {
                index = Math.max(index, d.index() + 1);
            }
        }
        int at = deltas.size();
        while (at > 0 && deltas.get(at - 1) instanceof StreamEvent.UsageUpdate) {
            at--;
        }
        List<StreamEvent> next = new ArrayList<>(deltas);
        next.add(at, new StreamEvent.ToolCallDelta(index, Optional.of(call.id()), Optional.of(call.name()), ""));
        next.add(
                at + 1, new StreamEvent.ToolCallDelta(index, Optional.empty(), Optional.empty(), call.argumentsJson()));
        return with(next, reason, id, model, refusal);
    }

    /** This answer finishing with {@code reason}. */
    public Reply withFinishReason(FinishReason reason) {
        Objects.requireNonNull(reason, "reason");
        requireAnswer("withFinishReason");
        return with(deltas, reason, id, model, refusal);
    }

    /** This answer carrying the model's refusal {@code text} (as providers that report refusals separately do). */
    public Reply withRefusal(String text) {
        Objects.requireNonNull(text, "text");
        requireAnswer("withRefusal");
        return with(deltas, reason, id, model, Optional.of(text));
    }

    /** This answer with the response id {@code id} instead of {@code "scripted-<n>"}. */
    public Reply withId(String id) {
        Objects.requireNonNull(id, "id");
        requireAnswer("withId");
        return with(deltas, reason, Optional.of(id), model, refusal);
    }

    /** This answer naming {@code model} as the model that answered, instead of the request's model. */
    public Reply withModel(String model) {
        Objects.requireNonNull(model, "model");
        requireAnswer("withModel");
        return with(deltas, reason, id, Optional.of(model), refusal);
    }

    /**
     * This answer failing part-way: a stream delivers its first {@code events} events and then throws
     * {@code error} from {@code hasNext()}/{@code next()} ({@code 0}: on the first pull; the number of
     * events before the finish: instead of the finish). A blocking call throws {@code error}.
     *
     * @throws IllegalArgumentException if {@code events} is negative or would reach past the finish
     */
    public Reply failingAfter(int events, LlmException error) {
        Objects.requireNonNull(error, "error");
        requireAnswer("failingAfter");
        if (events < 0 || events > deltas.size()) {
            throw new IllegalArgumentException("failingAfter(" + events + "): this answer streams " + deltas.size()
                    + " events before its finish, so a stream can fail after 0 to " + deltas.size() + " of them");
        }
        return new Reply(deltas, reason, id, model, provider, refusal, () -> error, events, clock, latency, hold);
    }

    /**
     * This reply taking {@code latency} by {@code clock}: when the call arrives the clock is advanced
     * by {@code latency} (before a stream is returned), so the code under test measures the latency
     * without any thread sleeping.
     */
    public Reply withLatency(MutableClock clock, Duration latency) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + latency);
        }
        return new Reply(deltas, reason, id, model, provider, refusal, failure, failAfter, clock, latency, hold);
    }

    /**
     * This reply waiting at {@code hold} until the test releases it: a blocking call (or a call that
     * fails at once) waits before answering; a stream is returned at once and waits before its first
     * event, like a provider slow to its first token.
     */
    public Reply heldBy(Hold hold) {
        Objects.requireNonNull(hold, "hold");
        return new Reply(deltas, reason, id, model, provider, refusal, failure, failAfter, clock, latency, hold);
    }

    private Reply with(
            List<StreamEvent> deltas,
            FinishReason reason,
            Optional<String> id,
            Optional<String> model,
            Optional<String> refusal) {
        return new Reply(deltas, reason, id, model, provider, refusal, failure, failAfter, clock, latency, hold);
    }

    private void requireAnswer(String method) {
        if (failure != null) {
            throw new IllegalStateException(method + "(...) changes an answer, and this reply "
                    + (failAfter < 0 ? "fails at the call" : "already fails part-way")
                    + ": script the answer first, then failingAfter(...)");
        }
    }

    /** The complete response to a blocking call, or the scripted failure. */
    ChatResponse respond(ScriptedProvider.Call call) {
        arrive();
        if (hold != null) {
            hold.pass();
        }
        if (failure != null) {
            throw failure.get();
        }
        StreamAccumulator acc = new StreamAccumulator();
        for (StreamEvent e : events(call)) {
            acc.accept(e);
        }
        return acc.toResponse();
    }

    /** The stream of a streamed call, or the scripted failure at the call. */
    ChatStream stream(ScriptedProvider.Call call, ScriptedProvider.Counters counters) {
        arrive();
        if (failure != null && failAfter < 0) {
            if (hold != null) {
                hold.pass();
            }
            throw failure.get();
        }
        List<StreamEvent> events = events(call);
        if (failure != null && failAfter >= events.size()) {
            throw new IllegalStateException("failingAfter(" + failAfter + ") reaches past the finish of an answer of "
                    + events.size() + " events");
        }
        LlmException error = failure == null ? null : failure.get();
        counters.streamOpened();
        return new ScriptedStream(events, error, failAfter, hold, counters);
    }

    private void arrive() {
        if (clock != null) {
            clock.advance(latency);
        }
    }

    private List<StreamEvent> events(ScriptedProvider.Call call) {
        List<StreamEvent> events = new ArrayList<>(deltas.size() + 1);
        events.addAll(deltas);
        events.add(StreamEvent.Finish.builder(reason)
                .responseId(id.orElse("scripted-" + call.number()))
                .provider(provider)
                .model(model.orElse(call.request().model()))
                .refusal(refusal)
                .build());
        return events;
    }

    /** The reply's shape, never its text. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Reply[");
        if (failure != null && failAfter < 0) {
            sb.append("failure");
        } else {
            sb.append(deltas.size()).append(" events, ").append(reason);
            if (failure != null) {
                sb.append(", failing after ").append(failAfter).append(" events");
            }
        }
        if (clock != null) {
            sb.append(", latency ").append(latency);
        }
        if (hold != null) {
            sb.append(", held");
        }
        return sb.append(']').toString();
    }

    /** Plays a list of events; fails at the scripted position; counts pulls and releases. */
    private static final class ScriptedStream extends AbstractChatStream {
        private final List<StreamEvent> events;
        private final LlmException error;
        private final int failAfter;
        private final ScriptedProvider.Counters counters;
        private Hold hold;
        private int position;

        ScriptedStream(
                List<StreamEvent> events,
                LlmException error,
                int failAfter,
                Hold hold,
                ScriptedProvider.Counters counters) {
            this.events = events;
            this.error = error;
            this.failAfter = failAfter;
            this.hold = hold;
            this.counters = counters;
        }

        @Override
        protected StreamEvent produce() {
            counters.eventPulled();
            if (hold != null) {
                Hold h = hold;
                hold = null;
                h.pass();
            }
            if (error != null && position == failAfter) {
                throw error;
            }
            return events.get(position++);
        }

        @Override
        protected void release() {
            counters.streamReleased();
        }
    }
}
