package dev.llmgate.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which tenants may see and call which tools of an MCP server: allow and deny rules, each for a tenant (or {@code *},
 * every tenant, including calls without one) and tool-name globs ({@code *} any run of characters). A deny rule that
 * matches wins; otherwise an allow rule must match: a tool no rule allows is hidden and refused (fail closed).
 * Immutable.
 */
public final class McpToolAccess {
    /** One rule. */
    record AccessRule(boolean allow, String tenant, String toolGlob, Pattern pattern) {}

    private final List<AccessRule> rules;

    private McpToolAccess(List<AccessRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** A builder with no rule (every tool refused). */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code tenant} (empty for none) may see and call {@code tool}. */
    public boolean allows(String tenant, String tool) {
        boolean allowed = false;
        for (AccessRule r : rules) {
            if ((r.tenant().equals("*") || r.tenant().equals(tenant))
                    && r.pattern().matcher(tool).matches()) {
                if (!r.allow()) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }

    /** The tool names the rules give literally (no glob), for checking them against the server's tools. */
    List<String> literalTools() {
        List<String> out = new ArrayList<>();
        for (AccessRule r : rules) {
            if (!r.toolGlob().contains("*")) {
                out.add(r.toolGlob());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "McpToolAccess"
                + rules.stream()
                        .map(r -> (r.allow() ? "allow " : "deny ") + r.tenant() + ":" + r.toolGlob())
                        .toList();
    }

    /** Builds {@link McpToolAccess}. */
    public static final class Builder {
        private final List<AccessRule> rules = new ArrayList<>();

        private Builder() {}

        /** {@code tenant} ({@code *}: every tenant) may use the tools matching {@code toolGlobs}. */
        public Builder allow(String tenant, String... toolGlobs) {
            return add(true, tenant, toolGlobs);
        }

        /** {@code tenant} ({@code *}: every tenant) may not use the tools matching {@code toolGlobs}. */
        public Builder deny(String tenant, String... toolGlobs) {
            return add(false, tenant, toolGlobs);
        }

        private Builder add(boolean allow, String tenant, String... globs) {
            Objects.requireNonNull(tenant, "tenant");
            for (String g : globs) {
                Objects.requireNonNull(g, "tool glob");
                List<String> parts = new ArrayList<>();
                for (String part : g.split("\\*", -1)) {
                    parts.add(Pattern.quote(part));
                }
                rules.add(new AccessRule(allow, tenant, g, Pattern.compile(String.join(".*", parts))));
            }
            return this;
        }

        public McpToolAccess build() {
            return new McpToolAccess(rules);
        }
    }
}
