package dev.llmgate.policy.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.policy.Channel;
import dev.llmgate.policy.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything of a request that travels to the provider, as one {@link ScanView} (the channels of
 * {@link Channel} that are input channels, in conversation order: per message its name, text parts
 * and image URLs in part order, its tool calls' names, arguments and ids and the id of the call it answers; then the tool definitions, the
 * response schema, the provider options and the stop sequences), and the request rebuilt from
 * redacted sources. Messages whose role the policy does not scan are skipped whole. Not API.
 */
public final class RequestView {
    private final ChatRequest request;
    private final ScanView view;
    /** Per source: where it goes back. */
    private final List<Slot> slots;

    private sealed interface Slot
            permits MessageText,
                    MessageName,
                    ImageUrl,
                    CallName,
                    CallArguments,
                    CallId,
                    ResultId,
                    ToolName,
                    ToolDescription,
                    ToolSchema,
                    SchemaName,
                    SchemaJson,
                    Option,
                    Stop {}

    private record MessageText(int message, int part) implements Slot {}

    private record MessageName(int message) implements Slot {}

    private record ImageUrl(int message, int part) implements Slot {}

    private record CallName(int message, int call) implements Slot {}

    private record CallArguments(int message, int call) implements Slot {}

    /** A tool call's id (it travels with the call and with its result: written back the same way in both). */
    private record CallId(int message, int call) implements Slot {}

    /** The id of the call a tool message answers. */
    private record ResultId(int message) implements Slot {}

    private record ToolName(int tool) implements Slot {}

    private record ToolDescription(int tool) implements Slot {}

    private record ToolSchema(int tool) implements Slot {}

    private record SchemaName() implements Slot {}

    private record SchemaJson() implements Slot {}

    /** A key or a value of the provider options: the n-th one met walking them in order. */
    private record Option(int ordinal) implements Slot {}

    private record Stop(int index) implements Slot {}

    private RequestView(ChatRequest request, ScanView view, List<Slot> slots) {
        this.request = request;
        this.view = view;
        this.slots = slots;
    }

    /**
     * The scanned view of {@code request}'s conversation under {@code policy}'s channels and roles:
     * its messages, provider options and stop sequences (the definitions are {@link #definitions}).
     */
    public static RequestView of(ChatRequest request, Policy policy) {
        Set<Channel> channels = policy.channels();
        ScanView.Builder b = ScanView.builder();
        List<Slot> slots = new ArrayList<>();
        List<Message> messages = request.messages();
        for (int m = 0; m < messages.size(); m++) {
            Message msg = messages.get(m);
            if (!policy.scanRoles().contains(msg.role())) {
                continue;
            }
            if (channels.contains(Channel.MESSAGE_NAMES) && msg.name().isPresent()) {
                add(b, slots, Channel.MESSAGE_NAMES, msg.name().get(), ScanView.Kind.NAME, new MessageName(m));
            }
            List<ContentPart> parts = msg.content();
            for (int p = 0; p < parts.size(); p++) {
                ContentPart part = parts.get(p);
                if (part instanceof ContentPart.Text t && channels.contains(Channel.MESSAGES)) {
                    add(b, slots, Channel.MESSAGES, t.text(), ScanView.Kind.PLAIN, new MessageText(m, p));
                } else if (part instanceof ContentPart.ImageUrl u
                        && channels.contains(Channel.IMAGE_URLS)
                        && !isDataUrl(u.url())) {
                    add(b, slots, Channel.IMAGE_URLS, u.url(), ScanView.Kind.URL, new ImageUrl(m, p));
                }
            }
            if (channels.contains(Channel.TOOL_CALL_HISTORY)) {
                List<ToolCall> calls = msg.toolCalls();
                for (int c = 0; c < calls.size(); c++) {
                    add(
                            b,
                            slots,
                            Channel.TOOL_CALL_HISTORY,
                            calls.get(c).name(),
                            ScanView.Kind.NAME,
                            new CallName(m, c));
                    add(
                            b,
                            slots,
                            Channel.TOOL_CALL_HISTORY,
                            calls.get(c).argumentsJson(),
                            ScanView.Kind.JSON,
                            new CallArguments(m, c));
                    if (!calls.get(c).id().isEmpty()) {
                        add(
                                b,
                                slots,
                                Channel.TOOL_CALL_HISTORY,
                                calls.get(c).id(),
                                ScanView.Kind.NAME,
                                new CallId(m, c));
                    }
                }
                if (msg.toolCallId().isPresent() && !msg.toolCallId().get().isEmpty()) {
                    add(
                            b,
                            slots,
                            Channel.TOOL_CALL_HISTORY,
                            msg.toolCallId().get(),
                            ScanView.Kind.NAME,
                            new ResultId(m));
                }
            }
        }
        if (channels.contains(Channel.PROVIDER_OPTIONS)
                && !request.providerOptions().isEmpty()) {
            int[] ordinal = {0};
            walkOptions(
                    request.providerOptions(),
                    (text, kind) -> add(b, slots, Channel.PROVIDER_OPTIONS, text, kind, new Option(ordinal[0]++)));
        }
        if (channels.contains(Channel.STOP_SEQUENCES)) {
            List<String> stop = request.stop();
            for (int i = 0; i < stop.size(); i++) {
                add(b, slots, Channel.STOP_SEQUENCES, stop.get(i), ScanView.Kind.PLAIN, new Stop(i));
            }
        }
        return new RequestView(request, b.build(), slots);
    }

    /**
     * The scanned view of {@code request}'s definitions: its tools (names, descriptions, parameter
     * schemas) and its response schema. They are the same on most calls of an application, so the
     * engine keeps their evaluation ({@link Engine#evaluateDefinitions}); empty if there are none.
     */
    public static java.util.Optional<RequestView> definitions(ChatRequest request, Policy policy) {
        Set<Channel> channels = policy.channels();
        ScanView.Builder b = ScanView.builder();
        List<Slot> slots = new ArrayList<>();
        if (channels.contains(Channel.TOOL_DEFINITIONS)) {
            List<ToolDefinition> tools = request.tools();
            for (int t = 0; t < tools.size(); t++) {
                ToolDefinition tool = tools.get(t);
                add(b, slots, Channel.TOOL_DEFINITIONS, tool.name(), ScanView.Kind.NAME, new ToolName(t));
                if (!tool.description().isEmpty()) {
                    add(
                            b,
                            slots,
                            Channel.TOOL_DEFINITIONS,
                            tool.description(),
                            ScanView.Kind.PLAIN,
                            new ToolDescription(t));
                }
                add(
                        b,
                        slots,
                        Channel.TOOL_DEFINITIONS,
                        tool.parametersJsonSchema(),
                        ScanView.Kind.JSON,
                        new ToolSchema(t));
            }
        }
        if (channels.contains(Channel.RESPONSE_SCHEMA)
                && request.responseFormat() instanceof ResponseFormat.JsonSchema s) {
            add(b, slots, Channel.RESPONSE_SCHEMA, s.name(), ScanView.Kind.NAME, new SchemaName());
            add(b, slots, Channel.RESPONSE_SCHEMA, s.schemaJson(), ScanView.Kind.JSON, new SchemaJson());
        }
        if (slots.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new RequestView(request, b.build(), slots));
    }

    /** What the evaluation of {@code request}'s definitions is kept by: equal definitions give an equal key. */
    public static Object definitionsKey(ChatRequest request, Policy policy) {
        return java.util.Arrays.asList(
                request.tools(), request.responseFormat() instanceof ResponseFormat.JsonSchema s ? s : "");
    }

    private static boolean isDataUrl(String url) {
        return url.regionMatches(true, 0, "data:", 0, 5);
    }

    private static void add(
            ScanView.Builder b, List<Slot> slots, Channel channel, String text, ScanView.Kind kind, Slot slot) {
        b.add(channel, text, kind);
        slots.add(slot);
    }

    private interface OptionSink {
        void accept(String text, ScanView.Kind kind);
    }

    /** Keys and scalar values of the options in a fixed order (map entries in order: key, then value). */
    private static void walkOptions(Object value, OptionSink sink) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sink.accept((String) e.getKey(), ScanView.Kind.PLAIN);
                walkOptions(e.getValue(), sink);
            }
        } else if (value instanceof List<?> list) {
            for (Object o : list) {
                walkOptions(o, sink);
            }
        } else if (value instanceof String s) {
            sink.accept(s, ScanView.Kind.PLAIN);
        } else if (value instanceof Number n) {
            sink.accept(n.toString(), ScanView.Kind.PLAIN);
        }
    }

    public ScanView view() {
        return view;
    }

    /** Metadata attributes a provider adapter writes as wire details; those that list tool-call ids follow their rewrite. */
    private static final String WIRE_DETAIL = "llmgate.wire.";

    /** The request with the redacted sources ({@code redacted}, parallel to the view's sources) in place. */
    public ChatRequest rebuild(String[] redacted) {
        return rebuild(request, redacted);
    }

    /**
     * {@code base} (a request whose scanned parts equal this view's request's, e.g. already rebuilt
     * from another view) with the redacted sources in place.
     */
    public ChatRequest rebuild(ChatRequest base, String[] redacted) {
        ChatRequest request = base;
        List<ScanView.Source> sources = view.sources();
        boolean changed = false;
        for (int i = 0; i < redacted.length; i++) {
            if (!redacted[i].equals(sources.get(i).text())) {
                changed = true;
                break;
            }
        }
        if (!changed) {
            return request;
        }
        List<Message> messages = new ArrayList<>(request.messages());
        List<ToolDefinition> tools = new ArrayList<>(request.tools());
        List<String> stop = new ArrayList<>(request.stop());
        ResponseFormat format = request.responseFormat();
        Optional<ToolChoice> choice = request.toolChoice();
        Map<Integer, String> options = new java.util.HashMap<>();
        List<String> existingIds = new ArrayList<>();
        for (Message msg : request.messages()) {
            msg.toolCalls().forEach(c -> existingIds.add(c.id()));
            msg.toolCallId().ifPresent(existingIds::add);
        }
        RedactedIds ids = new RedactedIds(existingIds);
        for (int i = 0; i < redacted.length; i++) {
            String text = redacted[i];
            if (text.equals(sources.get(i).text())) {
                continue;
            }
            Slot slot = slots.get(i);
            if (slot instanceof MessageText s) {
                Message msg = messages.get(s.message());
                List<ContentPart> parts = new ArrayList<>(msg.content());
                parts.set(s.part(), new ContentPart.Text(text));
                messages.set(s.message(), msg.withContent(parts));
            } else if (slot instanceof ImageUrl s) {
                Message msg = messages.get(s.message());
                List<ContentPart> parts = new ArrayList<>(msg.content());
                ContentPart.ImageUrl old = (ContentPart.ImageUrl) parts.get(s.part());
                parts.set(s.part(), new ContentPart.ImageUrl(text, old.detail()));
                messages.set(s.message(), msg.withContent(parts));
            } else if (slot instanceof MessageName s) {
                messages.set(s.message(), messages.get(s.message()).withName(text));
            } else if (slot instanceof CallName s) {
                messages.set(s.message(), withCall(messages.get(s.message()), s.call(), text, null));
            } else if (slot instanceof CallArguments s) {
                messages.set(s.message(), withCall(messages.get(s.message()), s.call(), null, text));
            } else if (slot instanceof CallId s) {
                Message msg = messages.get(s.message());
                List<ToolCall> calls = new ArrayList<>(msg.toolCalls());
                ToolCall old = calls.get(s.call());
                String id = ids.rewrite(old.id(), text);
                calls.set(s.call(), new ToolCall(id, old.name(), old.argumentsJson()));
                messages.set(s.message(), new Message(msg.role(), msg.content(), calls, msg.toolCallId(), msg.name()));
            } else if (slot instanceof ResultId s) {
                Message msg = messages.get(s.message());
                String id = ids.rewrite(msg.toolCallId().orElseThrow(), text);
                messages.set(
                        s.message(),
                        new Message(msg.role(), msg.content(), msg.toolCalls(), Optional.of(id), msg.name()));
            } else if (slot instanceof ToolName s) {
                ToolDefinition t = tools.get(s.tool());
                String name = uniqueName(text, tools);
                tools.set(s.tool(), new ToolDefinition(name, t.description(), t.parametersJsonSchema(), t.strict()));
                if (choice.isPresent()
                        && choice.get() instanceof ToolChoice.Specific sp
                        && sp.name().equals(t.name())) {
                    choice = Optional.of(ToolChoice.tool(name));
                }
            } else if (slot instanceof ToolDescription s) {
                ToolDefinition t = tools.get(s.tool());
                tools.set(s.tool(), new ToolDefinition(t.name(), text, t.parametersJsonSchema(), t.strict()));
            } else if (slot instanceof ToolSchema s) {
                ToolDefinition t = tools.get(s.tool());
                tools.set(s.tool(), new ToolDefinition(t.name(), t.description(), text, t.strict()));
            } else if (slot instanceof SchemaName) {
                ResponseFormat.JsonSchema f = (ResponseFormat.JsonSchema) format;
                format = ResponseFormat.jsonSchema(text, f.schemaJson(), f.strict());
            } else if (slot instanceof SchemaJson) {
                ResponseFormat.JsonSchema f = (ResponseFormat.JsonSchema) format;
                format = ResponseFormat.jsonSchema(f.name(), text, f.strict());
            } else if (slot instanceof Option s) {
                options.put(s.ordinal(), text);
            } else if (slot instanceof Stop s) {
                stop.set(s.index(), text.isEmpty() ? "[REDACTED]" : text);
            }
        }
        Map<String, Object> providerOptions = request.providerOptions();
        if (!options.isEmpty()) {
            int[] ordinal = {0};
            @SuppressWarnings("unchecked")
            Map<String, Object> rebuilt = (Map<String, Object>) rebuildOptions(providerOptions, options, ordinal);
            providerOptions = rebuilt;
        }
        dev.llmgate.api.Metadata metadata = request.metadata();
        for (Map.Entry<String, String> a : request.metadata().attributes().entrySet()) {
            if (a.getKey().startsWith(WIRE_DETAIL)) {
                String value = ids.rewriteList(a.getValue());
                if (!value.equals(a.getValue())) {
                    metadata = metadata.withAttribute(a.getKey(), value);
                }
            }
        }
        return request.toBuilder()
                .metadata(metadata)
                .messages(messages)
                .tools(tools)
                .toolChoice(choice)
                .responseFormat(format)
                .stop(stop)
                .providerOptions(providerOptions)
                .build();
    }

    /** {@code name}, or with a number appended if another tool already has it (names are unique within a request). */
    private static String uniqueName(String name, List<ToolDefinition> tools) {
        String candidate = name;
        for (int n = 2; n < 1000; n++) {
            String c = candidate;
            if (tools.stream().noneMatch(t -> t.name().equals(c))) {
                return candidate;
            }
            candidate = name + "_" + n;
        }
        return candidate;
    }

    private static Message withCall(Message msg, int index, String name, String arguments) {
        List<ToolCall> calls = new ArrayList<>(msg.toolCalls());
        ToolCall old = calls.get(index);
        calls.set(
                index,
                new ToolCall(
                        old.id(),
                        name != null ? name : old.name(),
                        arguments != null ? arguments : old.argumentsJson()));
        return new Message(msg.role(), msg.content(), calls, msg.toolCallId(), msg.name());
    }

    /** The options with the n-th key or value replaced by {@code replaced.get(n)} (same walk order as {@link #walkOptions}). */
    private static Object rebuildOptions(Object value, Map<Integer, String> replaced, int[] ordinal) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = replaced.getOrDefault(ordinal[0]++, (String) e.getKey());
                copy.put(key, rebuildOptions(e.getValue(), replaced, ordinal));
            }
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object o : list) {
                copy.add(rebuildOptions(o, replaced, ordinal));
            }
            return copy;
        }
        if (value instanceof String || value instanceof Number) {
            String r = replaced.get(ordinal[0]++);
            return r != null ? r : value;
        }
        return value;
    }
}
