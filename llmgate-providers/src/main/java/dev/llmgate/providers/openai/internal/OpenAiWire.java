package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.TokenLogprobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Chat Completions wire format (OpenAI, Azure OpenAI and compatible servers): request bodies
 * are written in one pass with a streaming generator (tool schemas embedded raw, never re-parsed),
 * responses read from one parsed tree.
 */
public final class OpenAiWire {
    private static final Set<String> STANDARD_FIELDS = Set.of(
            "model",
            "messages",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "response_format",
            "temperature",
            "top_p",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "seed",
            "stream",
            "stream_options");

    private OpenAiWire() {}

    /**
     * How a server variant differs.
     *
     * @param maxTokensField   {@code max_completion_tokens} (OpenAI, Azure) or {@code max_tokens} (most compatible servers)
     * @param developerRole    whether the server knows the {@code developer} role (else it is sent as {@code system})
     * @param sendModel        whether to put {@code model} in the body (Azure addresses the deployment in the URL)
     */
    public record Options(String maxTokensField, boolean developerRole, boolean sendModel) {}

    public static byte[] requestBody(ChatRequest r, boolean stream, Options options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + estimateSize(r));
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            Map<String, Object> extra = r.providerOptions();
            g.writeStartObject();
            if (options.sendModel()) {
                g.writeStringField("model", r.model());
            }
            g.writeArrayFieldStart("messages");
            for (Message m : r.messages()) {
                writeMessage(g, m, options);
            }
            g.writeEndArray();
            if (!r.tools().isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (ToolDefinition t : r.tools()) {
                    g.writeStartObject();
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", t.name());
                    if (!t.description().isEmpty()) {
                        g.writeStringField("description", t.description());
                    }
                    g.writeFieldName("parameters");
                    g.writeRawValue(t.parametersJsonSchema());
                    if (t.strict()) {
                        g.writeBooleanField("strict", true);
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (r.toolChoice().isPresent()) {
                ToolChoice c = r.toolChoice().get();
                if (c instanceof ToolChoice.Specific s) {
                    g.writeObjectFieldStart("tool_choice");
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", s.name());
                    g.writeEndObject();
                    g.writeEndObject();
                } else {
                    g.writeStringField(
                            "tool_choice",
                            c instanceof ToolChoice.None
                                    ? "none"
                                    : c instanceof ToolChoice.Required ? "required" : "auto");
                }
            }
            if (r.parallelToolCalls().isPresent() && !r.tools().isEmpty()) {
                g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls().get());
            }
            ResponseFormat f = r.responseFormat();
            if (f instanceof ResponseFormat.JsonObject) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_object");
                g.writeEndObject();
            } else if (f instanceof ResponseFormat.JsonSchema s) {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_schema");
                g.writeObjectFieldStart("json_schema");
                g.writeStringField("name", s.name());
                g.writeFieldName("schema");
                g.writeRawValue(s.schemaJson());
                g.writeBooleanField("strict", s.strict());
                g.writeEndObject();
                g.writeEndObject();
            }
            if (r.temperature().isPresent()) {
                g.writeNumberField("temperature", r.temperature().getAsDouble());
            }
            if (r.topP().isPresent()) {
                g.writeNumberField("top_p", r.topP().getAsDouble());
            }
            if (r.maxOutputTokens().isPresent()
                    && !extra.containsKey("max_tokens")
                    && !extra.containsKey("max_completion_tokens")) {
                g.writeNumberField(options.maxTokensField(), r.maxOutputTokens().getAsInt());
            }
            if (!r.stop().isEmpty()) {
                g.writeArrayFieldStart("stop");
                for (String s : r.stop()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            if (r.seed().isPresent()) {
                g.writeNumberField("seed", r.seed().getAsLong());
            }
            if (stream) {
                g.writeBooleanField("stream", true);
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                if (STANDARD_FIELDS.contains(e.getKey()) && !e.getKey().startsWith("max_")) {
                    throw new dev.llmgate.api.exception.InvalidRequestException(
                            "providerOptions must not set '" + e.getKey()
                                    + "': it is a standard field, set it through ChatRequest.Builder",
                            ErrorDetails.NONE);
                }
                g.writeFieldName(e.getKey());
                Json.MAPPER.writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int estimateSize(ChatRequest r) {
        int n = 0;
        for (Message m : r.messages()) {
            for (ContentPart p : m.content()) {
                if (p instanceof ContentPart.Text t) {
                    n += t.text().length() + 16;
                }
            }
        }
        return Math.min(n, 1 << 20);
    }

    private static void writeMessage(JsonGenerator g, Message m, Options options) throws IOException {
        g.writeStartObject();
        String role;
        switch (m.role()) {
            case SYSTEM:
                role = "system";
                break;
            case DEVELOPER:
                role = options.developerRole() ? "developer" : "system";
                break;
            case USER:
                role = "user";
                break;
            case ASSISTANT:
                role = "assistant";
                break;
            default:
                role = "tool";
                break;
        }
        g.writeStringField("role", role);
        if (m.hasImages()) {
            g.writeArrayFieldStart("content");
            for (ContentPart p : m.content()) {
                g.writeStartObject();
                if (p instanceof ContentPart.Text t) {
                    g.writeStringField("type", "text");
                    g.writeStringField("text", t.text());
                } else {
                    g.writeStringField("type", "image_url");
                    g.writeObjectFieldStart("image_url");
                    if (p instanceof ContentPart.ImageUrl u) {
                        g.writeStringField("url", u.url());
                        writeDetail(g, u.detail());
                    } else {
                        ContentPart.ImageData d = (ContentPart.ImageData) p;
                        g.writeStringField(
                                "url",
                                "data:" + d.mediaType() + ";base64,"
                                        + Base64.getEncoder().encodeToString(d.data()));
                        writeDetail(g, d.detail());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (m.content().isEmpty()) {
            g.writeNullField("content");
        } else {
            g.writeStringField("content", m.text());
        }
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.argumentsJson());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (m.toolCallId().isPresent()) {
            g.writeStringField("tool_call_id", m.toolCallId().get());
        }
        if (m.name().isPresent()) {
            g.writeStringField("name", m.name().get());
        }
        g.writeEndObject();
    }

    private static void writeDetail(JsonGenerator g, ContentPart.ImageDetail detail) throws IOException {
        if (detail != ContentPart.ImageDetail.AUTO) {
            g.writeStringField("detail", detail.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Reads a {@code chat.completion} object. */
    public static ChatResponse parseResponse(JsonNode root, String provider) {
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw new ProviderException("the provider's answer has no choices", ErrorDetails.of(provider), true);
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.path("message");
        List<ToolCall> calls = new ArrayList<>();
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (JsonNode c : toolCalls) {
                JsonNode fn = c.path("function");
                calls.add(new ToolCall(Json.text(c, "id"), Json.text(fn, "name"), argumentsText(fn.get("arguments"))));
            }
        }
        String refusal = Json.text(message, "refusal");
        return ChatResponse.builder()
                .id(Json.text(root, "id"))
                .provider(provider)
                .model(Json.text(root, "model"))
                .text(Json.text(message, "content"))
                .toolCalls(calls)
                .finishReason(finishReason(Json.text(choice, "finish_reason"), !calls.isEmpty()))
                .refusal(refusal.isEmpty() ? Optional.empty() : Optional.of(refusal))
                .usage(usage(root.get("usage")))
                .logprobs(logprobs(choice.get("logprobs")))
                .build();
    }

    /** The tokens of a choice's {@code logprobs.content} (OpenAI's wire; llama.cpp's server too); empty when absent. */
    public static List<TokenLogprob> logprobs(JsonNode logprobs) {
        return logprobs == null || !logprobs.isObject()
                ? List.of()
                : TokenLogprobs.read(logprobs.get("content"), "logprob");
    }

    /** Arguments are a JSON string on OpenAI's wire; some compatible servers send an object. */
    static String argumentsText(JsonNode args) {
        if (args == null || args.isNull()) {
            return "{}";
        }
        return args.isTextual() ? args.asText() : args.toString();
    }

    /** Maps a finish reason; {@code hasToolCalls} decides for servers that report "stop" with tool calls. */
    public static FinishReason finishReason(String reason, boolean hasToolCalls) {
        switch (reason) {
            case "length":
                return FinishReason.LENGTH;
            case "tool_calls":
            case "function_call":
                return FinishReason.TOOL_CALLS;
            case "content_filter":
                return FinishReason.CONTENT_FILTER;
            default:
                return hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
    }

    /** Reads a {@code usage} object (absent: zero). */
    public static Usage usage(JsonNode u) {
        if (u == null || u.isNull()) {
            return Usage.ZERO;
        }
        return new Usage(
                Json.number(u, "prompt_tokens"),
                Json.number(u, "completion_tokens"),
                Json.number(u.path("prompt_tokens_details"), "cached_tokens"),
                Json.number(u.path("completion_tokens_details"), "reasoning_tokens"),
                0);
    }
}
