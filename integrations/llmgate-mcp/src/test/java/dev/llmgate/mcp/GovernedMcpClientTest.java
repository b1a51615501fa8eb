package dev.llmgate.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.Role;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.AuditVerifier;
import dev.llmgate.core.audit.EvidenceReport;
import dev.llmgate.core.audit.InMemoryAuditSink;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Rule;
import dev.llmgate.policy.ToolPolicy;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.PromptInjectionDetector;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real MCP server from the SDK (its stdio transport, in this JVM over two OS pipes) and a real SDK client governed
 * through a gate.
 */
class GovernedMcpClientTest {
    static McpSyncServer server;
    static McpSyncClient mcp;
    static Pipe toServer;
    static Pipe toClient;

    @BeforeAll
    static void startServer() throws IOException {
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        toServer = Pipe.open();
        toClient = Pipe.open();
        server = NotesServer.start(
                new StdioServerTransportProvider(
                        json, Channels.newInputStream(toServer.source()), Channels.newOutputStream(toClient.sink())),
                json);
        mcp = McpClient.sync(new StreamClientTransport(
                        json, Channels.newInputStream(toClient.source()), Channels.newOutputStream(toServer.sink())))
                .requestTimeout(Duration.ofSeconds(60))
                .build();
        mcp.initialize();
    }

    @AfterAll
    static void stopServer() throws IOException {
        mcp.closeGracefully();
        server.closeGracefully();
        // the SDK's transports do not close the streams they were given
        toServer.source().close();
        toClient.sink().close();
    }

    static final List<String> APPROVALS = new CopyOnWriteArrayList<>();

    static Policy policy() {
        return Policy.builder()
                .preset(CompliancePreset.HIPAA)
                .detector(PromptInjectionDetector.all())
                .rule(Rule.builder("block-injection")
                        .types("INJECTION_*")
                        .stages(PolicyStage.INPUT)
                        .verdict(Verdict.BLOCK)
                        .build())
                .tools(ToolPolicy.builder()
                        .defaultVerdict(Verdict.ALLOW)
                        .allowHosts("*.example.com", "example.com")
                        .build())
                .build();
    }

    static McpToolAccess access() {
        return McpToolAccess.builder()
                .allow("acme", "read_*", "fetch_url")
                .allow("ops", "*")
                .deny("*", "drop_*")
                .build();
    }

    static Metadata tenant(String t) {
        return new Metadata(Optional.of(t), Optional.empty(), Set.of(), Map.of());
    }

    static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
        return new McpSchema.CallToolRequest(tool, args);
    }

    @Test
    void listingsAreFilteredPerTenantAndOtherCallsRefused() {
        try (LlmGate gate =
                LlmGate.builder().addInterceptor(policy().interceptor()).build()) {
            GovernedMcpClient client = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .build();
            assertThat(client.listTools(tenant("acme")).tools())
                    .extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("read_note", "fetch_url");
            assertThat(client.listTools(tenant("ops")).tools()).hasSize(3);
            assertThat(client.listTools(Metadata.EMPTY).tools()).isEmpty();
            assertThatThrownBy(() -> client.callTool(
                            call("delete_note", Map.of("id", "plain")), tenant("acme"), Optional.empty()))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("refused by llmgate: tool 'delete_note' of MCP server 'notes' is not allowed"
                            + " for tenant 'acme'");
            McpSchema.CallToolResult ok =
                    client.callTool(call("read_note", Map.of("id", "plain")), tenant("acme"), Optional.empty());
            assertThat(((McpSchema.TextContent) ok.content().get(0)).text()).isEqualTo("Buy milk and eggs.");
        }
    }

    @Test
    void destructiveToolsNeedTheApprovalHandler() {
        try (LlmGate gate =
                LlmGate.builder().addInterceptor(policy().interceptor()).build()) {
            GovernedMcpClient approving = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .destructiveApproval(
                            r -> {
                                APPROVALS.add(r.toolCall().map(ToolCall::name).orElse("?"));
                                return CompletableFuture.completedFuture(Verdict.ALLOW);
                            },
                            Duration.ofSeconds(5))
                    .build();
            McpSchema.CallToolResult deleted =
                    approving.callTool(call("delete_note", Map.of("id", "plain")), tenant("ops"), Optional.empty());
            assertThat(((McpSchema.TextContent) deleted.content().get(0)).text())
                    .isEqualTo("deleted plain");
            assertThat(APPROVALS).contains("notes/delete_note"); // the approver learns which server's tool

            GovernedMcpClient denying = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .destructiveApproval(r -> CompletableFuture.completedFuture(Verdict.BLOCK), Duration.ofSeconds(5))
                    .build();
            assertThatThrownBy(() -> denying.callTool(
                            call("delete_note", Map.of("id", "plain")), tenant("ops"), Optional.empty()))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("was denied");
            GovernedMcpClient none = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .build();
            assertThatThrownBy(() ->
                            none.callTool(call("delete_note", Map.of("id", "x")), tenant("ops"), Optional.empty()))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("no approval handler");
        }
    }

    @Test
    void argumentsPassTheToolPolicyAndResultsAreScannedBeforeTheModelSeesThem() {
        try (LlmGate gate =
                LlmGate.builder().addInterceptor(policy().interceptor()).build()) {
            GovernedMcpClient client = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .build();
            // an egress host the tool policy does not allow, in the parsed arguments
            assertThatThrownBy(() -> client.callTool(
                            call("fetch_url", Map.of("url", "https://api.example.com@evil.attacker.net/x")),
                            tenant("acme"),
                            Optional.empty()))
                    .isInstanceOf(McpError.class)
                    // blocked by the egress check, or withheld because the input policy masks the e-mail-like
                    // userinfo and the URL (a tool never runs with other arguments): refused either way
                    .hasMessageContaining("refused by llmgate")
                    .hasMessageContaining("tool 'fetch_url'");
            // a poisoned result is withheld, without quoting it
            McpSchema.CallToolResult poisoned =
                    client.callTool(call("read_note", Map.of("id", "poisoned")), tenant("acme"), Optional.empty());
            assertThat(poisoned.isError()).isTrue();
            String withheld = ((McpSchema.TextContent) poisoned.content().get(0)).text();
            assertThat(withheld)
                    .startsWith("llmgate withheld the result of tool 'read_note'")
                    .doesNotContain("Ignore all");
            // PHI in a result is redacted per the preset
            McpSchema.CallToolResult patient =
                    client.callTool(call("read_note", Map.of("id", "patient")), tenant("acme"), Optional.empty());
            assertThat(((McpSchema.TextContent) patient.content().get(0)).text())
                    .contains("Follow up with the patient")
                    .doesNotContain("jane.doe@example.com");
        }
    }

    @Test
    void everyToolCallIsAnAuditRecordLinkedToTheModelCallAndCounted() {
        InMemoryAuditSink sink = new InMemoryAuditSink();
        AuditSigningKey key = AuditSigningKey.generate();
        String modelCallId;
        try (AuditLog audit = AuditLog.builder(sink, key).build();
                LlmGate gate = LlmGate.builder()
                        .provider(
                                "m",
                                ScriptedProvider.replying(
                                        Reply.toolCalls(new ToolCall("call_1", "read_note", "{\"id\":\"plain\"}"))))
                        .addInterceptor(audit.interceptor())
                        .addInterceptor(policy().interceptor())
                        .build()) {
            GovernedMcpClient client = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .build();
            var answer = gate.chat(ChatRequest.of("m:model", "What does my note say?"));
            modelCallId = answer.facts().callId();
            assertThat(answer.toolCalls()).hasSize(1);
            client.callTool(call("read_note", Map.of("id", "plain")), tenant("acme"), Optional.of(modelCallId));
            assertThatThrownBy(() -> client.callTool(
                            call("fetch_url", Map.of("url", "http://3232235777/")),
                            tenant("acme"),
                            Optional.of(modelCallId)))
                    .isInstanceOf(McpError.class);
            // a refusal of this client (the tenant may not use the tool) is a blocked tool call in the log too
            assertThatThrownBy(() -> client.callTool(
                            call("delete_note", Map.of("id", "plain")), tenant("acme"), Optional.of(modelCallId)))
                    .isInstanceOf(McpError.class);
        }
        List<String> records = sink.lines().stream()
                .filter(l -> l.contains("\"type\":\"call\""))
                .toList();
        assertThat(records)
                .anySatisfy(r -> assertThat(r)
                        .contains("\"requested_model\":\"mcp-notes:read_note\"")
                        .contains("\"parent_call_id\":\"" + modelCallId + "\""));
        assertThat(records)
                .anySatisfy(r -> assertThat(r).contains("\"requested_model\":\"mcp-notes:read_note.result\""));
        EvidenceReport report =
                AuditVerifier.builder().trustKey(key.publicKeyHex()).build().evidenceLines(sink.lines(), "memory");
        assertThat(report.result()).isEqualTo("VALID");
        assertThat(report.toolCallsBlocked()).isEqualTo(2);
        assertThat(report.decisionsByRule().get("mcp.access")).containsEntry("BLOCK", 1L);
    }

    @Test
    void aRuleNamingAToolNoServerOffersAndABadServerNameFailClearly() {
        try (LlmGate gate = LlmGate.builder().build()) {
            assertThatThrownBy(() -> GovernedMcpClient.builder(mcp, "notes server", gate)
                            .access(McpToolAccess.builder()
                                    .allow("*", "read_note", "send_email")
                                    .build())
                            .build())
                    .isInstanceOf(ConfigurationException.class)
                    .satisfies(e -> assertThat(((ConfigurationException) e).problems())
                            .anySatisfy(p -> assertThat(p).contains("MCP server name 'notes server' is not allowed"))
                            .anySatisfy(p -> assertThat(p)
                                    .contains("names tool 'send_email', which MCP server 'notes server' does not"
                                            + " offer")));
        }
    }

    @Test
    void aPerToolRateLimitCountsTheToolsCalls() {
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(policy().interceptor())
                .addInterceptor(dev.llmgate.core.budget.BudgetInterceptor.builder()
                        .limit(dev.llmgate.core.budget.BudgetLimit.requests(2, Duration.ofHours(1))
                                .perKey("mcp_tool")
                                .only("notes/read_note"))
                        .build())
                .build()) {
            GovernedMcpClient client = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .build();
            client.callTool(call("read_note", Map.of("id", "plain")), tenant("acme"), Optional.empty());
            client.callTool(call("read_note", Map.of("id", "plain")), tenant("acme"), Optional.empty());
            assertThatThrownBy(() ->
                            client.callTool(call("read_note", Map.of("id", "plain")), tenant("acme"), Optional.empty()))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("a budget refused tool 'read_note'");
            // the caller cannot move its call to another tool's counter
            Metadata spoofing =
                    new Metadata(Optional.of("acme"), Optional.empty(), Set.of(), Map.of("mcp_tool", "x/y"));
            assertThatThrownBy(
                            () -> client.callTool(call("read_note", Map.of("id", "plain")), spoofing, Optional.empty()))
                    .isInstanceOf(McpError.class);
        }
    }

    @Test
    void aResponseCacheNeverAnswersOneToolCallWithAnother() {
        try (LlmGate gate = LlmGate.builder()
                .addInterceptor(policy().interceptor())
                .addInterceptor(
                        dev.llmgate.core.cache.ResponseCache.builder().build().interceptor())
                .build()) {
            GovernedMcpClient client = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .build();
            McpSchema.CallToolResult first =
                    client.callTool(call("read_note", Map.of("id", "plain")), tenant("acme"), Optional.empty());
            McpSchema.CallToolResult second =
                    client.callTool(call("read_note", Map.of("id", "other")), tenant("acme"), Optional.empty());
            assertThat(((McpSchema.TextContent) first.content().get(0)).text()).isEqualTo("Buy milk and eggs.");
            assertThat(((McpSchema.TextContent) second.content().get(0)).text()).isEqualTo("no such note");
            // the same call again runs again (a cache never answers a tool call)
            assertThat(((McpSchema.TextContent) client.callTool(
                                            call("read_note", Map.of("id", "plain")), tenant("acme"), Optional.empty())
                                    .content()
                                    .get(0))
                            .text())
                    .isEqualTo("Buy milk and eggs.");
        }
    }

    @Test
    void argumentsThePolicyWouldChangeAreNeverSentChanged() {
        try (LlmGate gate =
                LlmGate.builder().addInterceptor(policy().interceptor()).build()) {
            GovernedMcpClient client = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .build();
            // HIPAA treats URLs as identifiers: the tool would run with "[URL]", so it does not run at all
            assertThatThrownBy(() -> client.callTool(
                            call("fetch_url", Map.of("url", "https://docs.example.com/a")),
                            tenant("acme"),
                            Optional.empty()))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("a tool never runs with arguments other than those the caller gave");
        }
    }

    @Test
    void severalServersUnderOneSetOfRulesWithWholeServersAllowedOrDeniedPerTenant() {
        try (LlmGate gate =
                LlmGate.builder().addInterceptor(policy().interceptor()).build()) {
            // one real server registered under two names stands for two servers
            GovernedMcpServers servers = GovernedMcpServers.builder(gate)
                    .server("notes", mcp)
                    .server("archive", mcp)
                    .access(McpToolAccess.builder()
                            .allow("acme", "notes/read_*")
                            .allowServers("ops", "*")
                            .denyServers("ops", "archive")
                            .deny("*", "delete_note")
                            .build())
                    .build();
            assertThat(servers.serverNames()).containsExactly("notes", "archive");
            assertThat(servers.listTools(tenant("acme"))).containsOnlyKeys("notes");
            assertThat(servers.listTools(tenant("acme")).get("notes").tools())
                    .extracting(McpSchema.Tool::name)
                    .containsExactly("read_note");
            assertThat(servers.listTools(tenant("ops"))).containsOnlyKeys("notes");
            assertThat(servers.listTools(tenant("ops")).get("notes").tools())
                    .extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrder("read_note", "fetch_url");
            assertThat(servers.listTools(Metadata.EMPTY)).isEmpty();

            McpSchema.CallToolResult ok = servers.callTool(
                    "notes", call("read_note", Map.of("id", "plain")), tenant("ops"), Optional.empty());
            assertThat(((McpSchema.TextContent) ok.content().get(0)).text()).isEqualTo("Buy milk and eggs.");
            // the same tool on a server the tenant is denied
            assertThatThrownBy(() -> servers.callTool(
                            "archive", call("read_note", Map.of("id", "plain")), tenant("ops"), Optional.empty()))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("tool 'read_note' of MCP server 'archive' is not allowed for tenant 'ops'");
            assertThatThrownBy(() -> servers.callTool(
                            "archive", call("read_note", Map.of("id", "plain")), tenant("acme"), Optional.empty()))
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("is not allowed for tenant 'acme'");
        }
    }

    @Test
    void namesAModelChoseAreNeverRecordedOrRepeatedUnlessAServerOfferedThem() {
        InMemoryAuditSink sink = new InMemoryAuditSink();
        try (AuditLog audit = AuditLog.builder(sink, AuditSigningKey.generate()).build();
                LlmGate gate = LlmGate.builder()
                        .addInterceptor(audit.interceptor())
                        .addInterceptor(policy().interceptor())
                        .build()) {
            GovernedMcpServers servers = GovernedMcpServers.builder(gate)
                    .server("notes", mcp)
                    .access(McpToolAccess.builder().allowServers("ops", "*").build())
                    .build();
            // names that pass any syntax check and still carry an identifier
            for (String server : List.of("web", "123-45-6789", "jane.doe", "x y@example.com")) {
                assertThatThrownBy(() -> servers.callTool(
                                server,
                                call("fetch_url", Map.of("url", "https://x.example.com")),
                                tenant("ops"),
                                Optional.empty()))
                        .isInstanceOf(McpError.class)
                        .hasMessageContaining("the MCP server named in the call is not registered")
                        .hasMessageNotContaining(server)
                        .hasMessageNotContaining("notes"); // the registered servers are not listed either
            }
            assertThatThrownBy(() -> servers.callTool(null, call("x", Map.of()), tenant("ops"), Optional.empty()))
                    .isInstanceOf(McpError.class);
            GovernedMcpClient notes = servers.server("notes").orElseThrow();
            for (String tool : List.of("123-45-6789", "read_note 078-05-1120", "jane.doe")) {
                assertThatThrownBy(() -> notes.callTool(call(tool, Map.of()), tenant("ops"), Optional.empty()))
                        .isInstanceOf(McpError.class)
                        .hasMessageNotContaining(tool);
            }
        }
        List<String> records = sink.lines().stream()
                .filter(l -> l.contains("\"type\":\"call\""))
                .toList();
        assertThat(records).hasSizeGreaterThanOrEqualTo(8);
        assertThat(records)
                .anySatisfy(r -> assertThat(r)
                        .contains("\"requested_model\":\"mcp-(unregistered):(unknown tool)\"")
                        .contains("mcp.unknown_server"))
                .anySatisfy(r -> assertThat(r)
                        .contains("\"requested_model\":\"mcp-notes:(unknown tool)\"")
                        .contains("mcp.unknown_tool"))
                .allSatisfy(r -> assertThat(r)
                        .doesNotContain("123-45-6789")
                        .doesNotContain("078-05-1120")
                        .doesNotContain("jane.doe")
                        .doesNotContain("\"mcp-web"));
    }

    @Test
    void rulesNamingAServerOrAToolThatIsNotThereFailClearlyAllAtOnce() {
        try (LlmGate gate = LlmGate.builder().build()) {
            assertThatThrownBy(() -> GovernedMcpServers.builder(gate)
                            .server("notes", mcp)
                            .server("archive", mcp)
                            .server("notes", mcp)
                            .access(McpToolAccess.builder()
                                    .allow("acme", "web/read_note", "archive/send_email", "send_sms", "arch*/send_fax")
                                    .denyServers("*", "mail", "Arch*")
                                    .build())
                            .build())
                    .isInstanceOf(ConfigurationException.class)
                    .satisfies(e -> assertThat(((ConfigurationException) e).problems())
                            .containsExactlyInAnyOrder(
                                    "MCP server 'notes' is registered twice: give each server its own name",
                                    "access rule allow acme 'web/read_note' names MCP server 'web', which is not a"
                                            + " registered server (servers: notes, archive); a tool name with '/' is"
                                            + " written server/tool, e.g. '*/web/read_note'",
                                    "access rule allow acme 'archive/send_email' names tool 'send_email', which MCP"
                                            + " server 'archive' does not offer; it offers: read_note, fetch_url,"
                                            + " delete_note",
                                    "access rule allow acme 'send_sms' names tool 'send_sms', which none of the MCP"
                                            + " servers it applies to offers (notes: read_note, fetch_url, delete_note;"
                                            + " archive: read_note, fetch_url, delete_note)",
                                    "access rule allow acme 'arch*/send_fax' names tool 'send_fax', which MCP server"
                                            + " 'archive' does not offer; it offers: read_note, fetch_url, delete_note",
                                    "access rule deny * 'mail/*' names MCP server 'mail', which is not a registered"
                                            + " server (servers: notes, archive); a tool name with '/' is written"
                                            + " server/tool, e.g. '*/mail/*'",
                                    // a deny that matches nothing would fail open
                                    "access rule deny * 'Arch*/*' names servers 'Arch*', which match no registered"
                                            + " server (servers: notes, archive); a tool name with '/' is written"
                                            + " server/tool, e.g. '*/Arch*/*'"));
            assertThatThrownBy(() -> GovernedMcpServers.builder(gate).build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("no MCP server is registered");
            // one client governs one server: a rule for another is a mistake, not silently ignored
            assertThatThrownBy(() -> GovernedMcpClient.builder(mcp, "notes", gate)
                            .access(McpToolAccess.builder()
                                    .allow("*", "archive/read_note")
                                    .build())
                            .build())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("names MCP server 'archive', which is not a server this client governs (it"
                            + " governs only 'notes'; use GovernedMcpServers to govern several servers)");
            assertThatThrownBy(() -> McpToolAccess.builder().allow("*", "notes/"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'server/tool'");
            assertThatThrownBy(() -> McpToolAccess.builder().allow("", "read_note"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'*' for every tenant");
        }
    }

    @Test
    void aToolResultIsScannedAsAToolMessageSoAPolicyScanningOnlyToolMessagesSeesIt() {
        Policy toolsOnly = Policy.builder()
                .scanRoles(Role.TOOL)
                .detector(PromptInjectionDetector.all())
                .rule(Rule.builder("block-injection")
                        .types("INJECTION_*")
                        .stages(PolicyStage.INPUT)
                        .verdict(Verdict.BLOCK)
                        .build())
                .build();
        try (LlmGate gate =
                LlmGate.builder().addInterceptor(toolsOnly.interceptor()).build()) {
            GovernedMcpClient client = GovernedMcpClient.builder(mcp, "notes", gate)
                    .access(access())
                    .build();
            McpSchema.CallToolResult poisoned =
                    client.callTool(call("read_note", Map.of("id", "poisoned")), tenant("acme"), Optional.empty());
            assertThat(poisoned.isError()).isTrue();
            assertThat(((McpSchema.TextContent) poisoned.content().get(0)).text())
                    .startsWith("llmgate withheld the result of tool 'read_note'");
        }
    }
}
