package dev.llmgate.core.cache.internal;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import java.util.Optional;

/**
 * Replays a cached answer as a stream of the same event types a provider sends: the text in
 * {@link StreamEvent.TextDelta} chunks of at most {@code chunkChars} characters (never splitting a
 * surrogate pair), one {@link StreamEvent.ToolCallDelta} per tool call, the usage, then the finish.
 * Events are produced one at a time, nothing is precomputed.
 */
public final class ReplayStream extends AbstractChatStream {
    private final ChatResponse response;
    private final int chunkChars;
    private int textPos;
    private int toolIndex;
    private boolean usageSent;

    public ReplayStream(ChatResponse response, int chunkChars) {
        this.response = response;
        this.chunkChars = chunkChars;
    }

    @Override
    protected StreamEvent produce() {
        String text = response.text();
        if (textPos < text.length()) {
            int end = Math.min(text.length(), textPos + chunkChars);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end = end - 1 > textPos ? end - 1 : end + 1;
            }
            String chunk = text.substring(textPos, end);
            textPos = end;
            return new StreamEvent.TextDelta(chunk);
        }
        if (toolIndex < response.toolCalls().size()) {
            ToolCall call = response.toolCalls().get(toolIndex);
            return new StreamEvent.ToolCallDelta(
                    toolIndex++, Optional.of(call.id()), Optional.of(call.name()), call.argumentsJson());
        }
        if (!usageSent) {
            usageSent = true;
            if (!response.usage().equals(Usage.ZERO)) {
                return new StreamEvent.UsageUpdate(response.usage());
            }
        }
        return StreamEvent.Finish.builder(response.finishReason())
                .responseId(response.id())
                .provider(response.provider())
                .model(response.model())
                .refusal(response.refusal())
                .timings(response.timings())
                .build();
    }

    @Override
    protected void release() {}
}
