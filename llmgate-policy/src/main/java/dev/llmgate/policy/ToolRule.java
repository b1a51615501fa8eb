package dev.llmgate.policy;

import dev.llmgate.policy.internal.Glob;
import java.util.Objects;

/**
 * A rule on the name of a tool the model asks to call, e.g. allow {@code search_*}, require approval
 * for {@code delete_*}. The first rule whose glob matches decides.
 *
 * @param id       a stable id for audit records
 * @param toolName a tool name or glob ({@code "delete_*"})
 * @param verdict  what the rule decides
 */
public record ToolRule(String id, String toolName, Verdict verdict) {
    public ToolRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(toolName, "toolName");
        Objects.requireNonNull(verdict, "verdict");
        if (verdict == Verdict.CONSTRAIN) {
            throw new IllegalArgumentException(
                    "tool rule " + id + ": CONSTRAIN does not apply to a tool name; use ALLOW, ALLOW_LOG, "
                            + "REQUIRE_APPROVAL or BLOCK");
        }
    }

    /** True if this rule's glob matches {@code name}. */
    public boolean matches(String name) {
        return Glob.matches(toolName, name);
    }
}
