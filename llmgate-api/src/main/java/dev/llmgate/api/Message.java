package dev.llmgate.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One turn of a conversation. Immutable; build it with the static factories.
 *
 * <p>Rules checked on construction, so that a bad message fails here and not at the provider:
 * only {@link Role#ASSISTANT} messages carry tool calls; a {@link Role#TOOL} message names the
 * tool call it answers; images appear only in user messages.
 *
 * @param role       who wrote it
 * @param content    text and image parts, in order; may be empty for an assistant message that only calls tools
 * @param toolCalls  the tool calls of an assistant message; empty otherwise
 * @param toolCallId for a {@link Role#TOOL} message, the id of the call it answers
 * @param name       an optional participant name, passed to providers that support it
 */
public record Message(
        Role role,
        List<ContentPart> content,
        List<ToolCall> toolCalls,
        Optional<String> toolCallId,
        Optional<String> name) {

    public Message {
        Objects.requireNonNull(role, "role must not be null");
        content = List.copyOf(Objects.requireNonNull(content, "content must not be null; use List.of()"));
        toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls must not be null; use List.of()"));
        Objects.requireNonNull(toolCallId, "toolCallId must not be null; use Optional.empty()");
        Objects.requireNonNull(name, "name must not be null; use Optional.empty()");
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only ASSISTANT messages can carry tool calls, this one is " + role);
        }
        if (role == Role.TOOL && toolCallId.isEmpty()) {
            throw new IllegalArgumentException(
                    "a TOOL message must name the tool call it answers: use Message.tool(toolCallId, result)");
        }
        if (role != Role.TOOL && toolCallId.isPresent()) {
            throw new IllegalArgumentException("only TOOL messages carry a toolCallId, this one is " + role);
        }
        if (role != Role.USER) {
            for (ContentPart part : content) {
                if (!(part instanceof ContentPart.Text)) {
                    throw new IllegalArgumentException(
                            "images are only allowed in USER messages, found one in a " + role + " message");
                }
            }
        }
        if (role != Role.ASSISTANT && content.isEmpty()) {
            throw new IllegalArgumentException(
                    "a " + role + " message needs content: pass at least one text or image part");
        }
    }

    /** A system instruction. */
    public static Message system(String text) {
        return of(Role.SYSTEM, text);
    }

    /** A developer instruction (mapped to a system instruction by providers without that role). */
    public static Message developer(String text) {
        return of(Role.DEVELOPER, text);
    }

    /** A user turn of plain text. */
    public static Message user(String text) {
        return of(Role.USER, text);
    }

    /** A user turn of several parts, e.g. text and images. */
    public static Message user(ContentPart... parts) {
        return new Message(Role.USER, List.of(parts), List.of(), Optional.empty(), Optional.empty());
    }

    /** An assistant turn of plain text. */
    public static Message assistant(String text) {
        return of(Role.ASSISTANT, text);
    }

    /** An assistant turn that called tools, with optional text ({@code ""} for none). */
    public static Message assistant(String text, List<ToolCall> toolCalls) {
        List<ContentPart> parts = text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text));
        return new Message(Role.ASSISTANT, parts, toolCalls, Optional.empty(), Optional.empty());
    }

    /** The result of the tool call with id {@code toolCallId}. */
    public static Message tool(String toolCallId, String result) {
        return new Message(
                Role.TOOL, List.of(new ContentPart.Text(result)), List.of(), Optional.of(toolCallId), Optional.empty());
    }

    private static Message of(Role role, String text) {
        Objects.requireNonNull(text, "text must not be null");
        return new Message(role, List.of(new ContentPart.Text(text)), List.of(), Optional.empty(), Optional.empty());
    }

    /** This message with a participant name. */
    public Message withName(String participantName) {
        return new Message(role, content, toolCalls, toolCallId, Optional.of(participantName));
    }

    /** This message with its content replaced (used by interceptors that redact or rewrite text). */
    public Message withContent(List<ContentPart> newContent) {
        return new Message(role, newContent, toolCalls, toolCallId, name);
    }

    /** The concatenated text parts, without images; {@code ""} if there are none. */
    public String text() {
        if (content.size() == 1 && content.get(0) instanceof ContentPart.Text t) {
            return t.text();
        }
        StringBuilder sb = new StringBuilder();
        for (ContentPart part : content) {
            if (part instanceof ContentPart.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /** True if any part is an image. */
    public boolean hasImages() {
        for (ContentPart part : content) {
            if (!(part instanceof ContentPart.Text)) {
                return true;
            }
        }
        return false;
    }

    /** Shows the message's shape, never its text. */
    @Override
    public String toString() {
        return "Message[" + role + ", " + content.size() + " part(s), " + text().length() + " chars"
                + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls.size())
                + toolCallId.map(id -> ", toolCallId=" + id).orElse("")
                + "]";
    }

    /** A copy with the text parts mapped by {@code mapper} (images kept as they are). */
    public Message mapText(java.util.function.UnaryOperator<String> mapper) {
        List<ContentPart> mapped = new ArrayList<>(content.size());
        for (ContentPart part : content) {
            mapped.add(part instanceof ContentPart.Text t ? new ContentPart.Text(mapper.apply(t.text())) : part);
        }
        return withContent(mapped);
    }
}
