package dev.llmgate.springai.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.util.MimeType;

/**
 * Spring AI's chat types to llmgate's and back. Refused (the gate cannot scan them): media that is not an image.
 * Not carried: message metadata and properties, an assistant message's media.
 */
public final class SpringAiMapping {
    private SpringAiMapping() {}

    /** The prompt as a gate request for {@code model} (the prompt's own model when {@code model} is empty). */
    public static ChatRequest toGate(Prompt prompt, String model, Metadata metadata) {
        ChatRequest.Builder b = ChatRequest.builder(model).metadata(metadata);
        for (dev.llmgate.api.Message m : messagesToGate(prompt.getInstructions())) {
            b.addMessage(m);
        }
        ChatOptions o = prompt.getOptions();
        if (o != null) {
            if (o.getTemperature() != null) {
                b.temperature(o.getTemperature());
            }
            if (o.getTopP() != null) {
                b.topP(o.getTopP());
            }
            if (o.getMaxTokens() != null) {
                b.maxOutputTokens(o.getMaxTokens());
            }
            if (o.getStopSequences() != null && !o.getStopSequences().isEmpty()) {
                b.stop(o.getStopSequences());
            }
            if (o.getTopK() != null) {
                b.providerOption("top_k", o.getTopK());
            }
            if (o.getFrequencyPenalty() != null) {
                b.providerOption("frequency_penalty", o.getFrequencyPenalty());
            }
            if (o.getPresencePenalty() != null) {
                b.providerOption("presence_penalty", o.getPresencePenalty());
            }
            if (o instanceof ToolCallingChatOptions t && t.getToolCallbacks() != null) {
                for (ToolCallback c : t.getToolCallbacks()) {
                    var d = c.getToolDefinition();
                    b.addTool(ToolDefinition.of(
                            d.name(), d.description() == null ? "" : d.description(), d.inputSchema()));
                }
            }
        }
        return b.build();
    }

    /** Spring AI messages as the gate's. */
    public static List<dev.llmgate.api.Message> messagesToGate(List<Message> messages) {
        List<dev.llmgate.api.Message> out = new ArrayList<>();
        for (Message m : messages) {
            if (m instanceof SystemMessage s) {
                out.add(dev.llmgate.api.Message.system(text(s.getText())));
            } else if (m instanceof UserMessage u) {
                List<ContentPart> parts = new ArrayList<>();
                if (u.getText() != null && !u.getText().isEmpty()) {
                    parts.add(new ContentPart.Text(u.getText()));
                }
                for (Media media : u.getMedia()) {
                    parts.add(image(media));
                }
                out.add(dev.llmgate.api.Message.user(parts.toArray(new ContentPart[0])));
            } else if (m instanceof AssistantMessage a) {
                List<ToolCall> calls = new ArrayList<>();
                for (AssistantMessage.ToolCall c : a.getToolCalls()) {
                    calls.add(new ToolCall(c.id(), c.name(), c.arguments() == null ? "{}" : c.arguments()));
                }
                out.add(dev.llmgate.api.Message.assistant(text(a.getText()), calls));
            } else if (m instanceof ToolResponseMessage t) {
                for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
                    out.add(dev.llmgate.api.Message.tool(r.id(), text(r.responseData())));
                }
            } else {
                throw new InvalidRequestException(
                        "llmgate cannot pass a " + m.getMessageType() + " message", ErrorDetails.NONE);
            }
        }
        return out;
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static ContentPart image(Media media) {
        MimeType type = media.getMimeType();
        if (type == null || !"image".equals(type.getType())) {
            throw new InvalidRequestException(
                    "llmgate passes text and images only; this message has " + type + " media", ErrorDetails.NONE);
        }
        Object data = media.getData();
        if (data instanceof String url) {
            return new ContentPart.ImageUrl(url, ContentPart.ImageDetail.AUTO);
        }
        if (data instanceof URI uri) {
            return new ContentPart.ImageUrl(uri.toString(), ContentPart.ImageDetail.AUTO);
        }
        return new ContentPart.ImageData(media.getDataAsByteArray(), type.toString(), ContentPart.ImageDetail.AUTO);
    }

    /** The gate's messages as Spring AI's (after the input policy changed them), consecutive tool results grouped. */
    public static List<Message> messagesToSpring(List<dev.llmgate.api.Message> messages) {
        List<Message> out = new ArrayList<>();
        Map<String, String> toolNames = new HashMap<>();
        List<ToolResponseMessage.ToolResponse> pending = new ArrayList<>();
        for (dev.llmgate.api.Message m : messages) {
            if (m.role() != dev.llmgate.api.Role.TOOL && !pending.isEmpty()) {
                out.add(ToolResponseMessage.builder()
                        .responses(List.copyOf(pending))
                        .build());
                pending.clear();
            }
            switch (m.role()) {
                case SYSTEM:
                case DEVELOPER:
                    out.add(new SystemMessage(m.text()));
                    break;
                case USER: {
                    List<Media> media = new ArrayList<>();
                    for (ContentPart p : m.content()) {
                        if (p instanceof ContentPart.ImageUrl u) {
                            media.add(Media.builder()
                                    .mimeType(MimeType.valueOf("image/*"))
                                    .data(URI.create(u.url()))
                                    .build());
                        } else if (p instanceof ContentPart.ImageData d) {
                            media.add(Media.builder()
                                    .mimeType(MimeType.valueOf(d.mediaType()))
                                    .data(d.data())
                                    .build());
                        }
                    }
                    out.add(UserMessage.builder().text(m.text()).media(media).build());
                    break;
                }
                case ASSISTANT: {
                    List<AssistantMessage.ToolCall> calls = new ArrayList<>();
                    for (ToolCall c : m.toolCalls()) {
                        toolNames.put(c.id(), c.name());
                        calls.add(new AssistantMessage.ToolCall(c.id(), "function", c.name(), c.argumentsJson()));
                    }
                    out.add(AssistantMessage.builder()
                            .content(m.text())
                            .toolCalls(calls)
                            .build());
                    break;
                }
                default: {
                    String id = m.toolCallId().orElse("");
                    pending.add(new ToolResponseMessage.ToolResponse(id, toolNames.getOrDefault(id, ""), m.text()));
                }
            }
        }
        if (!pending.isEmpty()) {
            out.add(ToolResponseMessage.builder()
                    .responses(List.copyOf(pending))
                    .build());
        }
        return out;
    }

    /** The gate's answer as Spring AI's. */
    public static org.springframework.ai.chat.model.ChatResponse toSpring(ChatResponse r) {
        return chunk(r.text(), r.toolCalls(), Optional.of(r.finishReason()), r.usage(), r.id(), r.model());
    }

    /** One Spring AI response (a whole answer or a stream chunk). */
    public static org.springframework.ai.chat.model.ChatResponse chunk(
            String text,
            List<ToolCall> toolCalls,
            Optional<FinishReason> finish,
            Usage usage,
            String id,
            String model) {
        List<AssistantMessage.ToolCall> calls = new ArrayList<>();
        for (ToolCall c : toolCalls) {
            calls.add(new AssistantMessage.ToolCall(c.id(), "function", c.name(), c.argumentsJson()));
        }
        AssistantMessage message =
                AssistantMessage.builder().content(text).toolCalls(calls).build();
        ChatGenerationMetadata gm = finish.isPresent()
                ? ChatGenerationMetadata.builder()
                        .finishReason(finish.get().name())
                        .build()
                : ChatGenerationMetadata.NULL;
        ChatResponseMetadata meta = ChatResponseMetadata.builder()
                .id(id)
                .model(model)
                .usage(new DefaultUsage((int) Math.min(Integer.MAX_VALUE, usage.inputTokens()), (int)
                        Math.min(Integer.MAX_VALUE, usage.outputTokens())))
                .build();
        return new org.springframework.ai.chat.model.ChatResponse(List.of(new Generation(message, gm)), meta);
    }

    /** A Spring AI model's answer as the gate's (for the advisor). */
    public static ChatResponse toGate(org.springframework.ai.chat.model.ChatResponse r, String provider, String model) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        String finish = null;
        for (Generation g : r.getResults()) {
            AssistantMessage a = g.getOutput();
            if (a.getText() != null) {
                text.append(a.getText());
            }
            for (AssistantMessage.ToolCall c : a.getToolCalls()) {
                calls.add(new ToolCall(
                        c.id() == null ? "call_" + calls.size() : c.id(),
                        c.name(),
                        c.arguments() == null ? "{}" : c.arguments()));
            }
            if (g.getMetadata() != null && g.getMetadata().getFinishReason() != null) {
                finish = g.getMetadata().getFinishReason();
            }
        }
        ChatResponseMetadata meta = r.getMetadata();
        Usage usage = Usage.ZERO;
        if (meta != null && meta.getUsage() != null) {
            Integer in = meta.getUsage().getPromptTokens();
            Integer out = meta.getUsage().getCompletionTokens();
            usage = Usage.of(in == null ? 0 : in, out == null ? 0 : out);
        }
        return ChatResponse.builder()
                .id(meta == null || meta.getId() == null ? "" : meta.getId())
                .provider(provider)
                .model(
                        meta == null
                                        || meta.getModel() == null
                                        || meta.getModel().isEmpty()
                                ? model
                                : meta.getModel())
                .text(text.toString())
                .toolCalls(calls)
                .finishReason(finishReason(finish, !calls.isEmpty()))
                .usage(usage)
                .build();
    }

    /** A provider's finish reason string (Spring AI passes them on as the provider wrote them). */
    public static FinishReason finishReason(String s, boolean toolCalls) {
        if (s == null || s.isEmpty()) {
            return toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
        switch (s.toUpperCase(Locale.ROOT)) {
            case "LENGTH":
            case "MAX_TOKENS":
                return FinishReason.LENGTH;
            case "TOOL_CALLS":
            case "TOOL_USE":
            case "FUNCTION_CALL":
                return FinishReason.TOOL_CALLS;
            case "CONTENT_FILTER":
            case "SAFETY":
                return FinishReason.CONTENT_FILTER;
            default:
                return toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
    }
}
