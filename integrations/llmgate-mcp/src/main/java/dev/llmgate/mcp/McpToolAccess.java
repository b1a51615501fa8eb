package dev.llmgate.mcp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tenants may see and call which tools of which MCP servers: allow and deny rules, each for a tenant (or
 * {@code *}, every tenant, including calls without one) and tool-name globs ({@code *} any run of characters). A glob
 * {@code server/tool} names tools of one server (both parts globs: {@code web/*} is every tool of server {@code web});
 * a glob without {@code /} names tools of any server. A deny rule that matches wins; otherwise an allow rule must
 * match: a tool no rule allows is hidden and refused (fail closed). Immutable.
 */
public final class McpToolAccess {
    /** One rule; {@code server} empty: any server. */
    record AccessRule(
            boolean allow,
            String tenant,
            Optional<String> serverGlob,
            String toolGlob,
            Optional<Pattern> serverPattern,
            Pattern toolPattern) {}

    private final List<AccessRule> rules;

    private McpToolAccess(List<AccessRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** A builder with no rule (every tool refused). */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code tenant} (empty for none) may see and call {@code tool} of MCP server {@code server}. */
    public boolean allows(String tenant, String server, String tool) {
        boolean allowed = false;
        for (AccessRule r : rules) {
            if ((r.tenant().equals("*") || r.tenant().equals(tenant))
                    && r.serverPattern().map(p -> p.matcher(server).matches()).orElse(true)
                    && r.toolPattern().matcher(tool).matches()) {
                if (!r.allow()) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }

    /** The server names the rules give literally (no glob), for checking them against the servers governed. */
    Set<String> literalServers() {
        Set<String> out = new LinkedHashSet<>();
        for (AccessRule r : rules) {
            r.serverGlob().filter(s -> !s.contains("*")).ifPresent(out::add);
        }
        return out;
    }

    /**
     * The tool names the rules give literally (no glob) for {@code server}: rules naming that server literally, and
     * rules without a server (then the tool must exist on at least one server, checked by the caller).
     */
    List<String> literalTools(String server, boolean includeUnqualified) {
        List<String> out = new ArrayList<>();
        for (AccessRule r : rules) {
            boolean forServer = r.serverGlob().map(s -> s.equals(server)).orElse(includeUnqualified);
            if (forServer && !r.toolGlob().contains("*")) {
                out.add(r.toolGlob());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "McpToolAccess"
                + rules.stream()
                        .map(r -> (r.allow() ? "allow " : "deny ")
                                + r.tenant()
                                + ":"
                                + r.serverGlob().map(s -> s + "/").orElse("")
                                + r.toolGlob())
                        .toList();
    }

    /** Builds {@link McpToolAccess}. */
    public static final class Builder {
        private final List<AccessRule> rules = new ArrayList<>();

        private Builder() {}

        /**
         * {@code tenant} ({@code *}: every tenant) may use the tools matching {@code toolGlobs} ({@code tool} of any
         * server, or {@code server/tool}).
         */
        public Builder allow(String tenant, String... toolGlobs) {
            return add(true, tenant, toolGlobs);
        }

        /** {@code tenant} ({@code *}: every tenant) may not use the tools matching {@code toolGlobs}. */
        public Builder deny(String tenant, String... toolGlobs) {
            return add(false, tenant, toolGlobs);
        }

        /** {@code tenant} may use every tool of the servers matching {@code serverGlobs} (= {@code server/*}). */
        public Builder allowServers(String tenant, String... serverGlobs) {
            return add(true, tenant, everyTool(serverGlobs));
        }

        /** {@code tenant} may use no tool of the servers matching {@code serverGlobs}: a deny always wins. */
        public Builder denyServers(String tenant, String... serverGlobs) {
            return add(false, tenant, everyTool(serverGlobs));
        }

        private static String[] everyTool(String... serverGlobs) {
            String[] out = new String[serverGlobs.length];
            for (int i = 0; i < serverGlobs.length; i++) {
                String s = Objects.requireNonNull(serverGlobs[i], "server glob");
                if (s.isEmpty() || s.contains("/")) {
                    throw new IllegalArgumentException(
                            "MCP server glob '" + s + "' is not allowed: give a server name or glob, without '/'");
                }
                out[i] = s + "/*";
            }
            return out;
        }

        private Builder add(boolean allow, String tenant, String... globs) {
            Objects.requireNonNull(tenant, "tenant");
            for (String g : globs) {
                Objects.requireNonNull(g, "tool glob");
                int slash = g.indexOf('/');
                Optional<String> server = slash < 0 ? Optional.empty() : Optional.of(g.substring(0, slash));
                String tool = slash < 0 ? g : g.substring(slash + 1);
                if (tool.isEmpty() || server.map(String::isEmpty).orElse(false) || tool.contains("/")) {
                    throw new IllegalArgumentException("tool glob '" + g
                            + "' is not allowed: give 'tool' (of any server) or 'server/tool', each part non-empty"
                            + " ('*' matches any run of characters)");
                }
                rules.add(new AccessRule(allow, tenant, server, tool, server.map(Builder::glob), glob(tool)));
            }
            return this;
        }

        private static Pattern glob(String g) {
            List<String> parts = new ArrayList<>();
            for (String part : g.split("\\*", -1)) {
                parts.add(Pattern.quote(part));
            }
            return Pattern.compile(String.join(".*", parts));
        }

        public McpToolAccess build() {
            return new McpToolAccess(rules);
        }
    }
}
