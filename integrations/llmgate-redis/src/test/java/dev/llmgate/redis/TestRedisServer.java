package dev.llmgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway redis-server this test starts on a free loopback port and stops by its own process handle (never by
 * name). The binary: {@code LLMGATE_TEST_REDIS_SERVER} (CI sets it and then a missing binary fails the test), else
 * {@code redis-server} under /usr/bin or /usr/local/bin (absent: the tests are skipped).
 */
final class TestRedisServer implements AutoCloseable {
    final int port;
    private final Path binary;
    private Process process;

    private TestRedisServer(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    static TestRedisServer start() throws IOException {
        String configured = System.getenv("LLMGATE_TEST_REDIS_SERVER");
        Path binary;
        if (configured != null && !configured.isBlank()) {
            binary = Path.of(configured);
            assertThat(Files.isExecutable(binary))
                    .as("LLMGATE_TEST_REDIS_SERVER=%s is not an executable redis-server", configured)
                    .isTrue();
        } else {
            binary = Files.isExecutable(Path.of("/usr/bin/redis-server"))
                    ? Path.of("/usr/bin/redis-server")
                    : Path.of("/usr/local/bin/redis-server");
            Assumptions.assumeTrue(
                    Files.isExecutable(binary),
                    "redis-server is not installed (Debian package redis-server); set LLMGATE_TEST_REDIS_SERVER");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestRedisServer server = new TestRedisServer(binary, port);
        server.startProcess();
        return server;
    }

    /** Starts (or starts again) the server on its port and waits until it accepts connections. */
    void startProcess() throws IOException {
        process = new ProcessBuilder(
                        binary.toString(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--protected-mode",
                        "yes")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        for (int i = 0; i < 500; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while redis-server started", e);
                }
            }
        }
        stop();
        throw new IOException("redis-server did not accept connections on port " + port + " within 5 s");
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server this test started (SIGKILL, by its process handle) and waits for it to be gone. */
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
