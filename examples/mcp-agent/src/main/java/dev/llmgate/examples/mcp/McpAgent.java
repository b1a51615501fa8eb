package dev.llmgate.examples.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Message;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.core.LlmGate;
import dev.llmgate.mcp.GovernedMcpClient;
import dev.llmgate.mcp.McpToolAccess;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.testing.LocalModelServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An agent with two MCP tools behind the AGENT and HIPAA policy: the model (llmgate's simulated local model) asks for
 * {@code read_chart}; the governed MCP client checks the call, runs it, redacts the email in the chart before the
 * model sees it, and the next model call answers from the redacted result. A destructive tool is refused by the
 * approval handler.
 *
 * <pre>mvn -B -q -Pdemo -pl examples/mcp-agent -am package -DskipTests</pre>
 */
public final class McpAgent {
    private McpAgent() {}

    /** What the run saw, for the test. */
    record Run(List<String> visibleTools, String toolResult, String finalAnswer, String refused) {}

    public static void main(String[] args) {
        try (LocalModelServer model = LocalModelServer.start()) {
            run(System.out, model);
        }
    }

    static Run run(PrintStream out, LocalModelServer model) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        McpSyncClient mcp = McpClient.sync(new StdioClientTransport(
                        ServerParameters.builder(java)
                                .args("-cp", classpath(), ClinicToolsServer.class.getName())
                                .build(),
                        new JacksonMcpJsonMapper(new ObjectMapper())))
                .requestTimeout(Duration.ofSeconds(60))
                .build();
        Policy policy = Policy.builder()
                .preset(CompliancePreset.HIPAA)
                .preset(CompliancePreset.AGENT)
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider(
                        "local",
                        OpenAiCompatibleProvider.builder(model.baseUrl())
                                .name("local")
                                .build())
                .addInterceptor(policy.interceptor())
                .build()) {
            mcp.initialize();
            GovernedMcpClient clinic = GovernedMcpClient.builder(mcp, "clinic", gate)
                    .access(McpToolAccess.builder()
                            .allow("care-team", "read_chart", "delete_chart")
                            .build())
                    .destructiveApproval(
                            request -> CompletableFuture.completedFuture(Verdict.BLOCK), // nobody approves deletions
                            Duration.ofSeconds(30))
                    .build();
            Metadata who = new Metadata(Optional.of("care-team"), Optional.of("nurse-7"), Set.of(), Map.of());

            out.println("llmgate + MCP: an agent with two tools of the 'clinic' MCP server, HIPAA and AGENT policy");
            out.println("Model: the SIMULATED local model at " + model.baseUrl() + " (canned answers)");
            List<String> visible = new ArrayList<>();
            List<ToolDefinition> defs = new ArrayList<>();
            for (McpSchema.Tool t : clinic.listTools(who).tools()) {
                visible.add(t.name());
                defs.add(ToolDefinition.of(t.name(), t.description(), json(t.inputSchema())));
            }
            out.println("1. tools the care team may use: " + visible);

            List<Message> history = new ArrayList<>(List.of(Message.user("Use read_chart and summarise the chart.")));
            ChatResponse first = gate.chat(ChatRequest.builder("local:" + LocalModelServer.MODEL)
                    .messages(history)
                    .tools(defs)
                    .build());
            String toolResult = "";
            for (ToolCall call : first.toolCalls()) {
                McpSchema.CallToolResult r = clinic.callTool(
                        new McpSchema.CallToolRequest(call.name(), Map.of("patient", "jane-roe"), null),
                        who,
                        Optional.of(first.facts().callId()));
                toolResult = ((McpSchema.TextContent) r.content().get(0)).text();
                history.add(first.message());
                history.add(Message.tool(call.id(), toolResult));
            }
            out.println("2. the model asked for "
                    + first.toolCalls().stream().map(ToolCall::name).toList() + "; the result it gets back: "
                    + toolResult);
            ChatResponse answer = gate.chat(ChatRequest.builder("local:" + LocalModelServer.MODEL)
                    .messages(history)
                    .tools(defs)
                    .build());
            out.println("3. the model's answer: " + answer.text());
            String refused = "";
            try {
                clinic.callTool(
                        new McpSchema.CallToolRequest("delete_chart", Map.of("patient", "jane-roe"), null),
                        who,
                        Optional.empty());
            } catch (McpError e) {
                refused = e.getMessage();
            }
            out.println("4. a destructive tool: " + refused);
            return new Run(visible, toolResult, answer.text(), refused);
        } finally {
            mcp.closeGracefully();
        }
    }

    /** This program's class path, also when a launcher (exec:java) loads it in a class loader of its own. */
    private static String classpath() {
        if (McpAgent.class.getClassLoader() instanceof java.net.URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    private static String json(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
