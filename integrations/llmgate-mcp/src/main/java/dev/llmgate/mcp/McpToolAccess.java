package dev.llmgate.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tenants may see and call which tools of which MCP servers: allow and deny rules, each for a tenant (or
 * {@code *}, every tenant, including calls without one) and tool-name globs ({@code *} any run of characters). A glob
 * {@code server/tool} names tools of one server (both parts globs: {@code web/*} is every tool of server {@code web};
 * the first {@code /} ends the server part, so a tool whose name holds {@code /} is written {@code server/a/b}); a glob
 * without {@code /} names tools of any server. The governed clients check the rules against the servers' tools when
 * they are built. A deny rule that matches wins; otherwise an allow rule must
 * match: a tool no rule allows is hidden and refused (fail closed). Immutable.
 */
public final class McpToolAccess {
    /** One rule; {@code server} empty: any server. */
    record AccessRule(
            boolean allow,
            String tenant,
            String text,
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

    /**
     * What is wrong with these rules for the servers {@code offered} (server name to the tools it offers): a server
     * part that matches no server (a deny that matches nothing fails open), a tool named literally that no server the
     * rule names offers. {@code single}: one {@link GovernedMcpClient} governs the one server.
     */
    List<String> problems(Map<String, Set<String>> offered, boolean single) {
        List<String> problems = new ArrayList<>();
        String servers = String.join(", ", offered.keySet());
        for (AccessRule r : rules) {
            String rule = (r.allow() ? "allow " : "deny ") + r.tenant() + " '" + r.text() + "'";
            List<String> named = new ArrayList<>();
            for (String server : offered.keySet()) {
                if (r.serverPattern().map(p -> p.matcher(server).matches()).orElse(true)) {
                    named.add(server);
                }
            }
            if (named.isEmpty()) {
                String glob = r.serverGlob().orElse("");
                problems.add("access rule " + rule + " names "
                        + (glob.contains("*")
                                ? "servers '" + glob + "', which match no"
                                : "MCP server '" + glob + "', which is not a")
                        + (single
                                ? " server this client governs (it governs only '" + servers
                                        + "'; use GovernedMcpServers to govern several servers)"
                                : " registered server (servers: " + servers + ")")
                        + "; a tool name with '/' is written server/tool, e.g. '*/" + r.text() + "'");
                continue;
            }
            if (r.toolGlob().contains("*")) {
                continue;
            }
            boolean offeredSomewhere = false;
            List<String> lists = new ArrayList<>();
            for (String server : named) {
                offeredSomewhere |= offered.get(server).contains(r.toolGlob());
                lists.add(server + ": " + String.join(", ", offered.get(server)));
            }
            if (!offeredSomewhere) {
                problems.add(
                        named.size() == 1
                                ? "access rule " + rule + " names tool '" + r.toolGlob() + "', which MCP server '"
                                        + named.get(0) + "' does not offer; it offers: "
                                        + String.join(", ", offered.get(named.get(0)))
                                : "access rule " + rule + " names tool '" + r.toolGlob()
                                        + "', which none of the MCP servers it applies to offers ("
                                        + String.join("; ", lists)
                                        + ")");
            }
        }
        return problems;
    }

    @Override
    public String toString() {
        return "McpToolAccess"
                + rules.stream()
                        .map(r -> (r.allow() ? "allow " : "deny ") + r.tenant() + ":" + r.text())
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
            if (tenant.isEmpty()) {
                throw new IllegalArgumentException("a rule's tenant must not be empty: name a tenant, or '*' for every"
                        + " tenant (calls without a tenant included)");
            }
            for (String g : globs) {
                Objects.requireNonNull(g, "tool glob");
                // the first '/' ends the server part: a tool whose name holds '/' is written server/tool ("*/a/b")
                int slash = g.indexOf('/');
                Optional<String> server = slash < 0 ? Optional.empty() : Optional.of(g.substring(0, slash));
                String tool = slash < 0 ? g : g.substring(slash + 1);
                if (tool.isEmpty() || server.map(String::isEmpty).orElse(false)) {
                    throw new IllegalArgumentException("tool glob '" + g
                            + "' is not allowed: give 'tool' (of any server) or 'server/tool', each part non-empty"
                            + " ('*' matches any run of characters)");
                }
                rules.add(new AccessRule(allow, tenant, g, server, tool, server.map(Builder::glob), glob(tool)));
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
