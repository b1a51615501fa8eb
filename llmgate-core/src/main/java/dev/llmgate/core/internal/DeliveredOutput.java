package dev.llmgate.core.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.core.routing.TokenEstimator;
import java.util.Optional;

/**
 * What one answer delivered (characters of text, refusal, tool-call names and arguments; the last
 * usage its provider reported; whether it finished), and the usage to charge for it when the
 * provider's report is missing or stale: see {@link #estimate(ChatRequest, Usage, boolean, long)}.
 * One thread feeds a stream's events in; any thread (one closing the stream) may read, so the
 * fields are volatile (single writer). Not API.
 */
@SuppressWarnings("NonAtomicVolatileUpdate") // one writer (the stream's consumer); volatile only for readers
public final class DeliveredOutput {
    private volatile long chars;
    private volatile Usage reported = Usage.ZERO;
    private volatile boolean finished;

    /** Counts one event of the answer. */
    public void accept(StreamEvent event) {
        if (event instanceof StreamEvent.TextDelta t) {
            chars += t.text().length();
        } else if (event instanceof StreamEvent.ToolCallDelta d) {
            chars += d.argumentsDelta().length()
                    + (d.name().isPresent() ? d.name().get().length() : 0);
        } else if (event instanceof StreamEvent.UsageUpdate u) {
            reported = u.usage();
        } else if (event instanceof StreamEvent.Finish f) {
            if (f.refusal().isPresent()) {
                chars += f.refusal().get().length();
            }
            finished = true;
        }
    }

    /** The usage the provider reported last; {@link Usage#ZERO} if none. */
    public Usage reported() {
        return reported;
    }

    /** {@link #estimate(ChatRequest, Usage, boolean, long)} of what this counted. */
    public Optional<Usage> estimate(ChatRequest request) {
        return estimate(request, reported, finished, chars);
    }

    /** The usage to charge for a complete answer: {@link #estimate(ChatRequest, Usage, boolean, long)} of its text. */
    public static Optional<Usage> estimate(ChatRequest request, ChatResponse response) {
        return estimate(request, response.usage(), true, charsOf(response));
    }

    /**
     * The usage to charge for an answer that ended, when it is not {@code reported}; empty when the
     * report stands. A finished answer with a report (anything but {@link Usage#ZERO}) keeps it. Any
     * other answer (finished without a report, failed, closed or cancelled) is charged: as input
     * tokens, the reported input if there is one, else {@link TokenEstimator#inputTokens}; as
     * output tokens, the larger of the reported output and one token per
     * {@link TokenEstimator#CHARS_PER_TOKEN} characters delivered (rounded up, at most the request's
     * {@code maxOutputTokens}, which an honest provider does not pass). Cached, reasoning and
     * cache-write counts are kept as reported. Empty when this changes nothing.
     */
    public static Optional<Usage> estimate(ChatRequest request, Usage reported, boolean finished, long deliveredChars) {
        if (finished && !reported.equals(Usage.ZERO)) {
            return Optional.empty();
        }
        long input = reported.inputTokens() > 0 ? reported.inputTokens() : TokenEstimator.inputTokens(request);
        long output = (deliveredChars + TokenEstimator.CHARS_PER_TOKEN - 1) / TokenEstimator.CHARS_PER_TOKEN;
        if (request.maxOutputTokens().isPresent()) {
            output = Math.min(output, request.maxOutputTokens().getAsInt());
        }
        output = Math.max(output, reported.outputTokens());
        if (input == reported.inputTokens() && output == reported.outputTokens()) {
            return Optional.empty();
        }
        return Optional.of(new Usage(
                input, output, reported.cachedInputTokens(), reported.reasoningTokens(), reported.cacheWriteTokens()));
    }

    /** The characters of a complete answer as {@link #accept} counts them. */
    public static long charsOf(ChatResponse response) {
        long n = response.text().length();
        for (ToolCall c : response.toolCalls()) {
            n += c.name().length() + c.argumentsJson().length();
        }
        if (response.refusal().isPresent()) {
            n += response.refusal().get().length();
        }
        return n;
    }
}
