package dev.llmgate.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The standalone-gateway peer: the {@code @portkey-ai/gateway} npm package, installed by
 * {@code benchmarks/portkey/install.sh} into {@code benchmarks/target/portkey}, started here with
 * Node on 127.0.0.1 only (through {@code loopback-preload.cjs}) on a free port, and stopped (this
 * process only) at the end of the trial. Requests name the upstream per call with
 * {@code x-portkey-provider: openai} and {@code x-portkey-custom-host: <stub base url>}.
 *
 * <p>The install directory is {@code benchmarks/target/portkey} relative to the working directory
 * (run.sh runs from the repository root), or the system property {@code llmgate.bench.portkey}.
 */
@State(Scope.Benchmark)
public class PortkeyPeer {
    Process process;
    String chatUrl;

    @Setup(Level.Trial)
    public void start() throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("llmgate.bench.portkey", "benchmarks/target/portkey"))
                .toAbsolutePath();
        Path main = home.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
        Path preload = home.resolve("loopback-preload.cjs");
        if (!Files.isRegularFile(main) || !Files.isRegularFile(preload)) {
            throw new IllegalStateException(
                    "the Portkey gateway is not installed in " + home
                            + ": run benchmarks/portkey/install.sh (needs node and npm), or exclude the peer_portkey benchmarks");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        process = new ProcessBuilder("node", "--require", preload.toString(), main.toString(), "--port=" + port)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("gateway-jmh.log").toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                break;
            } catch (IOException notYet) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    process.destroy();
                    throw new IllegalStateException("the Portkey gateway did not start on 127.0.0.1:" + port + "; see "
                            + home.resolve("gateway-jmh.log"));
                }
                Thread.sleep(50);
            }
        }
        chatUrl = "http://127.0.0.1:" + port + "/v1/chat/completions";
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
