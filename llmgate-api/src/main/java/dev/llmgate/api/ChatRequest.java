package dev.llmgate.api;

import dev.llmgate.api.internal.JsonLike;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An immutable chat request in one provider-neutral shape. Build it with {@link #builder(String)} (or
 * {@link #of(String, String)} for one user message); change one with {@link #toBuilder()}. Every value
 * is checked on {@link Builder#build()}, so a malformed request fails before any interceptor or
 * provider sees it, with a message that says how to fix it.
 *
 * <p>Guarantees: immutable (every collection is an unmodifiable copy, provider options deep-copied);
 * {@link #messages()} is never empty; no accessor returns {@code null}; two requests are
 * {@link #equals equal} when every value is; {@link #toString()} shows the request's shape (model,
 * message count and length, tool names, settings, option keys), never message text, tool arguments
 * or option values, so a request can be logged.
 *
 * <p>This is a final class rather than a record so that values can be added in later versions
 * without breaking callers: build requests with the builder (docs/api-stability.md).
 */
public final class ChatRequest {
    private final String model;
    private final List<Message> messages;
    private final List<ToolDefinition> tools;
    private final Optional<ToolChoice> toolChoice;
    private final Optional<Boolean> parallelToolCalls;
    private final ResponseFormat responseFormat;
    private final OptionalDouble temperature;
    private final OptionalDouble topP;
    private final OptionalInt maxOutputTokens;
    private final List<String> stop;
    private final OptionalLong seed;
    private final Map<String, Object> providerOptions;
    private final Metadata metadata;

    private ChatRequest(Builder b) {
        this.model = checkModel(b.model);
        this.messages = checkMessages(b.messages);
        this.tools = List.copyOf(b.tools);
        this.toolChoice = b.toolChoice;
        this.parallelToolCalls = b.parallelToolCalls;
        this.responseFormat = b.responseFormat;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.maxOutputTokens = b.maxOutputTokens;
        this.stop = List.copyOf(b.stop);
        this.seed = b.seed;
        this.providerOptions = JsonLike.copyOf(b.providerOptions, "providerOptions");
        this.metadata = b.metadata;

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
        if (toolChoice.isPresent()
                && !(toolChoice.get() instanceof ToolChoice.None)
                && !(toolChoice.get() instanceof ToolChoice.Auto)
                && tools.isEmpty()) {
            throw new IllegalArgumentException(
                    "toolChoice " + toolChoice.get() + " needs tools: add the tools with addTool(...)");
        }
        if (toolChoice.isPresent()
                && toolChoice.get() instanceof ToolChoice.Specific s
                && tools.stream().noneMatch(t -> t.name().equals(s.name()))) {
            throw new IllegalArgumentException(
                    "toolChoice names tool " + shown(s.name()) + ", which is not among the request's tools");
        }
        Set<String> names = new HashSet<>();
        for (ToolDefinition t : tools) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException(
                        "two tools are named " + shown(t.name()) + ": tool names must be unique within a request");
            }
        }
    }

    /** {@code other} with another model or other messages; every other value was checked when {@code other} was built. */
    private ChatRequest(ChatRequest other, String model, List<Message> messages) {
        this.model = model;
        this.messages = messages;
        this.tools = other.tools;
        this.toolChoice = other.toolChoice;
        this.parallelToolCalls = other.parallelToolCalls;
        this.responseFormat = other.responseFormat;
        this.temperature = other.temperature;
        this.topP = other.topP;
        this.maxOutputTokens = other.maxOutputTokens;
        this.stop = other.stop;
        this.seed = other.seed;
        this.providerOptions = other.providerOptions;
        this.metadata = other.metadata;
    }

    private static String checkModel(String model) {
        if (model == null) {
            throw new IllegalArgumentException(
                    "model must not be null: use \"provider:model\" (e.g. \"openai:gpt-4o-mini\") or an alias"
                            + " configured on the gate");
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException(
                    "model must not be blank: use \"provider:model\" (e.g. \"openai:gpt-4o-mini\") or an alias configured on the gate");
        }
        return model;
    }

    private static List<Message> checkMessages(List<Message> messages) {
        Objects.requireNonNull(messages, "messages must not be null: use addMessage(...) or messages(List.of(...))");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException(
                    "a chat request needs at least one message: add one with addMessage(Message.user(\"...\"))");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                throw new IllegalArgumentException("message " + i + " is null: leave it out of the list");
            }
        }
        return List.copyOf(messages);
    }

    /** {@code "provider:model"} (e.g. {@code "openai:gpt-4o-mini"}) or an alias configured on the gate; never blank. */
    public String model() {
        return model;
    }

    /** The conversation, oldest first; never empty. */
    public List<Message> messages() {
        return messages;
    }

    /** The tools the model may call, names unique; empty if none. */
    public List<ToolDefinition> tools() {
        return tools;
    }

    /** Whether and which tool must be called; empty leaves it to the provider's default. */
    public Optional<ToolChoice> toolChoice() {
        return toolChoice;
    }

    /** Whether the model may call several tools in one turn; empty leaves it to the provider. */
    public Optional<Boolean> parallelToolCalls() {
        return parallelToolCalls;
    }

    /** Text, JSON object or JSON Schema; {@link ResponseFormat#text()} unless set. */
    public ResponseFormat responseFormat() {
        return responseFormat;
    }

    /** The sampling temperature, 0 to 2, if set. */
    public OptionalDouble temperature() {
        return temperature;
    }

    /** Nucleus sampling, greater than 0 and at most 1, if set. */
    public OptionalDouble topP() {
        return topP;
    }

    /** The most tokens the answer may have (at least 1), if set. */
    public OptionalInt maxOutputTokens() {
        return maxOutputTokens;
    }

    /** Stop sequences, none empty; empty if none. */
    public List<String> stop() {
        return stop;
    }

    /** A sampling seed, for providers that support one, if set. */
    public OptionalLong seed() {
        return seed;
    }

    /**
     * Further body fields sent verbatim to the provider (JSON values: String, Number, Boolean, List, Map), e.g.
     * {@code reasoning_effort}; an unmodifiable deep copy in the order they were set.
     */
    public Map<String, Object> providerOptions() {
        return providerOptions;
    }

    /**
     * Tenant, user, tags and attributes: read by interceptors, never sent to the provider (but for the reserved
     * {@code llmgate.wire.*} attributes, see {@link Metadata}); {@link Metadata#EMPTY} unless set.
     */
    public Metadata metadata() {
        return metadata;
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
        return new ChatRequest(this, checkModel(newModel), messages);
    }

    /** This request with its messages replaced (what a redacting interceptor does). */
    public ChatRequest withMessages(List<Message> newMessages) {
        return new ChatRequest(this, model, checkMessages(newMessages));
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

    /** Equal when every value is equal. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof ChatRequest r
                        && model.equals(r.model)
                        && messages.equals(r.messages)
                        && tools.equals(r.tools)
                        && toolChoice.equals(r.toolChoice)
                        && parallelToolCalls.equals(r.parallelToolCalls)
                        && responseFormat.equals(r.responseFormat)
                        && temperature.equals(r.temperature)
                        && topP.equals(r.topP)
                        && maxOutputTokens.equals(r.maxOutputTokens)
                        && stop.equals(r.stop)
                        && seed.equals(r.seed)
                        && providerOptions.equals(r.providerOptions)
                        && metadata.equals(r.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                model,
                messages,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                temperature,
                topP,
                maxOutputTokens,
                stop,
                seed,
                providerOptions,
                metadata);
    }

    /** Shows the request's shape, never its text (so that it can be logged). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChatRequest[model=")
                .append(model)
                .append(", messages=")
                .append(messages.size());
        int chars = 0;
        for (Message m : messages) {
            chars += m.text().length();
        }
        sb.append(" (").append(chars).append(" chars)");
        if (!tools.isEmpty()) {
            sb.append(", tools=")
                    .append(tools.stream().map(ToolDefinition::name).toList());
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

    /**
     * Builds a {@link ChatRequest}. Not thread-safe; {@link #build()} may be called more than once. A setter
     * rejects {@code null} at once (naming what to pass instead); {@link #build()} checks the values together.
     */
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

        /** The model: {@code "provider:model"} or an alias configured on the gate. */
        public Builder model(String value) {
            this.model = value;
            return this;
        }

        /** Adds a message at the end of the conversation. */
        public Builder addMessage(Message message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        /** Replaces the conversation. */
        public Builder messages(List<Message> value) {
            Objects.requireNonNull(value, "messages: use List.of(...)");
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

        /** Adds a tool the model may call. */
        public Builder addTool(ToolDefinition tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        /** Replaces the tools ({@code List.of()}: none). */
        public Builder tools(List<ToolDefinition> value) {
            Objects.requireNonNull(value, "tools: use List.of() for none");
            for (ToolDefinition t : value) {
                Objects.requireNonNull(t, "tools must not contain null");
            }
            tools.clear();
            tools.addAll(value);
            return this;
        }

        /** Whether and which tool must be called. */
        public Builder toolChoice(ToolChoice value) {
            this.toolChoice =
                    Optional.of(Objects.requireNonNull(value, "toolChoice: use toolChoice(Optional.empty()) to unset"));
            return this;
        }

        /** Whether and which tool must be called; empty leaves it to the provider's default. */
        public Builder toolChoice(Optional<ToolChoice> value) {
            this.toolChoice = Objects.requireNonNull(value, "toolChoice: use Optional.empty()");
            return this;
        }

        /** Whether the model may call several tools in one turn. */
        public Builder parallelToolCalls(boolean value) {
            this.parallelToolCalls = Optional.of(value);
            return this;
        }

        /** Whether the model may call several tools in one turn; empty leaves it to the provider. */
        public Builder parallelToolCalls(Optional<Boolean> value) {
            this.parallelToolCalls = Objects.requireNonNull(value, "parallelToolCalls: use Optional.empty()");
            return this;
        }

        /** Text (the default), JSON object or JSON Schema. */
        public Builder responseFormat(ResponseFormat value) {
            this.responseFormat = Objects.requireNonNull(value, "responseFormat: use ResponseFormat.text()");
            return this;
        }

        /** The sampling temperature, 0 to 2. */
        public Builder temperature(double value) {
            this.temperature = OptionalDouble.of(value);
            return this;
        }

        /** The sampling temperature, 0 to 2; empty leaves it to the provider. */
        public Builder temperature(OptionalDouble value) {
            this.temperature = Objects.requireNonNull(value, "temperature: use OptionalDouble.empty()");
            return this;
        }

        /** Nucleus sampling, greater than 0 and at most 1. */
        public Builder topP(double value) {
            this.topP = OptionalDouble.of(value);
            return this;
        }

        /** Nucleus sampling; empty leaves it to the provider. */
        public Builder topP(OptionalDouble value) {
            this.topP = Objects.requireNonNull(value, "topP: use OptionalDouble.empty()");
            return this;
        }

        /** The most tokens the answer may have, at least 1. */
        public Builder maxOutputTokens(int value) {
            this.maxOutputTokens = OptionalInt.of(value);
            return this;
        }

        /** The most tokens the answer may have; empty leaves it to the provider. */
        public Builder maxOutputTokens(OptionalInt value) {
            this.maxOutputTokens = Objects.requireNonNull(value, "maxOutputTokens: use OptionalInt.empty()");
            return this;
        }

        /** Adds a stop sequence (not empty). */
        public Builder addStop(String value) {
            stop.add(Objects.requireNonNull(value, "stop"));
            return this;
        }

        /** Replaces the stop sequences ({@code List.of()}: none). */
        public Builder stop(List<String> value) {
            Objects.requireNonNull(value, "stop: use List.of() for none");
            for (String s : value) {
                Objects.requireNonNull(s, "stop sequences must not contain null");
            }
            stop.clear();
            stop.addAll(value);
            return this;
        }

        /** A sampling seed, for providers that support one. */
        public Builder seed(long value) {
            this.seed = OptionalLong.of(value);
            return this;
        }

        /** A sampling seed; empty for none. */
        public Builder seed(OptionalLong value) {
            this.seed = Objects.requireNonNull(value, "seed: use OptionalLong.empty()");
            return this;
        }

        /** A body field sent verbatim to the provider; {@code value} must be a JSON value (String, Number, Boolean, List, Map). */
        public Builder providerOption(String key, Object value) {
            providerOptions.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /** Replaces the provider options ({@code Map.of()}: none); values must be JSON values. */
        public Builder providerOptions(Map<String, ?> value) {
            Objects.requireNonNull(value, "providerOptions: use Map.of() for none");
            Map<String, Object> checked = new LinkedHashMap<>();
            for (Map.Entry<String, ?> e : value.entrySet()) {
                checked.put(Objects.requireNonNull(e.getKey(), "providerOptions: a key is null"), e.getValue());
            }
            providerOptions
                    .clear(); // (only once every key is known to be good: a failed call leaves the builder as it was)
            providerOptions.putAll(checked);
            return this;
        }

        /** Tenant, user, tags and attributes; {@link Metadata#EMPTY} unless set. */
        public Builder metadata(Metadata value) {
            this.metadata = Objects.requireNonNull(value, "metadata: use Metadata.EMPTY");
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

        /** The request; throws {@link IllegalArgumentException} naming the first invalid value and how to fix it. */
        public ChatRequest build() {
            return new ChatRequest(this);
        }
    }

    /**
     * A name as an error message shows it: quoted if it is short printable ASCII text (at most 64 characters, fewer than
     * six digits in all, no {@code @}), else only its length: a message is logged, and a value a client put where a
     * name goes (a card number, an SSN, an e-mail address) must not be. Not API.
     */
    static String shown(String name) {
        boolean plain = !name.isEmpty() && name.length() <= 64;
        int digits = 0;
        for (int i = 0; i < name.length() && plain; i++) {
            char c = name.charAt(i);
            digits += c >= '0' && c <= '9' ? 1 : 0;
            plain = c >= 0x20 && c < 0x7F && c != '@' && digits < 6;
        }
        return plain ? "'" + name + "'" : "(a name of " + name.length() + " characters, not shown)";
    }
}
