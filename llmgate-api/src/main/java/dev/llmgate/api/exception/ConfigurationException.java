package dev.llmgate.api.exception;

import java.util.List;

/**
 * The gate or a provider was configured wrongly. Thrown by {@code build()} methods, never during a
 * call; the message lists every problem found and how to fix each.
 */
public class ConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public ConfigurationException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigurationException(String problem) {
        this(List.of(problem));
    }

    /** Each problem, in the order found. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) {
            return "invalid configuration: " + problems.get(0);
        }
        StringBuilder sb = new StringBuilder("invalid configuration (" + problems.size() + " problems):");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
