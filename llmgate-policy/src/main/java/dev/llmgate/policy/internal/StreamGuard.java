package dev.llmgate.policy.internal;

import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.StreamTransformer;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.policy.Decision;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.redact.TokenVault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The streaming output stage: holds back at most the policy's window of text, scans it with the
 * last {@value #CONTEXT} emitted characters as context, and releases the part that can no longer
 * be the start of a finding or placeholder. Findings up to half the window long are caught however
 * the chunks split them. The first release comes as soon as more than half a window is held (so
 * the first token waits for half a window of text, not a whole one), later ones each time a whole
 * window is held (so a stream is scanned about twice per window of text); longer ones are rewritten as far as they were seen, and at most
 * {@code window} characters are ever held. Tool-call deltas are held until the stream finishes, then checked.
 * One instance per stream; not thread-safe (the stream contract calls it from one thread).
 */
public final class StreamGuard implements StreamTransformer {
    /** Characters of already released text kept as context for the next scan. */
    static final int CONTEXT = 64;

    private final Policy policy;
    private final Engine engine;
    private final CallContext call;
    private final TokenVault vault;
    private final int window;
    private final StringBuilder held = new StringBuilder();
    private final StringBuilder context = new StringBuilder(CONTEXT * 2);
    private final Map<Integer, PartialCall> toolCalls = new TreeMap<>();
    private Decision aggregate = Decision.allow(PolicyStage.STREAM);
    private boolean approved;
    /** Whether a release was tried: the first comes at half a window, later ones at a whole window. */
    private boolean releasedOnce;

    public StreamGuard(Policy policy, CallContext call, TokenVault vault) {
        this.policy = policy;
        this.engine = policy.engine();
        this.call = call;
        this.vault = vault;
        this.window = policy.streamWindow();
    }

    @Override
    public void onEvent(StreamEvent event, Consumer<StreamEvent> downstream) {
        if (event instanceof StreamEvent.TextDelta d) {
            held.append(d.text());
            if (held.length() >= (releasedOnce ? window : window / 2 + 1)) {
                releasedOnce = true;
                release(false, downstream);
            }
        } else if (event instanceof StreamEvent.ToolCallDelta d) {
            PartialCall p = toolCalls.computeIfAbsent(d.index(), i -> new PartialCall());
            d.id().ifPresent(id -> p.id = id);
            d.name().ifPresent(n -> p.name = n);
            p.arguments.append(d.argumentsDelta());
        } else if (event instanceof StreamEvent.Finish) {
            release(true, downstream);
            recordStreamDecision();
            releaseToolCalls(downstream);
            downstream.accept(event);
        } else {
            downstream.accept(event);
        }
    }

    private void release(boolean last, Consumer<StreamEvent> downstream) {
        int offset = context.length();
        String scanned = context.toString() + held;
        Engine.Evaluation ev = engine.evaluate(scanned, PolicyStage.STREAM, offset);
        Decision d = ev.decision();
        if (d.verdict() == Verdict.BLOCK || (d.verdict() == Verdict.REQUIRE_APPROVAL && !approved)) {
            Decision merged = aggregate.merge(d);
            if (d.verdict() == Verdict.BLOCK) {
                Enforcement.decide(engine, call, merged, Optional.empty(), PolicyStage.STREAM);
                throw Enforcement.blocked(policy, PolicyStage.STREAM, merged);
            }
            Verdict outcome = Enforcement.decide(engine, call, merged, Optional.empty(), PolicyStage.STREAM);
            if (outcome == Verdict.BLOCK) {
                throw Enforcement.blocked(policy, PolicyStage.STREAM, merged);
            }
            approved = true;
        }
        int cut = last ? held.length() : held.length() - window / 2;
        boolean forced = false;
        if (!last) {
            boolean moved = true;
            while (moved) {
                moved = false;
                for (Finding f : d.findings()) {
                    int s = f.start() - offset;
                    int e = f.end() - offset;
                    if (s < cut && e > cut) {
                        cut = Math.max(0, s);
                        moved = true;
                    }
                }
            }
            int open = TokenVault.unfinishedPlaceholderStart(held.subSequence(0, cut));
            if (open >= 0) {
                cut = open;
            }
            if (held.length() - cut > window) {
                // a finding longer than half the window straddles the cut: keep the bound, release up to the usual cut
                // and rewrite the straddling findings' released part (the rest cannot be recognised any more)
                cut = held.length() - window / 2;
                forced = true;
            }
        }
        // account for the findings in the released part only, so overlapping scans do not count twice
        List<Finding> released = new ArrayList<>();
        List<Finding> redact = new ArrayList<>();
        for (Finding f : d.findings()) {
            if (f.start() - offset < cut) {
                released.add(f);
            }
        }
        for (Finding f : ev.toRedact()) {
            if (f.end() - offset <= cut) {
                redact.add(f.shift(-offset));
            } else if (forced && f.start() - offset < cut) {
                redact.add(new Finding(f.type(), Math.max(0, f.start() - offset), cut, f.confidence(), f.detector()));
            }
        }
        if (!released.isEmpty()) {
            List<String> fired = d.ruleIds();
            aggregate = aggregate.merge(new Decision(PolicyStage.STREAM, d.verdict() == Verdict.REQUIRE_APPROVAL ? Verdict.ALLOW
                    : d.verdict(), fired, released));
        }
        if (cut <= 0) {
            return;
        }
        String out = held.substring(0, cut);
        context.append(out);
        if (context.length() > CONTEXT) {
            context.delete(0, context.length() - CONTEXT);
        }
        held.delete(0, cut);
        String text = vault.restore(engine.redact(out, redact, Optional.empty()));
        if (!text.isEmpty()) {
            downstream.accept(new StreamEvent.TextDelta(text));
        }
    }

    private void recordStreamDecision() {
        Enforcement.decide(engine, call, aggregate, Optional.empty(), PolicyStage.STREAM);
    }

    private void releaseToolCalls(Consumer<StreamEvent> downstream) {
        if (toolCalls.isEmpty()) {
            return;
        }
        List<ToolCall> calls = new ArrayList<>(toolCalls.size());
        List<Integer> indexes = new ArrayList<>(toolCalls.size());
        for (Map.Entry<Integer, PartialCall> e : toolCalls.entrySet()) {
            PartialCall p = e.getValue();
            calls.add(new ToolCall(p.id, p.name, p.arguments.length() == 0 ? "{}" : p.arguments.toString()));
            indexes.add(e.getKey());
        }
        List<ToolCall> checked = Enforcement.checkToolCalls(policy, engine, call, calls, vault);
        for (int i = 0; i < checked.size(); i++) {
            ToolCall tc = checked.get(i);
            downstream.accept(new StreamEvent.ToolCallDelta(indexes.get(i), tc.id().isEmpty() ? Optional.empty() : Optional.of(tc.id()),
                    Optional.of(tc.name()), tc.argumentsJson()));
        }
    }

    private static final class PartialCall {
        String id = "";
        String name = "";
        final StringBuilder arguments = new StringBuilder();
    }
}
