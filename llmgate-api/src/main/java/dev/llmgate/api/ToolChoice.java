package dev.llmgate.api;

import java.util.Objects;

/** Whether and which tool the model must call. */
public sealed interface ToolChoice permits ToolChoice.Auto, ToolChoice.None, ToolChoice.Required, ToolChoice.Specific {

    /** The model decides (the default when tools are given). */
    static ToolChoice auto() {
        return Auto.INSTANCE;
    }

    /** The model must not call a tool. */
    static ToolChoice none() {
        return None.INSTANCE;
    }

    /** The model must call at least one tool. */
    static ToolChoice required() {
        return Required.INSTANCE;
    }

    /** The model must call the named tool. */
    static ToolChoice tool(String name) {
        return new Specific(name);
    }

    /** See {@link #auto()}. */
    enum Auto implements ToolChoice {
        INSTANCE
    }

    /** See {@link #none()}. */
    enum None implements ToolChoice {
        INSTANCE
    }

    /** See {@link #required()}. */
    enum Required implements ToolChoice {
        INSTANCE
    }

    /** See {@link #tool(String)}. */
    record Specific(String name) implements ToolChoice {
        public Specific {
            Objects.requireNonNull(name, "tool name must not be null");
        }
    }
}
