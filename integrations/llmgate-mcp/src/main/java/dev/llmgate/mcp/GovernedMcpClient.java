package dev.llmgate.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.ApprovalHandler;
import dev.llmgate.policy.ApprovalRequest;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Verdict;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An MCP client whose {@code tools/list} and {@code tools/call} pass through a gate. For each call, in order:
 * <ol>
 *   <li><b>access</b>: the tenant must be allowed the tool ({@link McpToolAccess}); a listing shows only those tools,
 *       and any other call is refused with an {@link McpError} before the server sees it;</li>
 *   <li><b>approval</b>: a tool the server marks destructive ({@code destructiveHint}) needs the approval handler's
 *       ALLOW (a denial, a timeout or a failure refuses it);</li>
 *   <li><b>the gate's chain</b>: the call runs through the gate as a model call ({@code mcp-<server>:<tool>}) whose
 *       answer is the tool call itself, so the gate's tool policy checks it exactly as it checks a model's tool calls
 *       (rules by tool name, egress hosts and identifier types in the parsed arguments, its own approvals), budgets
 *       apply (the metadata attribute {@code mcp_tool} = {@code <server>/<tool>} keys per-tool limits), and the audit
 *       log records it;</li>
 *   <li><b>the server</b> runs the tool;</li>
 *   <li><b>the result</b> runs through the gate as input ({@code mcp-<server>:<tool>.result}) before anyone sees it:
 *       prompt injection and identifiers per the policy, redacted or blocked; a blocked result comes back as an error
 *       result that does not quote it. Only text reaches the caller (structured content is scanned as JSON text;
 *       images, audio and resources are withheld: they cannot be scanned).</li>
 * </ol>
 * Both gate calls are audit records linked by {@code parent_call_id} to the model call whose answer asked for the tool
 * (pass its call id), so an auditor can follow answer, tool call, result and the next model call. Thread-safe; the
 * underlying client stays the caller's to close.
 */
public final class GovernedMcpClient {
    /** The JSON-RPC error code of a call llmgate refused (in the implementation-defined server-error range). */
    public static final int REFUSED = -32001;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();

    private final McpSyncClient client;
    private final String server;
    private final String provider;
    private final LlmGate gate;
    private final McpToolAccess access;
    private final Optional<ApprovalHandler> approval;
    private final Duration approvalTimeout;
    private final Map<String, McpSchema.Tool> tools;

    private GovernedMcpClient(Builder b, Map<String, McpSchema.Tool> tools) {
        this.client = b.client;
        this.server = b.server;
        this.provider = "mcp-" + b.server;
        this.gate = b.gate;
        this.access = b.access;
        this.approval = b.approval;
        this.approvalTimeout = b.approvalTimeout;
        this.tools = Map.copyOf(tools);
    }

    /**
     * A builder for the server {@code serverName} (letters, digits, '.', '_', '-': it names the calls in the audit log)
     * reached through {@code client} (initialized), governed by {@code gate}.
     */
    public static Builder builder(McpSyncClient client, String serverName, LlmGate gate) {
        return new Builder(client, serverName, gate);
    }

    /** The server's tools that {@code who}'s tenant may use. */
    public McpSchema.ListToolsResult listTools(Metadata who) {
        String tenant = who.tenant().orElse("");
        List<McpSchema.Tool> visible = new ArrayList<>();
        for (McpSchema.Tool t : client.listTools().tools()) {
            if (access.allows(tenant, t.name())) {
                visible.add(t);
            }
        }
        return new McpSchema.ListToolsResult(visible, null, null);
    }

    /**
     * Calls a tool for {@code who}, governed as the class describes.
     *
     * @param parentCallId the call id of the model call whose answer asked for this tool call, if known
     * @throws McpError code {@link #REFUSED} when access, approval, the tool policy or a budget refuses the call (the
     *     message names the tool and the reason, never argument values)
     */
    public McpSchema.CallToolResult callTool(
            McpSchema.CallToolRequest request, Metadata who, Optional<String> parentCallId) {
        String tool = request.name();
        String tenant = who.tenant().orElse("");
        if (!access.allows(tenant, tool)) {
            throw refused("tool '" + tool + "' of MCP server '" + server + "' is not allowed for "
                    + (tenant.isEmpty() ? "calls without a tenant" : "tenant '" + tenant + "'"));
        }
        McpSchema.Tool known = tools.get(tool);
        if (known == null) { // its annotations (destructive?) are unknown: fail closed
            throw refused("tool '" + tool + "' was not offered by MCP server '" + server
                    + "' when this client was built; build it again to govern new tools");
        }
        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
        String argsJson = json(args);
        ToolCall call = new ToolCall("mcp_" + IDS.incrementAndGet(), tool, argsJson);
        if (known != null
                && known.annotations() != null
                && Boolean.TRUE.equals(known.annotations().destructiveHint())) {
            approve(call, parentCallId);
        }
        Metadata meta = metadata(who, tool, parentCallId);

        // 1. the call itself through the gate: tool policy, budgets, audit
        ChatResponse decided;
        try {
            decided = gate.wrap(
                    ChatRequest.builder(provider + ":" + tool)
                            .metadata(meta)
                            .user("MCP tool call: " + tool)
                            .build(),
                    provider,
                    (req, ctx) -> ChatResponse.builder()
                            .id(call.id())
                            .provider(provider)
                            .model(tool)
                            .text("")
                            .toolCalls(List.of(call))
                            .finishReason(FinishReason.TOOL_CALLS)
                            .usage(Usage.ZERO)
                            .build());
        } catch (PolicyBlockedException e) {
            throw refused("the gate's policy blocked tool '" + tool + "' (rules " + e.ruleIds() + ")");
        } catch (BudgetExceededException e) {
            throw refused("a budget refused tool '" + tool + "': " + e.getMessage());
        } catch (LlmException e) {
            throw refused("the gate could not check tool '" + tool + "': "
                    + e.getClass().getSimpleName());
        }
        if (decided.toolCalls().size() != 1) {
            throw refused("the gate's policy withheld the call of tool '" + tool + "'");
        }
        Map<String, Object> sent = parse(decided.toolCalls().get(0).argumentsJson(), args);

        // 2. the server runs it
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, sent, null));

        // 3. its result through the gate as input, before anyone sees it
        StringBuilder text = new StringBuilder();
        int withheld = 0;
        for (McpSchema.Content c : result.content() == null ? List.<McpSchema.Content>of() : result.content()) {
            if (c instanceof McpSchema.TextContent t) {
                text.append(text.length() == 0 ? "" : "\n").append(t.text());
            } else {
                withheld++;
            }
        }
        if (result.structuredContent() != null) {
            text.append(text.length() == 0 ? "" : "\n").append(json(result.structuredContent()));
        }
        AtomicReference<String> scanned = new AtomicReference<>("");
        try {
            gate.wrap(
                    ChatRequest.builder(provider + ":" + tool + ".result")
                            .metadata(meta)
                            .addMessage(Message.user(text.toString()))
                            .build(),
                    provider,
                    (req, ctx) -> {
                        scanned.set(req.lastUserText()); // the result as the input policy left it
                        return ChatResponse.builder()
                                .id(call.id() + "_result")
                                .provider(provider)
                                .model(tool)
                                .text("")
                                .finishReason(FinishReason.STOP)
                                .usage(Usage.ZERO)
                                .build();
                    });
        } catch (PolicyBlockedException e) {
            return new McpSchema.CallToolResult(
                    List.of(textContent("llmgate withheld the result of tool '" + tool
                            + "': the gate's policy blocked it (rules " + e.ruleIds() + ")")),
                    Boolean.TRUE,
                    null,
                    null);
        } catch (LlmException e) {
            throw refused("the gate could not check the result of tool '" + tool + "': "
                    + e.getClass().getSimpleName());
        }
        List<McpSchema.Content> out = new ArrayList<>();
        out.add(textContent(scanned.get()));
        if (withheld > 0) {
            out.add(textContent(
                    "[llmgate withheld " + withheld + " content item(s) that are not text: they cannot be scanned]"));
        }
        return new McpSchema.CallToolResult(out, result.isError(), null, null);
    }

    private void approve(ToolCall call, Optional<String> parentCallId) {
        if (approval.isEmpty()) {
            throw refused("tool '" + call.name() + "' is destructive and no approval handler is configured");
        }
        ApprovalRequest ask = new ApprovalRequest(
                parentCallId.orElse(call.id()),
                PolicyStage.TOOL,
                List.of("mcp.destructive"),
                Map.of(),
                Optional.of(call));
        Verdict v;
        try {
            v = approval.get().decide(ask).toCompletableFuture().get(approvalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused("interrupted while waiting for the approval of tool '" + call.name() + "'");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw refused("the approval of destructive tool '" + call.name() + "' failed or timed out: "
                    + e.getClass().getSimpleName());
        }
        if (v != Verdict.ALLOW && v != Verdict.ALLOW_LOG) {
            throw refused("the approval of destructive tool '" + call.name() + "' was denied");
        }
    }

    private Metadata metadata(Metadata who, String tool, Optional<String> parentCallId) {
        Map<String, String> attributes = new LinkedHashMap<>(who.attributes());
        attributes.put("mcp_tool", server + "/" + tool);
        parentCallId.ifPresent(id -> attributes.put("llmgate.parent_call_id", id));
        return new Metadata(who.tenant(), who.user(), who.tags(), attributes);
    }

    private static McpSchema.TextContent textContent(String text) {
        return new McpSchema.TextContent(null, text, null);
    }

    private static McpError refused(String why) {
        return McpError.builder(REFUSED).message("refused by llmgate: " + why).build();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool arguments that are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> parse(String json, Map<String, Object> otherwise) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            return otherwise;
        }
    }

    @Override
    public String toString() {
        return "GovernedMcpClient[" + server + ", " + tools.size() + " tools]";
    }

    /** Builds a {@link GovernedMcpClient}; {@link #build()} lists the server's tools to check the rules. */
    public static final class Builder {
        private final McpSyncClient client;
        private final String server;
        private final LlmGate gate;
        private McpToolAccess access = McpToolAccess.builder().build();
        private Optional<ApprovalHandler> approval = Optional.empty();
        private Duration approvalTimeout = Duration.ofMinutes(5);

        private Builder(McpSyncClient client, String server, LlmGate gate) {
            this.client = Objects.requireNonNull(client, "client");
            this.server = Objects.requireNonNull(server, "serverName");
            this.gate = Objects.requireNonNull(gate, "gate");
        }

        /** Which tenants may use which tools; default: none (every tool refused). */
        public Builder access(McpToolAccess value) {
            this.access = Objects.requireNonNull(value, "access");
            return this;
        }

        /** The handler that approves calls of destructive tools, and how long to wait for it (then: refused). */
        public Builder destructiveApproval(ApprovalHandler handler, Duration timeout) {
            this.approval = Optional.of(Objects.requireNonNull(handler, "handler"));
            this.approvalTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Lists the server's tools and checks the configuration.
         *
         * @throws ConfigurationException for a bad server name, or a rule naming a tool the server does not offer
         */
        public GovernedMcpClient build() {
            List<String> problems = new ArrayList<>();
            if (!server.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                problems.add("MCP server name '" + server + "' is not allowed: use letters, digits, '.', '_' or '-'");
            }
            Map<String, McpSchema.Tool> offered = new LinkedHashMap<>();
            for (McpSchema.Tool t : client.listTools().tools()) {
                offered.put(t.name(), t);
            }
            for (String tool : access.literalTools()) {
                if (!offered.containsKey(tool)) {
                    problems.add("an access rule names tool '" + tool + "', which MCP server '" + server
                            + "' does not offer; it offers: " + String.join(", ", offered.keySet()));
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new GovernedMcpClient(this, offered);
        }
    }
}
