package dev.llmgate.examples.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;

/**
 * The example's MCP server (the SDK's, over stdio; {@link McpAgent} starts it as a child process): {@code read_chart}
 * returns a patient's chart (with an email address in it) and {@code delete_chart} is marked destructive.
 */
public final class ClinicToolsServer {
    private ClinicToolsServer() {}

    static McpSchema.CallToolResult text(String s) {
        return new McpSchema.CallToolResult(
                List.of(new McpSchema.TextContent(null, s, null)), Boolean.FALSE, null, null);
    }

    public static void main(String[] args) throws InterruptedException {
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        Map<String, Object> schema =
                Map.of("type", "object", "properties", Map.of("patient", Map.of("type", "string")));
        McpSchema.Tool read = new McpSchema.Tool(
                "read_chart",
                null,
                "Reads a patient's chart",
                schema,
                null,
                new McpSchema.ToolAnnotations("Read a chart", true, false, true, false, false),
                null,
                null);
        McpSchema.Tool delete = new McpSchema.Tool(
                "delete_chart",
                null,
                "Deletes a patient's chart",
                schema,
                null,
                new McpSchema.ToolAnnotations("Delete a chart", false, true, false, false, false),
                null,
                null);
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(json))
                .serverInfo("clinic", "1.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(
                        new McpServerFeatures.SyncToolSpecification(
                                read,
                                (exchange, r) -> text("Chart of Jane Roe: blood pressure normal; contact"
                                        + " jane.roe@example.com for the follow-up.")),
                        new McpServerFeatures.SyncToolSpecification(delete, (exchange, r) -> text("chart deleted")))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
