package dev.llmgate.providers.fault;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.testing.OpenSockets;
import dev.llmgate.providers.testing.Vendors.Vendor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Run in a child JVM by {@link GateCloseTest}, so that every thread of the JVM is this scenario's: a
 * gate with all six providers (default clients: pools of their own), {@value #CALLS} concurrent calls
 * per provider on the gate's executor (held by each server until all arrived, so each opens
 * {@value #CALLS} connections) and one stream per provider left in flight; then {@code gate.close()}.
 * Prints the llmgate threads still alive, our sockets to the servers, and how the streams in flight ended.
 */
public final class GateCloseMain {
    static final int CALLS = 32;

    private GateCloseMain() {}

    public static void main(String[] args) throws Exception {
        List<MockWebServer> servers = new ArrayList<>();
        CountDownLatch streaming = new CountDownLatch(Vendor.values().length);
        LlmGate.Builder builder = LlmGate.builder();
        for (Vendor vendor : Vendor.values()) {
            MockWebServer server = new MockWebServer();
            CountDownLatch allArrived = new CountDownLatch(CALLS);
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                    if (request.getBody().utf8().contains("\"stream\":true")
                            || request.getUrl().encodedPath().contains("stream")) {
                        String stream = vendor.wire.stream();
                        streaming.countDown();
                        return new MockResponse.Builder()
                                .addHeader("Content-Type", vendor.wire.streamType)
                                .body(stream)
                                .throttleBody(stream.indexOf('\n') + 1, 1, TimeUnit.HOURS)
                                .build();
                    }
                    allArrived.countDown();
                    allArrived.await(60, TimeUnit.SECONDS);
                    return new MockResponse.Builder()
                            .addHeader("Content-Type", "application/json")
                            .body(vendor.wire.text("hi"))
                            .build();
                }
            });
            server.start();
            servers.add(server);
            builder.provider(
                    vendor.name().toLowerCase(Locale.ROOT),
                    vendor.factory.create(server.url("/").toString(), null, Timeouts.DEFAULTS));
        }
        LlmGate gate = builder.build();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (Vendor vendor : Vendor.values()) {
            for (int i = 0; i < CALLS; i++) {
                calls.add(gate.chatAsync(ChatRequest.of(vendor.name().toLowerCase(Locale.ROOT) + ":m", "hi")));
            }
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
        List<CompletableFuture<?>> streams = new ArrayList<>();
        for (Vendor vendor : Vendor.values()) {
            streams.add(gate.streamAsync(ChatRequest.of(vendor.name().toLowerCase(Locale.ROOT) + ":m", "hi"), e -> {}));
        }
        // every stream's request has reached its server: the call is in flight
        if (!streaming.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the streams did not start");
        }
        int before = 0;
        for (MockWebServer s : servers) {
            before += OpenSockets.to(s.getPort());
        }
        System.out.println("BEFORE " + before);

        gate.close();

        TreeSet<String> threads = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("llmgate-") && t.isAlive()) {
                threads.add(t.getName());
            }
        }
        int sockets = 0;
        for (MockWebServer s : servers) {
            sockets += OpenSockets.to(s.getPort());
        }
        TreeSet<String> ends = new TreeSet<>();
        for (CompletableFuture<?> f : streams) {
            try {
                f.getNow(null);
                ends.add(f.isDone() ? "completed" : "still running");
            } catch (CompletionException e) {
                ends.add(e.getCause().getClass().getSimpleName() + ": "
                        + e.getCause().getMessage());
            }
        }
        System.out.println("THREADS " + threads);
        System.out.println("SOCKETS " + sockets);
        System.out.println("STREAMS " + ends);
        for (MockWebServer s : servers) {
            s.close();
        }
        System.exit(0);
    }
}
