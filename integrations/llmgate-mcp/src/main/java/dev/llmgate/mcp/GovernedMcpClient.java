package dev.llmgate.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.Role;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.PolicyRecord;
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
import java.util.regex.Pattern;

/**
 * An MCP client whose {@code tools/list} and {@code tools/call} pass through a gate. For each call, in order:
 * <ol>
 *   <li><b>access</b>: the tenant must be allowed the tool ({@link McpToolAccess}); a listing shows only those tools,
 *       and any other call is refused with an {@link McpError} before the server sees it;</li>
 *   <li><b>approval</b>: a tool the server does not mark read-only ({@code readOnlyHint}) or non-destructive
 *       ({@code destructiveHint} false), MCP's default for a tool without annotations, needs the approval handler's
 *       ALLOW (a denial, a timeout, a failure or no handler refuses it); its request names the tool call
 *       {@code <server>/<tool>};</li>
 *   <li><b>the gate's chain</b>: the call runs through the gate as a model call ({@code mcp-<server>:<tool>}) whose
 *       answer is the tool call itself, so the gate's tool policy checks it exactly as it checks a model's tool calls
 *       (rules by tool name, egress hosts and identifier types in the parsed arguments, its own approvals), budgets
 *       apply (the metadata attribute {@code mcp_tool} = {@code <server>/<tool>} keys per-tool limits; limits of the
 *       tenant or user count both gate calls of a tool call), and the audit log records it;</li>
 *   <li><b>the server</b> runs the tool;</li>
 *   <li><b>the result</b> runs through the gate as input ({@code mcp-<server>:<tool>.result}) before anyone sees it:
 *       prompt injection and identifiers per the policy, redacted or blocked; a blocked result comes back as an error
 *       result that does not quote it. Only text reaches the caller (structured content is scanned as JSON text;
 *       images, audio and resources are withheld: they cannot be scanned).</li>
 * </ol>
 * Both gate calls are audit records linked by {@code parent_call_id} to the model call whose answer asked for the tool
 * (pass its call id), so an auditor can follow answer, tool call, result and the next model call. A tool name the
 * server did not offer (a model may choose any) is never recorded or repeated: it is {@code (unknown tool)}. Thread-safe; the
 * underlying client stays the caller's to close.
 */
public final class GovernedMcpClient {
    /** The JSON-RPC error code of a call llmgate refused (in the implementation-defined server-error range). */
    public static final int REFUSED = -32001;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();
    static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

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
            if (access.allows(tenant, server, t.name())) {
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
        String name = request.name() == null ? "" : request.name();
        McpSchema.Tool known = tools.get(name);
        // the name comes from a model or a caller: only a tool the server offered is named (in the audit log, metrics,
        // messages); any other is "(unknown tool)" everywhere
        String tool = known != null ? name : UNKNOWN_TOOL;
        String tenant = who.tenant().orElse("");
        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
        String argsJson;
        try {
            argsJson = JSON.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            throw refused("the arguments of tool '" + tool + "' are not JSON");
        }
        ToolCall call = new ToolCall("mcp_" + IDS.incrementAndGet(), tool, argsJson);
        // the approver serves every server of a GovernedMcpServers: its request names the tool as server/tool
        ToolCall toApprove = new ToolCall(call.id(), server + "/" + tool, argsJson);
        Metadata meta = metadata(who, server, tool, parentCallId, "mcp_tool");

        // 1. the call itself through the gate: access, approval, tool policy, budgets, audit. The refusals of this
        // client are decisions at stage "tool" of that call, so the audit log and the evidence report have them.
        AtomicReference<Boolean> ran = new AtomicReference<>(false);
        ChatResponse decided;
        try {
            decided = gate.wrap(
                    ChatRequest.builder(provider + ":" + tool)
                            .metadata(meta)
                            // the arguments are part of the request: no cache may answer one call with another's
                            .user("MCP tool call " + tool + " " + argsJson)
                            .build(),
                    provider,
                    (req, ctx) -> {
                        if (!access.allows(tenant, server, name)) {
                            throw blockedAt(
                                    ctx,
                                    "mcp.access",
                                    "tool '" + tool + "' of MCP server '" + server
                                            + "' is not allowed for "
                                            + (tenant.isEmpty()
                                                    ? "calls without a tenant"
                                                    : "tenant '" + tenant + "'"));
                        }
                        if (known == null) { // its annotations are unknown: fail closed
                            throw blockedAt(
                                    ctx,
                                    "mcp.unknown_tool",
                                    "a tool that MCP server '" + server
                                            + "' did not offer when this client was built was refused (its name is not"
                                            + " repeated); build the client again to govern new tools");
                        }
                        if (needsApproval(known)) {
                            String outcome = approve(toApprove, parentCallId);
                            ctx.append(
                                    CallFacts.POLICY,
                                    new PolicyRecord("tool", outcome, List.of("mcp.destructive"), Map.of()));
                            if (!outcome.equals("REQUIRE_APPROVAL:ALLOW")) {
                                throw new PolicyBlockedException(
                                        outcome.contains("NO_HANDLER")
                                                ? "tool '" + tool + "' may change or delete data and needs approval,"
                                                        + " and no approval handler is configured"
                                                : "the approval of destructive tool '" + tool + "' was "
                                                        + (outcome.equals("REQUIRE_APPROVAL:BLOCK")
                                                                ? "denied"
                                                                : "not given (" + outcome + ")"),
                                        List.of("mcp.destructive"));
                            }
                        }
                        ran.set(true);
                        return ChatResponse.builder()
                                .id(call.id())
                                .provider(provider)
                                .model(tool)
                                .text("")
                                .toolCalls(List.of(call))
                                .finishReason(FinishReason.TOOL_CALLS)
                                .usage(Usage.ZERO)
                                .build();
                    });
        } catch (PolicyBlockedException e) {
            throw refused(
                    e.ruleIds().contains("mcp.access")
                                    || e.ruleIds().contains("mcp.unknown_tool")
                                    || e.ruleIds().contains("mcp.destructive")
                            ? e.getMessage()
                            : "the gate's policy blocked tool '" + tool + "' (rules " + e.ruleIds() + ")");
        } catch (BudgetExceededException e) {
            throw refused("a budget refused tool '" + tool + "'"); // its message names the subject: not repeated
        } catch (LlmException e) {
            throw refused("the gate could not check tool '" + tool + "': "
                    + e.getClass().getSimpleName());
        }
        // the call the server runs is exactly the one the gate decided on, or none (fail closed)
        if (!ran.get()
                || decided.toolCalls().size() != 1
                || !decided.toolCalls().get(0).id().equals(call.id())
                || !decided.toolCalls().get(0).name().equals(tool)
                || !decided.toolCalls().get(0).argumentsJson().equals(argsJson)) {
            throw refused("the gate's policy changed or withheld the call of tool '" + tool + "' (e.g. it redacted a"
                    + " value in its arguments); a tool never runs with arguments other than those the caller gave");
        }

        // 2. the server runs it; its failure's text is a result like any other (scanned below), never passed on raw
        McpSchema.CallToolResult result;
        try {
            result = client.callTool(new McpSchema.CallToolRequest(name, args, null));
        } catch (RuntimeException e) {
            String text = e instanceof McpError m && m.getMessage() != null
                    ? m.getMessage()
                    : e.getClass().getSimpleName();
            result = new McpSchema.CallToolResult(List.of(textContent(text)), Boolean.TRUE, null, null);
        }

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
            try {
                text.append(text.length() == 0 ? "" : "\n").append(JSON.writeValueAsString(result.structuredContent()));
            } catch (JsonProcessingException e) {
                withheld++;
            }
        }
        AtomicReference<String> scanned = new AtomicReference<>();
        try {
            gate.wrap(
                    ChatRequest.builder(provider + ":" + tool + ".result")
                            // not keyed mcp_tool: a per-tool limit counts the tool's calls, not their results
                            .metadata(metadata(who, server, tool, parentCallId, "mcp_tool_result"))
                            // scanned as what it is: the tool message the next model call will carry
                            .addMessage(Message.tool(call.id(), text.toString()))
                            .build(),
                    provider,
                    (req, ctx) -> {
                        for (Message m : req.messages()) {
                            if (m.role() == Role.TOOL) {
                                scanned.set(m.text()); // the result as the input policy left it
                            }
                        }
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
            return withheldResult("llmgate withheld the result of tool '" + tool
                    + "': the gate's policy blocked it (rules " + e.ruleIds() + ")");
        } catch (LlmException e) {
            // the tool ran: refusing now would invite a retry that repeats it, so the result is withheld instead
            return withheldResult("llmgate withheld the result of tool '" + tool + "': it could not be checked ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (scanned.get() == null) { // answered without the scan (a stage that short-circuits): fail closed
            return withheldResult("llmgate withheld the result of tool '" + tool + "': it was not scanned");
        }
        List<McpSchema.Content> out = new ArrayList<>();
        out.add(textContent(scanned.get()));
        if (withheld > 0) {
            out.add(textContent(
                    "[llmgate withheld " + withheld + " content item(s) that are not text: they cannot be scanned]"));
        }
        return new McpSchema.CallToolResult(out, result.isError(), null, null);
    }

    private static McpSchema.CallToolResult withheldResult(String why) {
        return new McpSchema.CallToolResult(List.of(textContent(why)), Boolean.TRUE, null, null);
    }

    /** A refusal of this client, recorded as a decision at stage "tool" of the call, so it is audited. */
    private static PolicyBlockedException blockedAt(dev.llmgate.api.spi.CallContext ctx, String rule, String message) {
        ctx.append(CallFacts.POLICY, new PolicyRecord("tool", "BLOCK", List.of(rule), Map.of()));
        return new PolicyBlockedException(message, List.of(rule));
    }

    /**
     * Whether a call needs the approval handler: unless the server says the tool only reads or is not destructive
     * ({@code readOnlyHint}, or {@code destructiveHint} false); MCP's own default for a tool without annotations is
     * destructive. Annotations are the server's hints: pin tools you trust less with the gate's tool policy.
     */
    private static boolean needsApproval(McpSchema.Tool tool) {
        McpSchema.ToolAnnotations a = tool.annotations();
        if (a == null) {
            return true;
        }
        return !Boolean.TRUE.equals(a.readOnlyHint()) && !Boolean.FALSE.equals(a.destructiveHint());
    }

    /** The approval's outcome as the policy labels it: {@code REQUIRE_APPROVAL:ALLOW}, {@code ...:BLOCK}, ... */
    private String approve(ToolCall call, Optional<String> parentCallId) {
        if (approval.isEmpty()) {
            return "REQUIRE_APPROVAL:NO_HANDLER:BLOCK";
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
            return "REQUIRE_APPROVAL:ERROR:BLOCK";
        } catch (TimeoutException e) {
            return "REQUIRE_APPROVAL:TIMEOUT:BLOCK";
        } catch (ExecutionException | RuntimeException e) {
            return "REQUIRE_APPROVAL:ERROR:BLOCK";
        }
        return v == Verdict.ALLOW || v == Verdict.ALLOW_LOG ? "REQUIRE_APPROVAL:ALLOW" : "REQUIRE_APPROVAL:BLOCK";
    }

    private static Metadata metadata(
            Metadata who, String server, String tool, Optional<String> parentCallId, String toolKey) {
        Map<String, String> attributes = new LinkedHashMap<>(who.attributes());
        attributes.remove("mcp_tool"); // the caller's metadata cannot choose which tool's limit a call counts against
        attributes.remove("mcp_tool_result");
        attributes.remove("llmgate.parent_call_id");
        attributes.put(toolKey, server + "/" + tool);
        // a tool call is never answered from a cache: each one runs, and is checked, as itself
        attributes.put(dev.llmgate.core.cache.CacheControl.MODE_ATTRIBUTE, "bypass");
        parentCallId.ifPresent(id -> attributes.put("llmgate.parent_call_id", id));
        return new Metadata(who.tenant(), who.user(), who.tags(), attributes);
    }

    /** What stands for a tool or server name that is not governed: never the name, which a model may have chosen. */
    static final String UNKNOWN_TOOL = "(unknown tool)";

    /** The provider name of calls to a server that is not registered (not a valid server name, so no server has it). */
    private static final String UNREGISTERED = "mcp-(unregistered)";

    /**
     * Refuses a call to a server that is not registered, as an audited decision at stage "tool" (rule
     * {@code mcp.unknown_server}); neither the server's name nor the tool's is recorded or repeated (a model may have
     * chosen them), and the registered servers are not listed.
     */
    static McpError refuseUnknownServer(LlmGate gate, Metadata who, Optional<String> parentCallId) {
        String why = "the MCP server named in the call is not registered (its name is not repeated)";
        try {
            var unused = gate.wrap(
                    ChatRequest.builder(UNREGISTERED + ":" + UNKNOWN_TOOL)
                            .metadata(metadata(who, "(unregistered)", UNKNOWN_TOOL, parentCallId, "mcp_tool"))
                            .user("MCP tool call refused: the server is not registered")
                            .build(),
                    UNREGISTERED,
                    (req, ctx) -> {
                        throw blockedAt(ctx, "mcp.unknown_server", why);
                    });
        } catch (LlmException e) {
            return refused(why);
        }
        return refused(why); // a stage answered without asking the upstream: still refused
    }

    private static McpSchema.TextContent textContent(String text) {
        return new McpSchema.TextContent(null, text, null);
    }

    private static McpError refused(String why) {
        return McpError.builder(REFUSED).message("refused by llmgate: " + why).build();
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
         * Lists the server's tools and checks the configuration, reporting every problem at once.
         *
         * @throws ConfigurationException for a bad server name, a rule naming another server (use
         *     {@link GovernedMcpServers} for several) or servers that do not match this one, or a rule naming a tool
         *     the server does not offer
         */
        public GovernedMcpClient build() {
            Map<String, McpSchema.Tool> offered = offeredTools();
            List<String> problems = new ArrayList<>();
            nameProblem().ifPresent(problems::add);
            problems.addAll(access.problems(Map.of(server, offered.keySet()), true));
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new GovernedMcpClient(this, offered);
        }

        Map<String, McpSchema.Tool> offeredTools() {
            Map<String, McpSchema.Tool> offered = new LinkedHashMap<>();
            for (McpSchema.Tool t : client.listTools().tools()) {
                offered.put(t.name(), t);
            }
            return offered;
        }

        /** What is wrong with this server's name, if anything. */
        Optional<String> nameProblem() {
            return SERVER_NAME.matcher(server).matches()
                    ? Optional.empty()
                    : Optional.of("MCP server name '" + server + "' is not allowed: use letters, digits, '.', '_' or"
                            + " '-' (at most 64, starting with a letter or digit)");
        }

        GovernedMcpClient create(Map<String, McpSchema.Tool> offered) {
            return new GovernedMcpClient(this, offered);
        }
    }
}
