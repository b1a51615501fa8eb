package dev.llmgate.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.testing.LocalModelServer;
import dev.llmgate.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AssistantWithToolsTest {

    @Test
    void theAssistantUsesItsToolStreamsAndIsRefusedAnInjection() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AssistantWithTools.Run run;
        try (LocalModelServer local = LocalModelServer.start();
                PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            run = AssistantWithTools.run(out, local, new MutableClock());
        }
        assertThat(run.toolCalls()).containsExactly("today");
        // the simulated model quotes the tool result it received: HIPAA treats dates as identifiers, so the gate
        // redacted the date the tool returned before it reached the model
        assertThat(run.toolAnswer()).contains("The tool returned: [DATE]").doesNotContain("2025-03-01");
        assertThat(run.attempts()).extracting(AttemptEvent::provider).startsWith("primary", "working");
        assertThat(run.streamed()).startsWith("[simulated]").doesNotContain("jane.doe@example.com");
        assertThat(run.blocked()).startsWith("PolicyBlockedException");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("1. AiServices calls a tool through the gate");
    }
}
