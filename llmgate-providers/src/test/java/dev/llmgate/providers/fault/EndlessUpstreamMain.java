package dev.llmgate.providers.fault;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.Vendors.Vendor;
import dev.llmgate.providers.testing.Vendors.Wire;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Run in a child JVM with a small heap by {@link EndlessEventTest}: an upstream on a raw socket that
 * answers 200 and then sends one event without end (SSE: {@code data:} lines and never the blank line
 * that ends an event; NDJSON: one line that never ends), and an adapter with the default limits
 * streaming from it. Prints {@code RESULT <exception class> <message>} and exits 0, unless the heap runs out.
 */
public final class EndlessUpstreamMain {
    private EndlessUpstreamMain() {}

    public static void main(String[] args) throws Exception {
        Vendor vendor = Vendor.valueOf(args[0]);
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread upstream = new Thread(() -> serve(server, vendor.wire), "endless-upstream");
        upstream.setDaemon(true);
        upstream.start();
        ModelProvider provider =
                vendor.factory.create("http://127.0.0.1:" + server.getLocalPort() + "/", null, Timeouts.DEFAULTS);
        try (ChatStream s = provider.stream(ChatRequest.of("m", "hi"), Fixtures.streaming())) {
            s.collect();
            System.out.println("RESULT none: the stream ended");
        } catch (LlmException e) {
            System.out.println("RESULT " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        provider.close();
        System.exit(0);
    }

    private static void serve(ServerSocket server, Wire wire) {
        byte[] chunk = new byte[64 * 1024];
        if (wire == Wire.OLLAMA) {
            Arrays.fill(chunk, (byte) 'x');
        } else {
            // "data: xxx...x\n" lines of 1 KiB
            for (int i = 0; i < chunk.length; i += 1024) {
                byte[] line = ("data: " + "x".repeat(1024 - 7) + "\n").getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(line, 0, chunk, i, line.length);
            }
        }
        while (true) {
            try (Socket s = server.accept()) {
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                int length = 0;
                String h;
                while ((h = in.readLine()) != null && !h.isEmpty()) {
                    if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(h.substring(15).strip());
                    }
                }
                in.skip(length);
                OutputStream out = s.getOutputStream();
                String type = wire == Wire.OLLAMA ? "application/x-ndjson" : "text/event-stream";
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                if (wire == Wire.OLLAMA) {
                    out.write("{\"model\":\"m\",\"message\":{\"content\":\"".getBytes(StandardCharsets.US_ASCII));
                }
                while (true) {
                    out.write(chunk);
                }
            } catch (Exception e) {
                // the client gave up: wait for the next one
            }
        }
    }
}
