package dev.llmgate.policy.internal;

import dev.llmgate.api.ToolCall;
import dev.llmgate.policy.Channel;
import dev.llmgate.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The output channels of an answer as one {@link ScanView}: its text (a JSON answer read as its
 * decoded values), its refusal and its tool calls (name, arguments as decoded JSON values), in that
 * order, as far as the policy's channels include them (a tool call's id after its arguments); and the parts rebuilt
 * from redacted sources.
 * Used for blocking answers, and for the refusal and tool calls at the end of a stream (whose text
 * was scanned as it streamed: then {@code text} is empty). Not API.
 */
public final class AnswerView {
    private final ScanView view;
    private final int textSource;
    private final int refusalSource;
    private final List<ToolCall> calls;
    private final int[] nameSource;
    private final int[] argumentSource;
    private final int[] idSource;

    private AnswerView(
            ScanView view,
            int textSource,
            int refusalSource,
            List<ToolCall> calls,
            int[] nameSource,
            int[] argumentSource,
            int[] idSource) {
        this.view = view;
        this.textSource = textSource;
        this.refusalSource = refusalSource;
        this.calls = calls;
        this.nameSource = nameSource;
        this.argumentSource = argumentSource;
        this.idSource = idSource;
    }

    /** The view of an answer's {@code text}, {@code refusal} and tool {@code calls}. */
    public static AnswerView of(String text, Optional<String> refusal, List<ToolCall> calls, Policy policy) {
        ScanView.Builder b = ScanView.builder();
        int n = 0;
        int textSource = -1;
        int refusalSource = -1;
        if (!text.isEmpty() && policy.channels().contains(Channel.ANSWER_TEXT)) {
            b.add(Channel.ANSWER_TEXT, text, ScanView.Kind.JSON);
            textSource = n++;
        }
        if (refusal.isPresent() && !refusal.get().isEmpty() && policy.channels().contains(Channel.REFUSAL)) {
            b.add(Channel.REFUSAL, refusal.get(), ScanView.Kind.PLAIN);
            refusalSource = n++;
        }
        int[] nameSource = new int[calls.size()];
        int[] argumentSource = new int[calls.size()];
        int[] idSource = new int[calls.size()];
        boolean scanCalls = policy.channels().contains(Channel.TOOL_CALL_ARGUMENTS);
        for (int c = 0; c < calls.size(); c++) {
            nameSource[c] = -1;
            argumentSource[c] = -1;
            idSource[c] = -1;
            if (scanCalls) {
                b.add(Channel.TOOL_CALL_ARGUMENTS, calls.get(c).name(), ScanView.Kind.NAME);
                nameSource[c] = n++;
                b.add(Channel.TOOL_CALL_ARGUMENTS, calls.get(c).argumentsJson(), ScanView.Kind.JSON);
                argumentSource[c] = n++;
                if (!calls.get(c).id().isEmpty()) {
                    // the call's id reaches the application too (and comes back with the tool's result)
                    b.add(Channel.TOOL_CALL_ARGUMENTS, calls.get(c).id(), ScanView.Kind.NAME);
                    idSource[c] = n++;
                }
            }
        }
        return new AnswerView(b.build(), textSource, refusalSource, calls, nameSource, argumentSource, idSource);
    }

    public ScanView view() {
        return view;
    }

    /** Whether nothing is scanned. */
    public boolean isEmpty() {
        return view.sources().isEmpty();
    }

    /** The answer's text from the redacted sources ({@code original} if it was not scanned). */
    public String text(String[] redacted, String original) {
        return textSource < 0 ? original : redacted[textSource];
    }

    /** Whether the answer's text was read as JSON (then restored values must be JSON-escaped in it). */
    public boolean textIsJson() {
        return textSource >= 0 && view.sources().get(textSource).kind() == ScanView.Kind.JSON;
    }

    /** The refusal from the redacted sources. */
    public Optional<String> refusal(String[] redacted, Optional<String> original) {
        return refusalSource < 0 ? original : Optional.of(redacted[refusalSource]);
    }

    /** The tool calls from the redacted sources. */
    public List<ToolCall> calls(String[] redacted) {
        List<ToolCall> out = new ArrayList<>(calls.size());
        RedactedIds ids = new RedactedIds(calls.stream().map(ToolCall::id).toList());
        for (int c = 0; c < calls.size(); c++) {
            ToolCall tc = calls.get(c);
            String name = nameSource[c] < 0 ? tc.name() : redacted[nameSource[c]];
            String args = argumentSource[c] < 0 ? tc.argumentsJson() : redacted[argumentSource[c]];
            String id = idSource[c] < 0 || redacted[idSource[c]].equals(tc.id())
                    ? tc.id()
                    : ids.rewrite(tc.id(), redacted[idSource[c]] + "_" + uniqueSuffix());
            out.add(
                    name.equals(tc.name()) && args.equals(tc.argumentsJson()) && id.equals(tc.id())
                            ? tc
                            : new ToolCall(id, name, args));
        }
        return out;
    }

    /**
     * A suffix that keeps a rewritten id of an answer apart from those of other answers: the application keeps the
     * call in its history, and every answer's rewritten id would otherwise be the same ({@code call_redacted}).
     */
    private static String uniqueSuffix() {
        return Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }
}
