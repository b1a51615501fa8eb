package dev.llmgate.api;

import dev.llmgate.api.internal.JsonLike;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * An immutable chat request in one provider-neutral shape. Build it with {@link #builder(String)};
 * every value is checked on {@link Builder#build()}, so a malformed request fails before any
 * interceptor or provider sees it, with a message that says how to fix it.
 *
 * @param model           {@code "provider:model"} (e.g. {@code "openai:gpt-4o-mini"}) or an alias configured on the gate
 * @param messages        the conversation, oldest first; never empty
 * @param tools           tools the model may call
 * @param toolChoice      whether and which tool must be called; empty leaves it to the provider's default
 * @param parallelToolCalls whether the model may call several tools in one turn; empty leaves it to the provider
 * @param responseFormat  text, JSON object or JSON Schema
 * @param temperature     sampling temperature, 0 to 2
 * @param topP            nucleus sampling, greater than 0 and at most 1
 * @param maxOutputTokens the most tokens the answer may have
 * @param stop            stop sequences
 * @param seed            a sampling seed, for providers that support one
 * @param providerOptions further body fields sent verbatim to the provider (JSON values), e.g. {@code reasoning_effort}
 * @param metadata        tenant, user, tags: read by interceptors, never sent to the provider
 */
public record ChatRequest(String model, List<Message> messages, List<ToolDefinition> tools, Optional<ToolChoice> toolChoice,
                          Optional<Boolean> parallelToolCalls, ResponseFormat responseFormat, OptionalDouble temperature,
                          OptionalDouble topP, OptionalInt maxOutputTokens, List<String> stop, OptionalLong seed,
                          Map<String, Object> providerOptions, Metadata metadata) {

    public ChatRequest {
        Objects.requireNonNull(model, "model must not be null");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank: use \"provider:model\" (e.g. \"openai:gpt-4o-mini\") or an alias configured on the gate");
        }
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message: add one with addMessage(Message.user(\"...\"))");
        }
        tools = List.copyOf(Objects.requireNonNull(tools, "tools: use List.of()"));
        Objects.requireNonNull(toolChoice, "toolChoice: use Optional.empty()");
        Objects.requireNonNull(parallelToolCalls, "parallelToolCalls: use Optional.empty()");
        Objects.requireNonNull(responseFormat, "responseFormat: use ResponseFormat.text()");
        Objects.requireNonNull(temperature, "temperature: use OptionalDouble.empty()");
        Objects.requireNonNull(topP, "topP: use OptionalDouble.empty()");
        Objects.requireNonNull(maxOutputTokens, "maxOutputTokens: use OptionalInt.empty()");
        stop = List.copyOf(Objects.requireNonNull(stop, "stop: use List.of()"));
        Objects.requireNonNull(seed, "seed: use OptionalLong.empty()");
        providerOptions = JsonLike.copyOf(Objects.requireNonNull(providerOptions, "providerOptions: use Map.of()"), "providerOptions");
        Objects.requireNonNull(metadata, "metadata: use Metadata.EMPTY");

        if (temperature.isPresent() && !(temperature.getAsDouble() >= 0 && temperature.getAsDouble() <= 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature.getAsDouble());
        }
        if (topP.isPresent() && !(topP.getAsDouble() > 0 && topP.getAsDouble() <= 1)) {
            throw new IllegalArgumentException("topP must be greater than 0 and at most 1, was " + topP.getAsDouble());
        }
        if (maxOutputTokens.isPresent() && maxOutputTokens.getAsInt() < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be at least 1, was " + maxOutputTokens.getAsInt());
        }
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop sequences must not be empty strings");
            }
        }
        if (toolChoice.isPresent() && !(toolChoice.get() instanceof ToolChoice.None) && !(toolChoice.get() instanceof ToolChoice.Auto)
                && tools.isEmpty()) {
            throw new IllegalArgumentException("toolChoice " + toolChoice.get() + " needs tools: add the tools with addTool(...)");
        }
        if (toolChoice.isPresent() && toolChoice.get() instanceof ToolChoice.Specific s
                && tools.stream().noneMatch(t -> t.name().equals(s.name()))) {
            throw new IllegalArgumentException("toolChoice names tool '" + s.name() + "', which is not among the request's tools");
        }
        java.util.HashSet<String> names = new java.util.HashSet<>();
        for (ToolDefinition t : tools) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("two tools are named '" + t.name() + "': tool names must be unique within a request");
            }
        }
    }

    /** Shows the request's shape, never its text (so that it can be logged). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChatRequest[model=").append(model).append(", messages=").append(messages.size());
        int chars = 0;
        for (Message m : messages) {
            chars += m.text().length();
        }
        sb.append(" (").append(chars).append(" chars)");
        if (!tools.isEmpty()) {
            sb.append(", tools=").append(tools.stream().map(ToolDefinition::name).toList());
        }
        toolChoice.ifPresent(c -> sb.append(", toolChoice=").append(c));
        if (!(responseFormat instanceof ResponseFormat.Text)) {
            sb.append(", responseFormat=").append(responseFormat.getClass().getSimpleName());
        }
        temperature.ifPresent(t -> sb.append(", temperature=").append(t));
        maxOutputTokens.ifPresent(t -> sb.append(", maxOutputTokens=").append(t));
        if (!providerOptions.isEmpty()) {
            sb.append(", providerOptions=").append(providerOptions.keySet());
        }
        return sb.append(']').toString();
    }

    /** A builder for a request to {@code model} ({@code "provider:model"} or an alias). */
    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** A one-message request: the user says {@code prompt} to {@code model}. */
    public static ChatRequest of(String model, String prompt) {
        return builder(model).addMessage(Message.user(prompt)).build();
    }

    /** A builder that starts from this request. */
    public Builder toBuilder() {
        Builder b = new Builder(model);
        b.messages.addAll(messages);
        b.tools.addAll(tools);
        b.toolChoice = toolChoice;
        b.parallelToolCalls = parallelToolCalls;
        b.responseFormat = responseFormat;
        b.temperature = temperature;
        b.topP = topP;
        b.maxOutputTokens = maxOutputTokens;
        b.stop.addAll(stop);
        b.seed = seed;
        b.providerOptions.putAll(providerOptions);
        b.metadata = metadata;
        return b;
    }

    /** This request addressed to another model (what routing does when it resolves an alias). */
    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature, topP,
                maxOutputTokens, stop, seed, providerOptions, metadata);
    }

    /** This request with its messages replaced (what a redacting interceptor does). */
    public ChatRequest withMessages(List<Message> newMessages) {
        return new ChatRequest(model, newMessages, tools, toolChoice, parallelToolCalls, responseFormat, temperature, topP,
                maxOutputTokens, stop, seed, providerOptions, metadata);
    }

    /** The text of the last user message, or {@code ""} if there is none. */
    public String lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    /** Builds a {@link ChatRequest}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private String model;
        private final List<Message> messages = new ArrayList<>();
        private final List<ToolDefinition> tools = new ArrayList<>();
        private Optional<ToolChoice> toolChoice = Optional.empty();
        private Optional<Boolean> parallelToolCalls = Optional.empty();
        private ResponseFormat responseFormat = ResponseFormat.text();
        private OptionalDouble temperature = OptionalDouble.empty();
        private OptionalDouble topP = OptionalDouble.empty();
        private OptionalInt maxOutputTokens = OptionalInt.empty();
        private final List<String> stop = new ArrayList<>();
        private OptionalLong seed = OptionalLong.empty();
        private final Map<String, Object> providerOptions = new LinkedHashMap<>();
        private Metadata metadata = Metadata.EMPTY;

        private Builder(String model) {
            this.model = model;
        }

        public Builder model(String value) {
            this.model = value;
            return this;
        }

        public Builder addMessage(Message message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        public Builder messages(List<Message> value) {
            messages.clear();
            messages.addAll(value);
            return this;
        }

        /** Shorthand for {@code addMessage(Message.system(text))}. */
        public Builder system(String text) {
            return addMessage(Message.system(text));
        }

        /** Shorthand for {@code addMessage(Message.user(text))}. */
        public Builder user(String text) {
            return addMessage(Message.user(text));
        }

        public Builder addTool(ToolDefinition tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        public Builder tools(List<ToolDefinition> value) {
            tools.clear();
            tools.addAll(value);
            return this;
        }

        public Builder toolChoice(ToolChoice value) {
            this.toolChoice = Optional.of(value);
            return this;
        }

        public Builder parallelToolCalls(boolean value) {
            this.parallelToolCalls = Optional.of(value);
            return this;
        }

        public Builder responseFormat(ResponseFormat value) {
            this.responseFormat = Objects.requireNonNull(value, "responseFormat");
            return this;
        }

        public Builder temperature(double value) {
            this.temperature = OptionalDouble.of(value);
            return this;
        }

        public Builder topP(double value) {
            this.topP = OptionalDouble.of(value);
            return this;
        }

        public Builder maxOutputTokens(int value) {
            this.maxOutputTokens = OptionalInt.of(value);
            return this;
        }

        public Builder addStop(String value) {
            stop.add(Objects.requireNonNull(value, "stop"));
            return this;
        }

        public Builder seed(long value) {
            this.seed = OptionalLong.of(value);
            return this;
        }

        /** A body field sent verbatim to the provider; {@code value} must be a JSON value (String, Number, Boolean, List, Map). */
        public Builder providerOption(String key, Object value) {
            providerOptions.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        public Builder metadata(Metadata value) {
            this.metadata = Objects.requireNonNull(value, "metadata");
            return this;
        }

        /** Shorthand for setting the metadata's tenant. */
        public Builder tenant(String value) {
            this.metadata = metadata.withTenant(value);
            return this;
        }

        /** Shorthand for setting the metadata's end-user id. */
        public Builder endUser(String id) {
            this.metadata = metadata.withUser(id);
            return this;
        }

        /** Shorthand for adding a metadata tag. */
        public Builder tag(String value) {
            this.metadata = metadata.withTag(value);
            return this;
        }

        /** The request; throws {@link IllegalArgumentException} naming the first invalid value. */
        public ChatRequest build() {
            return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, temperature, topP,
                    maxOutputTokens, stop, seed, providerOptions, metadata);
        }
    }
}
