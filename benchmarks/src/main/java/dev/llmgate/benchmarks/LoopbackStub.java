package dev.llmgate.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP/1.1 server on 127.0.0.1 that answers every POST at once with a fixed OpenAI-format
 * body: a chat completion, or (when the request asks for a stream) a precomputed SSE stream. It sets
 * TCP_NODELAY on accepted sockets, without which Nagle plus delayed ACK add about 40 ms to every call
 * and hide every difference being measured. Keep-alive; one thread per connection.
 */
public final class LoopbackStub implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "loopback-stub");
        t.setDaemon(true);
        return t;
    });
    private final byte[] json;
    private final byte[] sse;

    public LoopbackStub(int streamChunks) throws IOException {
        this.json = response("application/json", completion().getBytes(StandardCharsets.UTF_8));
        this.sse = response("text/event-stream", stream(streamChunks).getBytes(StandardCharsets.UTF_8));
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** The base URL, ending in {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    static String completion() {
        return "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o-mini-2024-07-18\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The gateway adds policy, routing,"
                + " caching and audit to every call.\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":512,\"completion_tokens\":14,\"total_tokens\":526,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}},"
                + "\"system_fingerprint\":\"fp_bench\"}";
    }

    static String stream(int chunks) {
        StringBuilder sb = new StringBuilder();
        String prefix = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":";
        sb.append(prefix)
                .append(
                        "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (int i = 0; i < chunks; i++) {
            sb.append(prefix)
                    .append("[{\"index\":0,\"delta\":{\"content\":\"word")
                    .append(i % 10)
                    .append(" \"},\"finish_reason\":null}]}\n\n");
        }
        sb.append(prefix).append("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        sb.append(prefix)
                .append("[],\"usage\":{\"prompt_tokens\":512,\"completion_tokens\":")
                .append(chunks)
                .append(",\"total_tokens\":")
                .append(512 + chunks)
                .append("}}\n\n");
        sb.append("data: [DONE]\n\n");
        return sb.toString();
    }

    private static byte[] response(String contentType, byte[] body) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
                        + "\r\nx-request-id: req_bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket;
                InputStream in = new BufferedInputStream(socket.getInputStream(), 16384);
                OutputStream out = socket.getOutputStream()) {
            byte[] body = new byte[1 << 16];
            while (true) {
                int contentLength = -1;
                String line;
                boolean first = true;
                while ((line = readLine(in)) != null && !line.isEmpty()) {
                    first = false;
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.regionMatches(true, 0, "content-length", 0, colon)) {
                        contentLength =
                                Integer.parseInt(line.substring(colon + 1).trim());
                    }
                }
                if (line == null || first) {
                    return;
                }
                boolean stream = false;
                if (contentLength > 0) {
                    if (body.length < contentLength) {
                        body = new byte[contentLength];
                    }
                    int read = 0;
                    while (read < contentLength) {
                        int n = in.read(body, 0, contentLength - read);
                        if (n < 0) {
                            return;
                        }
                        if (!stream) {
                            stream = new String(body, 0, n, StandardCharsets.ISO_8859_1).contains("\"stream\":true");
                        }
                        read += n;
                    }
                }
                out.write(stream ? sse : json);
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
