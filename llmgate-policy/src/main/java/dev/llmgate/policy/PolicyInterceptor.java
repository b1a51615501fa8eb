package dev.llmgate.policy;

import static dev.llmgate.policy.internal.Enforcement.blocked;
import static dev.llmgate.policy.internal.Enforcement.checkToolCalls;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.StagedInterceptor;
import dev.llmgate.policy.internal.AnswerView;
import dev.llmgate.policy.internal.Enforcement;
import dev.llmgate.policy.internal.Engine;
import dev.llmgate.policy.internal.RequestView;
import dev.llmgate.policy.internal.StreamGuard;
import dev.llmgate.policy.redact.TokenRestore;
import dev.llmgate.policy.redact.TokenVault;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Enforces a {@link Policy} on every call of a gate; register it with
 * {@code LlmGate.builder().addInterceptor(policy.interceptor())}, which places it at {@code Stage.POLICY}.
 *
 * <ul>
 *   <li><b>input</b>: the text of the scanned roles' messages is evaluated before the provider sees
 *       it. BLOCK throws {@link PolicyBlockedException} (the provider is never called); CONSTRAIN
 *       forwards the redacted request; REQUIRE_APPROVAL asks the approval handler.</li>
 *   <li><b>output</b>: a blocking answer is evaluated as a whole; a streamed answer incrementally,
 *       holding back at most {@link Policy#streamWindow()} characters so that findings straddling
 *       chunk boundaries are caught; a BLOCK mid-stream ends the stream with
 *       {@link PolicyBlockedException}.</li>
 *   <li><b>tool calls</b>: each tool call of the answer is checked by the {@link ToolPolicy}
 *       before the caller sees it (streamed tool calls are held until the stream finishes).</li>
 *   <li>Tokenized values are restored in the answer's text and tool-call arguments, for the caller
 *       only; the mapping lives in memory for the call.</li>
 * </ul>
 *
 * <p>Every decision is appended to the call's {@link CallFacts#POLICY} list (stage, verdict, rule
 * ids, finding counts; never values). Thread-safe: one instance serves every call.
 */
public final class PolicyInterceptor implements StagedInterceptor {
    private final Supplier<Policy> source;

    private PolicyInterceptor(Supplier<Policy> source) {
        this.source = source;
    }

    /** Enforces {@code policy}. */
    public static PolicyInterceptor of(Policy policy) {
        Objects.requireNonNull(policy, "policy");
        return new PolicyInterceptor(() -> policy);
    }

    /** Enforces whatever policy {@code source} returns at the start of each call (e.g. a reloading policy file). */
    public static PolicyInterceptor of(Supplier<Policy> source) {
        return new PolicyInterceptor(Objects.requireNonNull(source, "source"));
    }

    /** {@code "POLICY"}: a gate's builder places this interceptor at {@code Stage.POLICY}. */
    @Override
    public String stageName() {
        return "POLICY";
    }

    @Override
    public ChatResult intercept(Chain chain) {
        Policy policy = source.get();
        Engine engine = policy.engine();
        CallContext call = chain.call();
        TokenVault vault = new TokenVault();

        ChatRequest forward = checkInput(policy, engine, call, chain.request(), vault);
        ChatResult result = chain.proceed(forward);
        if (result instanceof ChatResponse response) {
            boolean jsonAsked = !(forward.responseFormat() instanceof dev.llmgate.api.ResponseFormat.Text);
            return checkResponse(policy, engine, call, response, vault, jsonAsked);
        }
        boolean jsonAnswer = !(forward.responseFormat() instanceof dev.llmgate.api.ResponseFormat.Text);
        return ((ChatStream) result).transform(new StreamGuard(policy, policy.engine(), call, vault, jsonAnswer));
    }

    private static ChatRequest checkInput(
            Policy policy, Engine engine, CallContext call, ChatRequest request, TokenVault vault) {
        RequestView input = RequestView.of(request, policy);
        Engine.Evaluation ev = engine.evaluate(input.view(), PolicyStage.INPUT, 0);
        Optional<Engine.Definitions> definitions = engine.evaluateDefinitions(request);
        Engine.Evaluation defs = definitions.isPresent() ? definitions.get().evaluation() : null;
        Decision decision = defs == null ? ev.decision() : ev.decision().merge(defs.decision());
        Verdict verdict = Enforcement.decide(
                engine,
                call,
                decision,
                Optional.empty(),
                PolicyStage.INPUT,
                Enforcement.countByType(ev.toRedact(), defs == null ? List.of() : defs.toRedact()));
        if (verdict == Verdict.BLOCK) {
            throw blocked(policy, PolicyStage.INPUT, decision);
        }
        ChatRequest forward = request;
        if (!ev.toRedact().isEmpty()) {
            forward = input.rebuild(forward, engine.redact(input.view(), ev.toRedact(), Optional.of(vault)));
        }
        if (defs != null && !defs.toRedact().isEmpty()) {
            forward = definitions
                    .get()
                    .view()
                    .rebuild(forward, engine.redact(defs.view(), defs.toRedact(), Optional.of(vault)));
        }
        return forward;
    }

    private static ChatResponse checkResponse(
            Policy policy,
            Engine engine,
            CallContext call,
            ChatResponse response,
            TokenVault vault,
            boolean jsonAsked) {
        AnswerView answer = AnswerView.of(response.text(), response.refusal(), response.toolCalls(), policy);
        Engine.Evaluation ev = engine.evaluate(answer.view(), PolicyStage.OUTPUT, 0);
        Verdict verdict = Enforcement.decide(
                engine,
                call,
                ev.decision(),
                Optional.empty(),
                PolicyStage.OUTPUT,
                Enforcement.countByType(ev.toRedact()));
        if (verdict == Verdict.BLOCK) {
            throw blocked(policy, PolicyStage.OUTPUT, ev.decision());
        }
        String[] redacted = engine.redact(answer.view(), ev.toRedact(), Optional.empty());
        boolean urls = policy.restoreTokens().contains(TokenRestore.URLS);
        String text = answer.text(redacted, response.text());
        if (policy.restoreTokens().contains(TokenRestore.ANSWER_TEXT)) {
            // a JSON answer stays JSON
            String restored =
                    dev.llmgate.policy.internal.PlaceholderRestore.restoreAnswer(vault, text, jsonAsked, urls);
            if (!restored.equals(text)) {
                call.put(CallFacts.TOKENS_RESTORED, Boolean.TRUE); // the audit must not store this text
            }
            text = restored;
        }
        Optional<String> refusal = answer.refusal(redacted, response.refusal());
        if (refusal.isPresent() && policy.restoreTokens().contains(TokenRestore.REFUSAL)) {
            refusal = Optional.of(vault.restore(refusal.get(), false, urls));
        }
        List<ToolCall> calls = checkToolCalls(policy, engine, call, answer.calls(redacted), vault);
        // the tokens' log-probabilities are passed on only while they spell exactly the text the policy read and
        // left as it was: an upstream's tokens may also spell a tool call's arguments, a refusal or reasoning the
        // adapter dropped, which this channel would carry past the policy unread
        boolean unchanged = text.equals(response.text())
                && refusal.equals(response.refusal())
                && calls.equals(response.toolCalls());
        boolean logprobsKept = unchanged && spells(response.logprobs(), response.text());
        if (unchanged && (logprobsKept || response.logprobs().isEmpty())) {
            return response;
        }
        return response.toBuilder()
                .text(text)
                .refusal(refusal)
                .toolCalls(calls)
                .logprobs(logprobsKept ? response.logprobs() : List.of())
                .build();
    }

    /** Whether {@code tokens} joined are exactly {@code text} (read without joining them into a copy). */
    static boolean spells(List<dev.llmgate.api.TokenLogprob> tokens, String text) {
        int at = 0;
        for (dev.llmgate.api.TokenLogprob t : tokens) {
            String token = t.token();
            if (!text.startsWith(token, at)) {
                return false;
            }
            at += token.length();
        }
        return at == text.length();
    }

    @Override
    public String toString() {
        return "PolicyInterceptor[" + source.get().name() + "]";
    }
}
