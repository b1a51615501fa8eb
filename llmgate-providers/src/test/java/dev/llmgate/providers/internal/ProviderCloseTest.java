package dev.llmgate.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.NetworkException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.Timeouts;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.OpenSockets;
import dev.llmgate.providers.testing.Vendors.Vendor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A provider's {@code close()}: with 8 connections in its pool (8 calls held by the server until all
 * arrived) and a stream in flight, close must leave no socket of ours to the server (counted in the
 * kernel's table, see {@link OpenSockets}), fail the stream in flight with a clear network error, and
 * end the time-limit thread when no limit is armed. Deterministic: the server releases the calls on a
 * latch, not a clock; closing a socket releases its descriptor before close() returns.
 */
class ProviderCloseTest {
    static final int CALLS = 8;

    MockWebServer server;
    ExecutorService callers;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        callers = Executors.newFixedThreadPool(CALLS);
    }

    @AfterEach
    void stop() {
        callers.shutdownNow();
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void closeReleasesEveryConnectionCancelsTheStreamInFlightAndEndsTheTimerThread(Vendor vendor) throws Exception {
        assumeThat(OpenSockets.available())
                .as("needs Linux /proc to count sockets")
                .isTrue();
        CountDownLatch allArrived = new CountDownLatch(CALLS);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                if (request.getBody().utf8().contains("\"stream\":true")
                        || request.getUrl().encodedPath().contains("stream")) {
                    String stream = vendor.wire.stream();
                    // the first event, then nothing for an hour: a stream in flight
                    return new MockResponse.Builder()
                            .addHeader("Content-Type", vendor.wire.streamType)
                            .body(stream)
                            .throttleBody(stream.indexOf('\n') + 1, 1, TimeUnit.HOURS)
                            .build();
                }
                allArrived.countDown();
                allArrived.await(30, TimeUnit.SECONDS);
                return new MockResponse.Builder()
                        .addHeader("Content-Type", "application/json")
                        .body(vendor.wire.text("hi"))
                        .build();
            }
        });
        ModelProvider provider = vendor.factory.create(server.url("/").toString(), null, Timeouts.DEFAULTS);

        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            calls.add(callers.submit(() -> provider.chat(ChatRequest.of("m", "hi"), Fixtures.blocking())));
        }
        for (Future<?> f : calls) {
            f.get(60, TimeUnit.SECONDS);
        }
        ChatStream inFlight = provider.stream(ChatRequest.of("m", "hi"), Fixtures.streaming());
        assertThat(OpenSockets.to(server.getPort()))
                .as("pooled and in-flight connections before close")
                .isGreaterThanOrEqualTo(CALLS);

        provider.close();

        assertThat(OpenSockets.to(server.getPort()))
                .as("sockets of ours to the server after close")
                .isZero();
        LlmException e = catchThrowableOfType(LlmException.class, inFlight::collect);
        assertThat(e)
                .isInstanceOf(NetworkException.class)
                .hasMessageContaining("the provider was closed while the call was in flight");
        assertThat(DeadlineTimer.shared().armedCount()).as("limits left armed").isZero();
        assertThat(timerThreadAlive()).as("the time-limit thread after close").isFalse();

        LlmException later = catchThrowableOfType(
                LlmException.class, () -> provider.chat(ChatRequest.of("m", "hi"), Fixtures.blocking()));
        assertThat(later).isInstanceOf(ProviderException.class).hasMessageContaining("is closed: build a new one");
        provider.close(); // idempotent
    }

    @ParameterizedTest
    @EnumSource(
            value = Vendor.class,
            names = {"OPENAI", "OLLAMA"})
    void theTimerThreadStartsAgainForAnotherProvidersCall(Vendor vendor) throws Exception {
        ModelProvider first = vendor.factory.create(server.url("/").toString(), null, Timeouts.DEFAULTS);
        first.close();
        assertThat(timerThreadAlive()).isFalse();
        ModelProvider second = vendor.factory.create(server.url("/").toString(), null, Timeouts.DEFAULTS);
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(vendor.wire.text("hi"))
                .build());
        assertThat(second.chat(ChatRequest.of("m", "hi"), Fixtures.blocking()).text())
                .isEqualTo("hi");
        second.close();
    }

    static boolean timerThreadAlive() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(DeadlineTimer.THREAD_NAME) && t.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
