package dev.llmgate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.exception.LlmException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import okhttp3.Headers;

/**
 * What one wrapped client's exchange learned from upstream while the gate's chain ran it, so that the
 * client gets upstream's own answer back wherever the gate did not change it: the original I/O failure
 * behind a {@code NetworkException}, the raw error answer behind a mapped HTTP error, the raw body and
 * headers of a successful answer, the first frame and headers of a stream. The chain may run several
 * attempts (retries, fallback, a hedge, possibly concurrently): each fact is kept per exception or per
 * answer, and looked up by identity or answer id. Not public API.
 */
public final class WrappedExchange {
    /** A raw upstream answer: status, headers, and body (for an error, its first bytes); never compared. */
    @SuppressWarnings("ArrayRecordComponent") // internal carrier, handed on as is
    public record Raw(int status, Headers headers, byte[] body) {}

    /** A successful upstream answer: what the gate parsed, and what upstream sent. */
    public record Answer(ChatResponse parsed, JsonNode root, Raw raw) {
        /** Whether the chain gave {@code answer} back with the same text, tool calls, refusal and finish reason. */
        public boolean unchangedIn(ChatResponse answer) {
            return parsed.text().equals(answer.text())
                    && parsed.toolCalls().equals(answer.toolCalls())
                    && parsed.refusal().equals(answer.refusal())
                    && parsed.finishReason() == answer.finishReason();
        }
    }

    /**
     * What a stream's first frame said (parsed once), the stream's headers, and the members llmgate does not know that
     * its later frames carried and the client has not been given yet.
     */
    public record StreamStart(JsonNode firstFrame, Headers headers, LaterMembers later) {}

    /**
     * Upstream's top-level members llmgate does not know, from a stream's frames after the first, waiting for the next
     * chunk written to the client: one value per name, the last one. Thread-safe.
     */
    public static final class LaterMembers {
        private final Map<String, JsonNode> pending = new java.util.LinkedHashMap<>();

        /** Records a member's new value (replacing one not yet taken). */
        public synchronized void put(String name, JsonNode value) {
            pending.put(name, value);
        }

        /** The members recorded since the last call, in the order first recorded; empty if none. */
        public synchronized List<Map.Entry<String, JsonNode>> take() {
            if (pending.isEmpty()) {
                return List.of();
            }
            List<Map.Entry<String, JsonNode>> out = new java.util.ArrayList<>(pending.size());
            pending.forEach((k, v) -> out.add(Map.entry(k, v)));
            pending.clear();
            return out;
        }
    }

    /** Headers that describe the body as sent upstream (or the connection), never passed on. */
    private static final Set<String> NOT_PASSED = Set.of(
            "content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive", "content-type");

    private final Map<LlmException, Throwable> originals = Collections.synchronizedMap(new IdentityHashMap<>());
    private final Map<LlmException, Raw> rawErrors = Collections.synchronizedMap(new IdentityHashMap<>());
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private volatile StreamStart streaming;

    /** Remembers that {@code mapped} stands for {@code original} (an I/O failure of the client's stack); returns it. */
    public <E extends LlmException> E original(E mapped, Throwable original) {
        originals.put(mapped, original);
        return mapped;
    }

    /** Remembers that {@code mapped} stands for upstream's error answer {@code raw}; returns it. */
    public <E extends LlmException> E rawError(E mapped, Raw raw) {
        rawErrors.put(mapped, raw);
        return mapped;
    }

    /** Records a successful upstream answer. */
    public void answered(Answer answer) {
        answers.add(answer);
    }

    /** The client stack's own failure behind {@code e}, if {@code e} stands for one. */
    public Optional<Throwable> originalOf(LlmException e) {
        return Optional.ofNullable(originals.get(e));
    }

    /** Upstream's error answer behind {@code e}, if {@code e} stands for one. */
    public Optional<Raw> rawErrorOf(LlmException e) {
        return Optional.ofNullable(rawErrors.get(e));
    }

    /**
     * The upstream answer {@code r} came from: the one with {@code r}'s id, or the only one recorded.
     * Empty when upstream was not called in this exchange (a cached replay) or {@code r} came from
     * another provider.
     */
    public Optional<Answer> answerFor(ChatResponse r) {
        Answer only = null;
        int count = 0;
        for (Answer a : answers) {
            if (!a.parsed().id().isEmpty() && a.parsed().id().equals(r.id())) {
                return Optional.of(a);
            }
            only = a;
            count++;
        }
        return count == 1 && r.provider().equals(only.parsed().provider()) ? Optional.of(only) : Optional.empty();
    }

    /** Forgets the start of the stream read last: it failed, and what follows comes from another attempt. */
    public void streamFailed() {
        streaming = null;
    }

    /** The start of the upstream stream that produced the events read last, if an upstream stream was read. */
    public Optional<StreamStart> streaming() {
        return Optional.ofNullable(streaming);
    }

    /**
     * A decoder that reads the first data frame of a stream once as a tree (for {@link #streaming()}),
     * then hands every frame to {@code decoder}. Each frame marks this stream as the one read last.
     *
     * @param skip a data frame that carries no facts (e.g. {@code [DONE]}), not parsed
     */
    public StreamDecoder observing(StreamDecoder decoder, Headers headers, String skip) {
        return observing(decoder, headers, skip, new LaterMembers());
    }

    /**
     * Like {@link #observing(StreamDecoder, Headers, String)}, with {@code later} as the stream's {@link
     * StreamStart#later()} (where {@code decoder} puts the members of later frames).
     */
    public StreamDecoder observing(StreamDecoder decoder, Headers headers, String skip, LaterMembers later) {
        return new StreamDecoder() {
            private StreamStart start;

            @Override
            public void decode(String event, String data, Consumer<StreamEvent> out) {
                if (start == null && !data.equals(skip)) {
                    JsonNode first;
                    try {
                        first = Json.MAPPER.readTree(data);
                    } catch (IOException e) {
                        first = null; // the decoder reports the malformed frame
                    }
                    start = new StreamStart(
                            first == null || !first.isObject() ? Json.MAPPER.createObjectNode() : first,
                            headers,
                            later);
                }
                if (start != null) {
                    streaming = start;
                }
                try {
                    decoder.decode(event, data, out);
                } catch (RuntimeException e) {
                    streamFailed(); // a fallback's events must not be labelled with this stream's id
                    throw e;
                }
            }

            @Override
            public boolean finishAtEnd(Consumer<StreamEvent> out) {
                boolean finished = decoder.finishAtEnd(out);
                if (!finished) {
                    streamFailed();
                }
                return finished;
            }
        };
    }

    /** Whether {@code raw}'s body or headers show anything {@code secrets} would mask (e.g. an echoed key). */
    public static boolean leaks(Raw raw, Secrets secrets) {
        if (secrets.leaks(new String(raw.body(), StandardCharsets.UTF_8))) {
            return true;
        }
        for (int i = 0; i < raw.headers().size(); i++) {
            if (secrets.leaks(raw.headers().value(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Upstream's headers that describe the answer (request ids, rate-limit state, ...), for the client: not
     * those that describe the body as sent, nor cookies, nor any whose value shows what {@code secrets}
     * masks (e.g. the client's key echoed).
     */
    public static Headers passedOn(Headers upstream, Secrets secrets) {
        Headers.Builder b = new Headers.Builder();
        for (int i = 0; i < upstream.size(); i++) {
            String name = upstream.name(i);
            if (!NOT_PASSED.contains(name.toLowerCase(Locale.ROOT)) && !secrets.leaks(upstream.value(i))) {
                b.addUnsafeNonAscii(name, upstream.value(i));
            }
        }
        return b.build();
    }
}
