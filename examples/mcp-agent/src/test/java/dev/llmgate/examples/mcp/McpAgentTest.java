package dev.llmgate.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.testing.LocalModelServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class McpAgentTest {

    @Test
    void theAgentReadsARedactedChartAndCannotDeleteIt() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        McpAgent.Run run;
        try (LocalModelServer model = LocalModelServer.start();
                PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            run = McpAgent.run(out, model);
        }
        assertThat(run.visibleTools()).containsExactlyInAnyOrder("read_chart", "delete_chart");
        assertThat(run.toolResult()).contains("blood pressure normal").doesNotContain("jane.roe@example.com");
        assertThat(run.finalAnswer())
                .startsWith("[simulated] The tool returned:")
                .doesNotContain("jane.roe@example.com");
        assertThat(run.refused()).contains("refused by llmgate").contains("delete_chart");
    }
}
