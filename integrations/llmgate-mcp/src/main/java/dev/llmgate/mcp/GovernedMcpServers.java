package dev.llmgate.mcp;

import dev.llmgate.api.Metadata;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.ApprovalHandler;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Several MCP servers governed through one gate under one set of access rules ({@link McpToolAccess}, where
 * {@code server/tool} globs and {@link McpToolAccess.Builder#denyServers denyServers} allow or deny a whole server per
 * tenant). Each server's calls are governed exactly as {@link GovernedMcpClient} describes. {@link Builder#build()}
 * checks the configuration against what the servers offer: a rule naming a server that is not registered, or a tool
 * no server offers, is a {@link ConfigurationException}. A call to a server that is not registered is refused (an
 * audited decision, rule {@code mcp.unknown_server}). Immutable and thread-safe; the clients stay the caller's to
 * close.
 */
public final class GovernedMcpServers {
    private final LlmGate gate;
    private final Map<String, GovernedMcpClient> servers;

    private GovernedMcpServers(LlmGate gate, Map<String, GovernedMcpClient> servers) {
        this.gate = gate;
        this.servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
    }

    /** A builder for servers governed by {@code gate}. */
    public static Builder builder(LlmGate gate) {
        return new Builder(gate);
    }

    /** The registered servers' names, in the order they were added. */
    public Set<String> serverNames() {
        return servers.keySet();
    }

    /** The governed client of one server, if it is registered. */
    public Optional<GovernedMcpClient> server(String name) {
        return Optional.ofNullable(servers.get(name));
    }

    /** For each server of which {@code who}'s tenant may use at least one tool, those tools (in registration order). */
    public Map<String, McpSchema.ListToolsResult> listTools(Metadata who) {
        Map<String, McpSchema.ListToolsResult> out = new LinkedHashMap<>();
        servers.forEach((name, client) -> {
            McpSchema.ListToolsResult tools = client.listTools(who);
            if (!tools.tools().isEmpty()) {
                out.put(name, tools);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /**
     * Calls a tool of server {@code server} for {@code who}, governed as {@link GovernedMcpClient#callTool} describes.
     *
     * @throws McpError code {@link GovernedMcpClient#REFUSED} when the server is not registered, or when access,
     *     approval, the tool policy or a budget refuses the call
     */
    public McpSchema.CallToolResult callTool(
            String server, McpSchema.CallToolRequest request, Metadata who, Optional<String> parentCallId) {
        GovernedMcpClient client = server == null ? null : servers.get(server);
        if (client == null) {
            throw GovernedMcpClient.refuseUnknownServer(gate, who, parentCallId);
        }
        return client.callTool(request, who, parentCallId);
    }

    @Override
    public String toString() {
        return "GovernedMcpServers" + servers.values();
    }

    /** Builds {@link GovernedMcpServers}; {@link #build()} lists every server's tools to check the rules. */
    public static final class Builder {
        private final LlmGate gate;
        private final Map<String, McpSyncClient> clients = new LinkedHashMap<>();
        private final List<String> duplicates = new ArrayList<>();
        private McpToolAccess access = McpToolAccess.builder().build();
        private Optional<ApprovalHandler> approval = Optional.empty();
        private Duration approvalTimeout = Duration.ofMinutes(5);

        private Builder(LlmGate gate) {
            this.gate = Objects.requireNonNull(gate, "gate");
        }

        /**
         * Registers the server {@code name} (letters, digits, '.', '_', '-': it names the calls in the audit log and
         * the access rules) reached through {@code client} (initialized).
         */
        public Builder server(String name, McpSyncClient client) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(client, "client");
            if (clients.putIfAbsent(name, client) != null) {
                duplicates.add(name);
            }
            return this;
        }

        /** Which tenants may use which servers and tools; default: none (every tool refused). */
        public Builder access(McpToolAccess value) {
            this.access = Objects.requireNonNull(value, "access");
            return this;
        }

        /** The handler that approves calls of destructive tools on every server, and how long to wait for it. */
        public Builder destructiveApproval(ApprovalHandler handler, Duration timeout) {
            this.approval = Optional.of(Objects.requireNonNull(handler, "handler"));
            this.approvalTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Lists every server's tools and checks the configuration, reporting every problem at once.
         *
         * @throws ConfigurationException for no server, a name given twice or not allowed, a rule whose server part
         *     matches no registered server, or a rule naming a tool that none of the servers it applies to offers
         */
        public GovernedMcpServers build() {
            List<String> problems = new ArrayList<>();
            if (clients.isEmpty()) {
                problems.add("no MCP server is registered: add one with server(name, client)");
            }
            for (String name : duplicates) {
                problems.add("MCP server '" + name + "' is registered twice: give each server its own name");
            }
            Map<String, GovernedMcpClient.Builder> builders = new LinkedHashMap<>();
            Map<String, Map<String, McpSchema.Tool>> offered = new LinkedHashMap<>();
            Map<String, Set<String>> names = new LinkedHashMap<>();
            for (Map.Entry<String, McpSyncClient> e : clients.entrySet()) {
                GovernedMcpClient.Builder b = GovernedMcpClient.builder(e.getValue(), e.getKey(), gate)
                        .access(access);
                approval.ifPresent(h -> b.destructiveApproval(h, approvalTimeout));
                builders.put(e.getKey(), b);
                b.nameProblem().ifPresent(problems::add);
                Map<String, McpSchema.Tool> tools = b.offeredTools();
                offered.put(e.getKey(), tools);
                names.put(e.getKey(), tools.keySet());
            }
            if (!clients.isEmpty()) {
                problems.addAll(access.problems(names, false));
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            Map<String, GovernedMcpClient> governed = new LinkedHashMap<>();
            builders.forEach((name, b) -> governed.put(name, b.create(offered.get(name))));
            return new GovernedMcpServers(gate, governed);
        }
    }
}
