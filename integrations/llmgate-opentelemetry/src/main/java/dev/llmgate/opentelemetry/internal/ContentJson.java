package dev.llmgate.opentelemetry.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.ToolCall;
import java.util.Locale;

/**
 * The conversation as the GenAI conventions' {@code gen_ai.input.messages} / {@code gen_ai.output.messages} JSON:
 * {@code [{"role":"user","parts":[{"type":"text","content":"..."}]}]}; tool calls as {@code tool_call} parts. Only
 * written when content capture is on.
 */
final class ContentJson {
    private ContentJson() {}

    static String input(ChatRequest request) {
        StringBuilder out = new StringBuilder("[");
        for (Message m : request.messages()) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append("{\"role\":");
            string(out, m.role().name().toLowerCase(Locale.ROOT));
            out.append(",\"parts\":[");
            boolean first = true;
            if (!m.text().isEmpty()) {
                text(out, m.text());
                first = false;
            }
            for (ToolCall c : m.toolCalls()) {
                if (!first) {
                    out.append(',');
                }
                toolCall(out, c);
                first = false;
            }
            out.append("]}");
        }
        return out.append(']').toString();
    }

    static String output(ChatResponse answer) {
        StringBuilder out = new StringBuilder("[{\"role\":\"assistant\",\"parts\":[");
        boolean first = true;
        if (!answer.text().isEmpty()) {
            text(out, answer.text());
            first = false;
        }
        for (ToolCall c : answer.toolCalls()) {
            if (!first) {
                out.append(',');
            }
            toolCall(out, c);
            first = false;
        }
        out.append("],\"finish_reason\":");
        string(out, finishReason(answer.finishReason()));
        return out.append("}]").toString();
    }

    /** The conventions' finish reason values. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_call";
            case CONTENT_FILTER -> "content_filter";
            case ERROR -> "error";
        };
    }

    private static void text(StringBuilder out, String text) {
        out.append("{\"type\":\"text\",\"content\":");
        string(out, text);
        out.append('}');
    }

    private static void toolCall(StringBuilder out, ToolCall c) {
        out.append("{\"type\":\"tool_call\",\"id\":");
        string(out, c.id());
        out.append(",\"name\":");
        string(out, c.name());
        out.append(",\"arguments\":");
        string(out, c.argumentsJson());
        out.append('}');
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
