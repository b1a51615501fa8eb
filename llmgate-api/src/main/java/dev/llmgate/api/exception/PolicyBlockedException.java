package dev.llmgate.api.exception;

import java.util.List;
import java.util.Objects;

/**
 * A policy decided to block the call (before the provider, on the answer, mid-stream or on a tool
 * call). Carries the ids of the rules that fired, never the sensitive values that made them fire.
 */
public class PolicyBlockedException extends LlmException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> ruleIds;

    public PolicyBlockedException(String message, List<String> ruleIds) {
        super(message, ErrorDetails.NONE, null);
        this.ruleIds = List.copyOf(Objects.requireNonNull(ruleIds, "ruleIds"));
    }

    /** The ids of the rules that decided to block. */
    public List<String> ruleIds() {
        return ruleIds;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
