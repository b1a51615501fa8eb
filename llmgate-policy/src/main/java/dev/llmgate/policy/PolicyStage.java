package dev.llmgate.policy;

/**
 * Where in a call a policy decides. {@link #OUTPUT} rules apply to blocking and streamed answers
 * alike; {@link #STREAM} only names a decision made on a stream (in audit records).
 */
public enum PolicyStage {
    /** The request's messages, before the provider sees them. */
    INPUT("input"),
    /** A blocking answer. */
    OUTPUT("output"),
    /** A streamed answer, scanned incrementally. */
    STREAM("stream"),
    /** The tool calls a model asks for, before the application runs them. */
    TOOL("tool");

    private final String label;

    PolicyStage(String label) {
        this.label = label;
    }

    /** The lower-case name used in {@link dev.llmgate.api.spi.PolicyRecord#stage()}. */
    public String label() {
        return label;
    }
}
