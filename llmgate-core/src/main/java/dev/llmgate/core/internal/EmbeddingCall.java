package dev.llmgate.core.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.Role;
import dev.llmgate.api.Timings;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.ModelProvider;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An embedding call as a chain call ({@code LlmGate.embed}): the {@link ChatRequest} that carries
 * the texts through the chain (one USER message per input, in order, with the caller's metadata),
 * the last stage's provider call, and the out-of-band hand-back of the vectors.
 *
 * <p>The chain call is marked twice: {@link CallFacts#EMBEDDINGS} (public, for stages) and
 * {@link #SPEC} (core-internal, set only by the gate: the last stage embeds only when it is present,
 * so no interceptor can turn a chat call into an embedding call or the reverse). The last stage
 * embeds the text of the request's USER messages as it arrives there, i.e. after policy redaction;
 * other messages (an interceptor's system prompt) are not sent. Its answer is a {@link ChatResponse}
 * with empty text, {@link FinishReason#STOP} and the embedding's usage, stamped with provider, model
 * and a response id unique to the attempt; the vectors are appended to the call under
 * {@link #RESULTS} with that id, so that the gate (and the audit record) pick the vectors of the
 * answer that won, even when a hedged attempt also answered. Not API.
 */
public final class EmbeddingCall {
    /** What the caller asked for beyond the texts: the vector size. Present only on the gate's embedding calls. */
    public record Spec(OptionalInt dimensions) {}

    /** The vectors of one answering attempt, under the id of its answer. */
    public record Result(String responseId, EmbeddingResponse response) {}

    /** Set by {@code LlmGate.embed} only: the call is an embedding call, with these settings. */
    public static final CallContext.Key<Spec> SPEC = CallContext.Key.of("llmgate.embedding_spec", Spec.class);

    /** The vectors of every attempt that answered, oldest first. */
    public static final CallContext.ListKey<Result> RESULTS =
            CallContext.ListKey.of("llmgate.embedding_results", Result.class);

    private static final AtomicLong ATTEMPT_IDS = new AtomicLong();

    private EmbeddingCall() {}

    /** The chain request for {@code request}: its model, one USER message per input, its metadata. */
    public static ChatRequest chatRequest(EmbeddingRequest request) {
        List<Message> messages = new ArrayList<>(request.inputs().size());
        for (String input : request.inputs()) {
            messages.add(Message.user(input));
        }
        return ChatRequest.builder(request.model())
                .messages(messages)
                .metadata(request.metadata())
                .build();
    }

    /** Marks {@code call} as the embedding call of {@code request}. */
    public static void mark(CallContext call, EmbeddingRequest request) {
        call.put(CallFacts.EMBEDDINGS, Boolean.TRUE);
        call.put(SPEC, new Spec(request.dimensions()));
    }

    /** The last stage's work for an embedding call: embeds the USER messages' text with {@code provider}. */
    static ChatResponse invoke(
            String providerName, ModelProvider provider, ChatRequest bareRequest, CallContext call, Spec spec) {
        if (call.streaming()) {
            throw new IllegalStateException("an embedding call cannot be streamed");
        }
        List<String> inputs = new ArrayList<>(bareRequest.messages().size());
        for (Message m : bareRequest.messages()) {
            if (m.role() == Role.USER) {
                String text = m.text();
                if (text.isEmpty()) {
                    throw new InvalidRequestException(
                            "embedding input " + inputs.size() + " is empty after the chain's interceptors"
                                    + " (an interceptor removed its text): providers reject empty inputs",
                            ErrorDetails.NONE);
                }
                inputs.add(text);
            }
        }
        if (inputs.isEmpty()) {
            throw new InvalidRequestException(
                    "the embedding call reached the provider without inputs (an interceptor removed its user"
                            + " messages)",
                    ErrorDetails.NONE);
        }
        EmbeddingRequest sent =
                new EmbeddingRequest(bareRequest.model(), inputs, spec.dimensions(), bareRequest.metadata());
        Clock clock = call.clock();
        long start = clock.millis();
        call.put(ProviderStage.PROVIDER_CALLED, Boolean.TRUE);
        EmbeddingResponse response = provider.embed(sent, call);
        if (response == null) {
            throw new NullPointerException("provider '" + providerName + "' returned a null embedding response");
        }
        if (response.size() != inputs.size()) {
            throw new ProviderException(
                    "provider '" + providerName + "' returned " + response.size() + " vectors for " + inputs.size()
                            + " inputs: every input needs exactly one vector",
                    ErrorDetails.of(providerName),
                    false);
        }
        String model = response.model().isEmpty() ? bareRequest.model() : response.model();
        String id = call.callId() + "-embedding-" + ATTEMPT_IDS.incrementAndGet();
        call.append(
                RESULTS,
                new Result(id, new EmbeddingResponse(response.vectors(), providerName, model, response.usage())));
        return ChatResponse.builder()
                .id(id)
                .provider(providerName)
                .model(model)
                .text("")
                .finishReason(FinishReason.STOP)
                .usage(response.usage())
                .timings(Timings.of(Duration.ofMillis(clock.millis() - start)))
                .build();
    }

    /** The vectors of {@code answer} (the chain's final answer to an embedding call), if the last stage made it. */
    public static Optional<EmbeddingResponse> resultOf(CallContext call, ChatResponse answer) {
        for (Result r : call.list(RESULTS)) {
            if (r.responseId().equals(answer.id())) {
                return Optional.of(r.response());
            }
        }
        return Optional.empty();
    }

    /**
     * The SHA-256 of {@code vectors} as audit records digest them (docs/audit-format.md, "Content
     * digests"): for each vector in order, its length as a 4-byte big-endian integer, then each value
     * as the 4-byte big-endian IEEE 754 bits of {@link Float#floatToIntBits} (every NaN as
     * {@code 0x7fc00000}).
     */
    public static byte[] vectorsSha256(List<float[]> vectors) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        ByteBuffer buffer = ByteBuffer.allocate(4096); // big-endian
        for (float[] v : vectors) {
            buffer.putInt(v.length);
            for (float f : v) {
                if (buffer.remaining() < 4) {
                    buffer.flip();
                    sha.update(buffer);
                    buffer.clear();
                }
                buffer.putInt(Float.floatToIntBits(f));
            }
            if (buffer.remaining() < 4) {
                buffer.flip();
                sha.update(buffer);
                buffer.clear();
            }
        }
        buffer.flip();
        sha.update(buffer);
        return sha.digest();
    }
}
