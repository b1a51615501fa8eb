package dev.llmgate.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * An MCP client transport over a pair of byte streams, newline-delimited JSON-RPC as over stdio, for a server in the
 * same JVM (the SDK has no client transport over streams). One thread reads and hands on each message in order; one
 * thread writes, in the order the messages were sent, so the reading thread never waits for a write.
 */
final class StreamClientTransport implements McpClientTransport {
    private final McpJsonMapper json;
    private final InputStream in;
    private final Writer out;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> daemon(r, "mcp-client-out"));
    private volatile boolean closing;
    private volatile Throwable failure;

    /** Reads the server's messages from {@code in} and writes the client's to {@code out}. */
    StreamClientTransport(McpJsonMapper json, InputStream in, OutputStream out) {
        this.json = json;
        this.in = in;
        this.out = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            Thread reader = daemon(() -> read(handler), "mcp-client-in");
            reader.start();
        });
    }

    private void read(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                handler.apply(Mono.just(McpSchema.deserializeJsonRpcMessage(json, line)))
                        .subscribe(m -> {}, this::fail);
            }
            fail(new IOException("the MCP server closed its output"));
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Throwable e) {
        if (!closing && failure == null) {
            failure = e;
        }
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        return Mono.fromFuture(() -> CompletableFuture.runAsync(() -> write(message), writer));
    }

    private void write(JSONRPCMessage message) {
        Throwable failed = failure;
        if (failed != null) {
            throw new IllegalStateException("the connection to the MCP server failed", failed);
        }
        try {
            // one line: the mapper does not indent, and JSON strings escape line breaks
            out.write(json.writeValueAsString(message));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes what was sent, then ends the server's input (the server stops) and stops reading. */
    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            if (closing) {
                return;
            }
            closing = true;
            writer.execute(() -> close(out));
            writer.shutdown();
            close(in); // not the reader: its close would wait for the blocked read
        });
    }

    private static void close(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return json.convertValue(data, typeRef);
    }
}
