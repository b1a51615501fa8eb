package dev.llmgate.core.audit.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Message;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.internal.EmbeddingCall;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds the body of a {@code "call"} audit record from what the call's stages recorded. Only the
 * fields listed in docs/audit-format.md are ever copied: never provider options, metadata
 * attributes, headers or exception messages, so no API key or raw prompt can reach a record unless
 * content capture is on (and then only the redacted conversation text). Not public API.
 */
public final class CallRecords {
    /** Where the companion interceptor leaves the request as it was after policy. */
    public static final CallContext.Key<ChatRequest> REDACTED_REQUEST =
            CallContext.Key.of("audit.redacted_request", ChatRequest.class);

    private CallRecords() {}

    /** The outcome of a call. */
    public enum Outcome {
        SUCCESS,
        BLOCKED,
        FAILED,
        CANCELLED
    }

    /**
     * The metadata attribute whose value, a call id, the record keeps as {@code parent_call_id}: the model call whose
     * answer asked for this call (a tool call governed through the gate). The only attribute a record ever copies.
     */
    public static final String PARENT_CALL_ID = "llmgate.parent_call_id";

    private static final java.util.regex.Pattern CALL_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /**
     * What a record needs of a call's context, copied when the call ends (on its thread), so that
     * the record can be built later on the audit writer's thread whatever happens to the context.
     */
    public record Facts(
            String callId,
            boolean streaming,
            long startedMillis,
            long endedMillis,
            Optional<String> requestedModel,
            boolean cacheHit,
            List<AttemptRecord> attempts,
            List<PolicyRecord> policy,
            Optional<BigDecimal> costUsd,
            Optional<ChatRequest> redactedRequest,
            Optional<Usage> estimatedUsage,
            boolean embeddings,
            Optional<String> vectorsSha256,
            boolean tokensRestored) {

        /**
         * The facts of {@code call}, which ended at {@code nowMillis} with {@code response} (null if it
         * failed). For an embedding call that answered, the SHA-256 of its vectors
         * ({@link EmbeddingCall#vectorsSha256}) is taken here, so the record never holds the vectors.
         */
        public static Facts of(CallContext call, long nowMillis, ChatResponse response) {
            boolean embeddings = call.get(CallFacts.EMBEDDINGS).orElse(false);
            Optional<String> vectors = embeddings && response != null
                    ? EmbeddingCall.resultOf(call, response)
                            .map(r -> Hex.encode(EmbeddingCall.vectorsSha256(r.vectors())))
                    : Optional.empty();
            return new Facts(
                    call.callId(),
                    call.streaming(),
                    call.startedAt().toEpochMilli(),
                    nowMillis,
                    call.get(CallFacts.REQUESTED_MODEL),
                    call.get(CallFacts.CACHE_HIT).orElse(false),
                    List.copyOf(call.list(CallFacts.ATTEMPTS)),
                    List.copyOf(call.list(CallFacts.POLICY)),
                    call.get(CallFacts.COST_USD),
                    call.get(REDACTED_REQUEST),
                    call.get(CallFacts.ESTIMATED_USAGE),
                    embeddings,
                    vectors,
                    call.get(CallFacts.TOKENS_RESTORED).orElse(false));
        }
    }

    /**
     * The body of a call's record. {@code textSha256}: for a response whose text was digested as it
     * streamed, its {@link TextSha256} (the response's own text is then not used and may be empty);
     * null to digest {@code response.text()}.
     */
    public static TreeMap<String, Object> build(
            String instanceId,
            Digests digests,
            boolean captureContent,
            Facts call,
            ChatRequest request,
            Outcome outcome,
            ChatResponse response,
            byte[] textSha256,
            Throwable error,
            Usage partialUsage) {
        TreeMap<String, Object> r = new TreeMap<>();
        r.put("call_id", call.callId());
        r.put("gate", instanceId);
        r.put("mode", call.embeddings() ? "embeddings" : call.streaming() ? "stream" : "blocking");
        r.put("started", Timestamps.format(call.startedMillis()));
        r.put("duration_ms", Math.max(0, call.endedMillis() - call.startedMillis()));
        String requested = call.requestedModel().orElse(request.model());
        r.put("requested_model", requested);
        request.metadata().tenant().ifPresent(t -> r.put("tenant", t));
        request.metadata().user().ifPresent(u -> r.put("user", u));
        String parent = request.metadata().attributes().get(PARENT_CALL_ID);
        if (parent != null && CALL_ID.matcher(parent).matches()) {
            r.put("parent_call_id", parent); // links a tool call to the model call whose answer asked for it
        }
        r.put("outcome", Digests.lowerName(outcome));
        boolean cacheHit = call.cacheHit();
        r.put("cache_hit", cacheHit);

        List<Object> attempts = new ArrayList<>();
        for (AttemptRecord a : call.attempts()) {
            TreeMap<String, Object> m = new TreeMap<>();
            m.put("provider", a.provider());
            m.put("model", a.model());
            m.put("outcome", a.outcome());
            m.put("latency_ms", a.latency().toMillis());
            a.timeToFirstToken().ifPresent(t -> m.put("ttft_ms", t.toMillis()));
            m.put("reason", a.reason());
            m.put("usage", usage(a.usage()));
            if (a.usageEstimated()) {
                m.put("usage_estimated", true);
            }
            attempts.add(m);
        }
        if (attempts.isEmpty() && response != null && !response.provider().isEmpty()) {
            TreeMap<String, Object> m = new TreeMap<>();
            m.put("provider", response.provider());
            m.put("model", response.model());
            m.put("outcome", cacheHit ? "cache_hit" : "success");
            m.put("latency_ms", response.timings().total().toMillis());
            response.timings().timeToFirstToken().ifPresent(t -> m.put("ttft_ms", t.toMillis()));
            m.put("reason", "primary");
            m.put("usage", usage(call.estimatedUsage().orElse(response.usage())));
            if (call.estimatedUsage().isPresent()) {
                m.put("usage_estimated", true);
            }
            attempts.add(m);
        } else if (attempts.isEmpty() && error instanceof LlmException) {
            Optional<String> provider = ((LlmException) error).details().provider();
            if (provider.isPresent()) {
                TreeMap<String, Object> m = new TreeMap<>();
                m.put("provider", provider.get());
                m.put("outcome", error.getClass().getSimpleName());
                m.put("reason", "primary");
                attempts.add(m);
            }
        }
        r.put("attempts", attempts);

        List<Object> policy = new ArrayList<>();
        for (PolicyRecord p : call.policy()) {
            TreeMap<String, Object> m = new TreeMap<>();
            m.put("stage", p.stage());
            m.put("verdict", p.verdict());
            m.put("rules", new ArrayList<Object>(p.ruleIds()));
            TreeMap<String, Object> findings = new TreeMap<>();
            for (Map.Entry<String, Integer> f : p.findings().entrySet()) {
                findings.put(f.getKey(), (long) f.getValue());
            }
            m.put("findings", findings);
            if (!p.redacted().isEmpty()) {
                TreeMap<String, Object> redacted = new TreeMap<>();
                for (Map.Entry<String, Integer> f : p.redacted().entrySet()) {
                    redacted.put(f.getKey(), (long) f.getValue());
                }
                m.put("redacted", redacted);
            }
            policy.add(m);
        }
        r.put("policy", policy);

        if (error != null) {
            TreeMap<String, Object> e = new TreeMap<>();
            e.put("type", error.getClass().getSimpleName());
            e.put("retryable", error instanceof LlmException && ((LlmException) error).isRetryable());
            if (error instanceof PolicyBlockedException) {
                e.put("rules", new ArrayList<Object>(((PolicyBlockedException) error).ruleIds()));
            }
            r.put("error", e);
        }
        Usage usage = call.estimatedUsage().isPresent()
                ? call.estimatedUsage().get()
                : response != null ? response.usage() : partialUsage;
        r.put("usage", usage(usage == null ? Usage.ZERO : usage));
        if (call.estimatedUsage().isPresent()) {
            r.put("usage_estimated", true);
        }
        call.costUsd().ifPresent(c -> r.put("cost_usd", c.toPlainString()));
        r.put("request_digest", digests.digest(Digests.requestForm(requested, request)));
        if (response != null) {
            TreeMap<String, Object> responseForm =
                    textSha256 != null ? Digests.responseForm(response, textSha256) : Digests.responseForm(response);
            call.vectorsSha256().ifPresent(v -> responseForm.put("vectors_sha256", v));
            r.put("response_digest", digests.digest(responseForm));
            r.put("finish_reason", Digests.lowerName(response.finishReason()));
        }
        if (captureContent) {
            call.redactedRequest().ifPresent(redacted -> {
                List<Object> messages = new ArrayList<>();
                for (Message m : redacted.messages()) {
                    TreeMap<String, Object> t = new TreeMap<>();
                    t.put("role", Digests.lowerName(m.role()));
                    t.put("text", m.text());
                    messages.add(t);
                }
                r.put("request_content", messages);
            });
            if (response != null) {
                if (call.tokensRestored()) {
                    // the output policy put tokenized values back for the caller: the text holds personal data the
                    // policy kept from the provider, so it is not stored; the record says why it is absent
                    r.put("response_content_omitted", "tokens_restored");
                } else {
                    r.put("response_content", response.text());
                }
            }
        }
        return r;
    }

    /**
     * The record of a call whose full record could not be built (a defect: reported in the log by
     * its class only), so that the chain keeps one entry per call: its id, instance, outcome and
     * {@code record_error} with the exception's class name.
     */
    public static TreeMap<String, Object> minimal(
            String instanceId, Facts call, Outcome outcome, RuntimeException failure) {
        TreeMap<String, Object> r = new TreeMap<>();
        r.put("call_id", call.callId());
        r.put("gate", instanceId);
        r.put("outcome", Digests.lowerName(outcome));
        r.put("record_error", failure.getClass().getName());
        return r;
    }

    static TreeMap<String, Object> usage(Usage u) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("input", u.inputTokens());
        m.put("output", u.outputTokens());
        m.put("cached_input", u.cachedInputTokens());
        m.put("reasoning", u.reasoningTokens());
        m.put("cache_write", u.cacheWriteTokens());
        return m;
    }
}
