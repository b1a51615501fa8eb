package dev.llmgate.core.events;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.spi.CallContext;
import java.util.Objects;

/**
 * The start of an observed call or attempt, as a {@link CallObserver} sees it.
 *
 * <p>Guarantees: immutable; no accessor returns {@code null}. The {@link #request()} holds the prompt: an observer
 * must not export it unless its user asked for content (and, for a call, it is the request before the gate's
 * policy redacted it; an attempt's request is what the provider receives). A final class rather than a record so
 * that values can be added in later versions without breaking callers (docs/api-stability.md).
 */
public final class ObservedStart {
    /** What is observed. */
    public enum Kind {
        /** The whole call, as its caller made it: once per call. */
        CALL,
        /** One attempt at a provider: once per try (retries, fallbacks and hedges each count). */
        ATTEMPT
    }

    private final Kind kind;
    private final String operation;
    private final String provider;
    private final String model;
    private final int attempt;
    private final ChatRequest request;
    private final CallContext call;

    private ObservedStart(
            Kind kind, String provider, String model, int attempt, ChatRequest request, CallContext call) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.model = Objects.requireNonNull(model, "model");
        this.attempt = attempt;
        this.request = Objects.requireNonNull(request, "request");
        this.call = Objects.requireNonNull(call, "call");
        this.operation = call.get(dev.llmgate.api.spi.CallFacts.EMBEDDINGS).orElse(false) ? "embeddings" : "chat";
    }

    /** The start of a call: {@code request} as its caller made it. */
    public static ObservedStart ofCall(ChatRequest request, CallContext call) {
        return new ObservedStart(Kind.CALL, "", request.model(), 0, request, call);
    }

    /**
     * The start of attempt number {@code attempt} (from 1) at {@code provider}'s {@code model}; {@code request} as the
     * provider receives it.
     */
    public static ObservedStart ofAttempt(
            String provider, String model, int attempt, ChatRequest request, CallContext call) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt numbers start at 1, got " + attempt);
        }
        return new ObservedStart(Kind.ATTEMPT, provider, model, attempt, request, call);
    }

    /** A call or an attempt. */
    public Kind kind() {
        return kind;
    }

    /** {@code "chat"}, or {@code "embeddings"} for {@code LlmGate.embed} (the GenAI conventions' operation names). */
    public String operation() {
        return operation;
    }

    /** The attempt's provider (its configured name); {@code ""} for a call. */
    public String provider() {
        return provider;
    }

    /** For a call the alias or address its caller asked for; for an attempt the provider's model name. */
    public String model() {
        return model;
    }

    /** The attempt's number, from 1 in the order attempts started; 0 for a call. */
    public int attempt() {
        return attempt;
    }

    /** The request (see the class documentation before exporting any of it). */
    public ChatRequest request() {
        return request;
    }

    /** The call's context, shared by a call and its attempts (an observer may keep its own keys in it). */
    public CallContext call() {
        return call;
    }

    /** The call's id. */
    public String callId() {
        return call.callId();
    }

    /** True for a streamed call. */
    public boolean streaming() {
        return call.streaming();
    }

    @Override
    public String toString() {
        return "ObservedStart[" + kind + ", " + operation + ", " + (provider.isEmpty() ? "" : provider + ":") + model
                + (kind == Kind.ATTEMPT ? ", attempt " + attempt : "") + ", " + call.callId() + "]";
    }
}
