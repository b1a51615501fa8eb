package dev.llmgate.providers.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.providers.testing.Vendors.Vendor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * As measured: an upstream that sends one stream event without end made a 256 MB JVM run out of
 * memory in 1.5 s. Here each wire format's adapter, with the default limits, streams from such an
 * upstream in a child JVM with a 64 MB heap; it must fail with the event limit and exit normally.
 */
class EndlessEventTest {

    @ParameterizedTest
    @EnumSource(
            value = Vendor.class,
            names = {"OPENAI", "ANTHROPIC", "GEMINI", "OLLAMA"})
    void anEndlessEventFailsOnTheLimitInASmallHeap(Vendor vendor, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("child.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(List.of(
                        java,
                        "-Xmx64m",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        classpath,
                        EndlessUpstreamMain.class.getName(),
                        vendor.name()))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            boolean exited = child.waitFor(120, TimeUnit.SECONDS);
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(exited).as("the child did not finish:\n" + output).isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output)
                    .contains("RESULT ProviderException")
                    .contains("stream event larger than 8388608 bytes")
                    .contains("ResponseLimits.maxEventBytes");
        } finally {
            child.destroyForcibly();
        }
    }
}
