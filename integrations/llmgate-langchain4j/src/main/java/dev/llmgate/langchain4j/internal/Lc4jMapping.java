package dev.llmgate.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.output.TokenUsage;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LangChain4j's chat types to llmgate's and back. What has no counterpart is refused with
 * {@link UnsupportedFeatureException} (audio, video and PDF content, custom messages) or dropped and documented
 * (an AI message's thinking, a tool result's {@code isError} flag); nothing is silently invented.
 */
public final class Lc4jMapping {
    private Lc4jMapping() {}

    // ---- LangChain4j request -> llmgate request (a gate-backed model)

    /** The request as the gate's; {@code defaultModel} when the request names none. */
    public static ChatRequest toGate(
            dev.langchain4j.model.chat.request.ChatRequest request, String defaultModel, Metadata metadata) {
        ChatRequestParameters p = request.parameters();
        String model = p.modelName() != null ? p.modelName() : defaultModel;
        ChatRequest.Builder b = ChatRequest.builder(model).metadata(metadata);
        for (ChatMessage m : request.messages()) {
            b.addMessage(toGate(m));
        }
        if (p.temperature() != null) {
            b.temperature(p.temperature());
        }
        if (p.topP() != null) {
            b.topP(p.topP());
        }
        if (p.maxOutputTokens() != null) {
            b.maxOutputTokens(p.maxOutputTokens());
        }
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            b.stop(p.stopSequences());
        }
        if (p.topK() != null) {
            b.providerOption("top_k", p.topK());
        }
        if (p.frequencyPenalty() != null) {
            b.providerOption("frequency_penalty", p.frequencyPenalty());
        }
        if (p.presencePenalty() != null) {
            b.providerOption("presence_penalty", p.presencePenalty());
        }
        if (p.toolSpecifications() != null) {
            for (ToolSpecification t : p.toolSpecifications()) {
                String schema = t.parameters() == null
                        ? "{\"type\":\"object\",\"properties\":{}}"
                        : JsonSchemas.toJson(t.parameters());
                b.addTool(new ToolDefinition(
                        t.name(),
                        t.description() == null ? "" : t.description(),
                        schema,
                        Boolean.TRUE.equals(t.strict())));
            }
        }
        if (p.toolChoice() != null) {
            switch (p.toolChoice()) {
                case AUTO:
                    b.toolChoice(ToolChoice.auto());
                    break;
                case REQUIRED:
                    b.toolChoice(ToolChoice.required());
                    break;
                default:
                    b.toolChoice(ToolChoice.none());
            }
        }
        dev.langchain4j.model.chat.request.ResponseFormat f = p.responseFormat();
        if (f != null && f.type() == ResponseFormatType.JSON) {
            JsonSchema s = f.jsonSchema();
            b.responseFormat(
                    s == null
                            ? ResponseFormat.jsonObject()
                            : new ResponseFormat.JsonSchema(
                                    s.name() == null ? "response" : s.name(),
                                    JsonSchemas.toJson(s.rootElement()),
                                    false));
        }
        return b.build();
    }

    static Message toGate(ChatMessage m) {
        if (m instanceof SystemMessage s) {
            return Message.system(s.text());
        }
        if (m instanceof UserMessage u) {
            List<ContentPart> parts = new ArrayList<>();
            for (Content c : u.contents()) {
                if (c instanceof TextContent t) {
                    parts.add(new ContentPart.Text(t.text()));
                } else if (c instanceof ImageContent i) {
                    parts.add(image(i));
                } else {
                    throw new UnsupportedFeatureException(
                            "llmgate passes text and image content only; this message has " + c.type() + " content");
                }
            }
            Message msg = Message.user(parts.toArray(new ContentPart[0]));
            return u.name() == null ? msg : msg.withName(u.name());
        }
        if (m instanceof AiMessage a) {
            List<ToolCall> calls = new ArrayList<>();
            if (a.toolExecutionRequests() != null) {
                for (ToolExecutionRequest r : a.toolExecutionRequests()) {
                    calls.add(new ToolCall(r.id(), r.name(), r.arguments() == null ? "{}" : r.arguments()));
                }
            }
            return Message.assistant(a.text() == null ? "" : a.text(), calls);
        }
        if (m instanceof ToolExecutionResultMessage t) {
            return Message.tool(t.id(), t.text() == null ? "" : t.text());
        }
        throw new UnsupportedFeatureException("llmgate cannot pass a " + m.type() + " message");
    }

    private static ContentPart image(ImageContent i) {
        Image image = i.image();
        ContentPart.ImageDetail detail = i.detailLevel() == null
                ? ContentPart.ImageDetail.AUTO
                : switch (i.detailLevel()) {
                    case LOW -> ContentPart.ImageDetail.LOW;
                    case HIGH -> ContentPart.ImageDetail.HIGH;
                    default -> ContentPart.ImageDetail.AUTO;
                };
        if (image.base64Data() != null) {
            String mime = image.mimeType() == null ? "image/png" : image.mimeType();
            return new ContentPart.ImageData(Base64.getDecoder().decode(image.base64Data()), mime, detail);
        }
        return new ContentPart.ImageUrl(image.url().toString(), detail);
    }

    /** The gate's answer as LangChain4j's. */
    public static dev.langchain4j.model.chat.response.ChatResponse toLc4j(ChatResponse r) {
        List<ToolExecutionRequest> calls = new ArrayList<>();
        for (ToolCall c : r.toolCalls()) {
            calls.add(ToolExecutionRequest.builder()
                    .id(c.id())
                    .name(c.name())
                    .arguments(c.argumentsJson())
                    .build());
        }
        AiMessage.Builder ai = AiMessage.builder().toolExecutionRequests(calls);
        if (!r.text().isEmpty() || calls.isEmpty()) {
            ai.text(r.text());
        }
        return dev.langchain4j.model.chat.response.ChatResponse.builder()
                .aiMessage(ai.build())
                .id(r.id())
                .modelName(r.model())
                .tokenUsage(new TokenUsage(
                        (int) Math.min(Integer.MAX_VALUE, r.usage().inputTokens()),
                        (int) Math.min(Integer.MAX_VALUE, r.usage().outputTokens())))
                .finishReason(toLc4j(r.finishReason()))
                .build();
    }

    static dev.langchain4j.model.output.FinishReason toLc4j(FinishReason f) {
        return switch (f) {
            case STOP -> dev.langchain4j.model.output.FinishReason.STOP;
            case LENGTH -> dev.langchain4j.model.output.FinishReason.LENGTH;
            case TOOL_CALLS -> dev.langchain4j.model.output.FinishReason.TOOL_EXECUTION;
            case CONTENT_FILTER -> dev.langchain4j.model.output.FinishReason.CONTENT_FILTER;
            default -> dev.langchain4j.model.output.FinishReason.OTHER;
        };
    }

    // ---- llmgate request -> LangChain4j request (an existing LangChain4j model behind the gate)

    /** The gate's request as LangChain4j's, for a wrapped model; {@code model} empty keeps the model's own. */
    public static dev.langchain4j.model.chat.request.ChatRequest toLc4j(ChatRequest r, Optional<String> model) {
        List<ChatMessage> messages = new ArrayList<>();
        Map<String, String> toolNames = new HashMap<>();
        for (Message m : r.messages()) {
            m.toolCalls().forEach(c -> toolNames.put(c.id(), c.name()));
            messages.add(toLc4j(m, toolNames));
        }
        dev.langchain4j.model.chat.request.DefaultChatRequestParameters.Builder<?> p = ChatRequestParameters.builder();
        model.ifPresent(p::modelName);
        r.temperature().ifPresent(p::temperature);
        r.topP().ifPresent(p::topP);
        r.maxOutputTokens().ifPresent(p::maxOutputTokens);
        if (!r.stop().isEmpty()) {
            p.stopSequences(r.stop());
        }
        if (!r.tools().isEmpty()) {
            List<ToolSpecification> tools = new ArrayList<>();
            for (ToolDefinition t : r.tools()) {
                tools.add(ToolSpecification.builder()
                        .name(t.name())
                        .description(t.description().isEmpty() ? null : t.description())
                        .parameters(JsonSchemas.objectFromJson(t.parametersJsonSchema()))
                        .strict(t.strict() ? Boolean.TRUE : null)
                        .build());
            }
            p.toolSpecifications(tools);
        }
        r.toolChoice().ifPresent(c -> {
            if (c instanceof ToolChoice.Specific s) {
                throw new UnsupportedFeatureException(
                        "a LangChain4j model cannot be told to call one named tool ('" + s.name() + "')");
            }
            p.toolChoice(
                    c instanceof ToolChoice.Required
                            ? dev.langchain4j.model.chat.request.ToolChoice.REQUIRED
                            : c instanceof ToolChoice.None
                                    ? dev.langchain4j.model.chat.request.ToolChoice.NONE
                                    : dev.langchain4j.model.chat.request.ToolChoice.AUTO);
        });
        ResponseFormat f = r.responseFormat();
        if (f instanceof ResponseFormat.JsonObject) {
            p.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.JSON);
        } else if (f instanceof ResponseFormat.JsonSchema s) {
            p.responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.builder()
                    .type(ResponseFormatType.JSON)
                    .jsonSchema(JsonSchema.builder()
                            .name(s.name())
                            .rootElement(JsonSchemas.fromJson(s.schemaJson()))
                            .build())
                    .build());
        }
        return dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(messages)
                .parameters(p.build())
                .build();
    }

    private static ChatMessage toLc4j(Message m, Map<String, String> toolNames) {
        switch (m.role()) {
            case SYSTEM:
            case DEVELOPER:
                return SystemMessage.from(m.text());
            case USER: {
                List<Content> contents = new ArrayList<>();
                for (ContentPart part : m.content()) {
                    if (part instanceof ContentPart.Text t) {
                        contents.add(TextContent.from(t.text()));
                    } else if (part instanceof ContentPart.ImageUrl u) {
                        contents.add(ImageContent.from(URI.create(u.url()), detail(u.detail())));
                    } else if (part instanceof ContentPart.ImageData d) {
                        contents.add(ImageContent.from(
                                Base64.getEncoder().encodeToString(d.data()), d.mediaType(), detail(d.detail())));
                    }
                }
                return m.name().isPresent() ? UserMessage.from(m.name().get(), contents) : UserMessage.from(contents);
            }
            case ASSISTANT: {
                List<ToolExecutionRequest> calls = new ArrayList<>();
                for (ToolCall c : m.toolCalls()) {
                    calls.add(ToolExecutionRequest.builder()
                            .id(c.id())
                            .name(c.name())
                            .arguments(c.argumentsJson())
                            .build());
                }
                AiMessage.Builder ai = AiMessage.builder().toolExecutionRequests(calls);
                if (!m.text().isEmpty() || calls.isEmpty()) {
                    ai.text(m.text());
                }
                return ai.build();
            }
            default: {
                String id = m.toolCallId().orElse("");
                return ToolExecutionResultMessage.from(
                        id, toolNames.getOrDefault(id, m.name().orElse("")), m.text());
            }
        }
    }

    private static ImageContent.DetailLevel detail(ContentPart.ImageDetail d) {
        return switch (d) {
            case LOW -> ImageContent.DetailLevel.LOW;
            case HIGH -> ImageContent.DetailLevel.HIGH;
            default -> ImageContent.DetailLevel.AUTO;
        };
    }

    /** A wrapped model's answer as the gate's. */
    public static ChatResponse toGate(
            dev.langchain4j.model.chat.response.ChatResponse r, String provider, String model) {
        AiMessage ai = r.aiMessage();
        List<ToolCall> calls = new ArrayList<>();
        if (ai.toolExecutionRequests() != null) {
            int i = 0;
            for (ToolExecutionRequest t : ai.toolExecutionRequests()) {
                String id = t.id() == null ? "call_" + i : t.id();
                calls.add(new ToolCall(id, t.name(), t.arguments() == null ? "{}" : t.arguments()));
                i++;
            }
        }
        TokenUsage u = r.tokenUsage();
        Usage usage = u == null
                ? Usage.ZERO
                : Usage.of(
                        u.inputTokenCount() == null ? 0 : u.inputTokenCount(),
                        u.outputTokenCount() == null ? 0 : u.outputTokenCount());
        return ChatResponse.builder()
                .id(r.id() == null ? "" : r.id())
                .provider(provider)
                .model(r.modelName() == null ? model : r.modelName())
                .text(ai.text() == null ? "" : ai.text())
                .toolCalls(calls)
                .finishReason(toGate(r.finishReason(), !calls.isEmpty()))
                .usage(usage)
                .build();
    }

    static FinishReason toGate(dev.langchain4j.model.output.FinishReason f, boolean toolCalls) {
        if (f == null) {
            return toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
        return switch (f) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case TOOL_EXECUTION -> FinishReason.TOOL_CALLS;
            case CONTENT_FILTER -> FinishReason.CONTENT_FILTER;
            default -> toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        };
    }
}
