package dev.llmgate.providers.ollama.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.StreamDecoder;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.Headers;

/**
 * Decodes Ollama's NDJSON chat stream: each line's {@code message.content} is a text delta, each
 * {@code message.tool_calls} entry one complete tool-call delta ({@code message.thinking} is skipped);
 * the line with {@code "done": true} is the terminal frame and yields the usage and the finish. An
 * {@code {"error": "..."}} line raises the mapped exception.
 */
public final class OllamaStreamDecoder implements StreamDecoder {
    private final HttpTransport transport;
    private final Headers headers;
    private final CallContext call;
    private final String requestedModel;
    private int toolCalls;

    public OllamaStreamDecoder(HttpTransport transport, Headers headers, CallContext call, String requestedModel) {
        this.transport = transport;
        this.headers = headers;
        this.call = call;
        this.requestedModel = requestedModel;
    }

    @Override
    public void decode(String event, String data, Consumer<StreamEvent> out) {
        JsonNode chunk = transport.streamObject(data, "Ollama sent a stream line", headers, call);
        JsonNode message = chunk.path("message");
        String content = Json.text(message, "content");
        if (!content.isEmpty()) {
            out.accept(new StreamEvent.TextDelta(content));
        }
        List<ToolCall> calls = OllamaWire.toolCalls(message, toolCalls);
        for (ToolCall c : calls) {
            out.accept(new StreamEvent.ToolCallDelta(
                    toolCalls++, Optional.of(c.id()), Optional.of(c.name()), c.argumentsJson()));
        }
        if (chunk.path("done").asBoolean(false)) {
            String model = Json.text(chunk, "model");
            out.accept(new StreamEvent.UsageUpdate(OllamaWire.usage(chunk)));
            out.accept(StreamEvent.Finish.of(
                    OllamaWire.finishReason(Json.text(chunk, "done_reason"), toolCalls > 0),
                    "",
                    transport.provider(),
                    model.isEmpty() ? requestedModel : model));
        }
    }
}
