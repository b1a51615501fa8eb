package dev.llmgate.providers.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.llmgate.providers.testing.OpenSockets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As measured: after {@code close()}, 4 threads and 32 sockets in CLOSE-WAIT remained. A child JVM
 * ({@link GateCloseMain}) runs 32 concurrent calls per provider for all six providers and a stream
 * in flight per provider, closes the gate, and reports: no llmgate thread may be alive and no socket
 * of its to the servers open when {@code close()} has returned, and the streams in flight end with the
 * network error that says why.
 */
class GateCloseTest {

    @Test
    void afterGateCloseNoLlmgateThreadAndNoSocketRemains(@TempDir Path dir) throws Exception {
        assumeThat(OpenSockets.available())
                .as("needs Linux /proc to count sockets")
                .isTrue();
        Path out = dir.resolve("child.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(List.of(java, "-cp", classpath, GateCloseMain.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            boolean exited = child.waitFor(180, TimeUnit.SECONDS);
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(exited).as("the child did not finish:\n" + output).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output)
                    .as(output)
                    .containsPattern("BEFORE \\d{3}")
                    .contains("THREADS []")
                    .contains("SOCKETS 0")
                    .contains("STREAMS [NetworkException: the provider was closed while the call was in flight");
        } finally {
            child.destroyForcibly();
        }
    }
}
