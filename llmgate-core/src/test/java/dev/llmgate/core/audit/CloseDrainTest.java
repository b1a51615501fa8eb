package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.parse;
import static dev.llmgate.core.audit.AuditFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing drains: calls in flight when {@code gate.close()} and {@code audit.close()} begin finish
 * and are recorded, new calls are refused before they reach the provider, and the wait is bounded by
 * a timeout.
 */
@Timeout(60)
class CloseDrainTest {
    private final MutableClock clock = new MutableClock();
    private final InMemoryAuditSink sink = new InMemoryAuditSink();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger providerCalls = new AtomicInteger();

    /** Answers once {@link #release} opens; counts down {@code entered} on the way in. */
    private ModelProvider blocking(CountDownLatch entered) {
        return (request, call) -> {
            providerCalls.incrementAndGet();
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ChatResponse.builder()
                    .text("answer to " + request.lastUserText())
                    .usage(Usage.of(3, 2))
                    .build();
        };
    }

    private LlmGate gate(AuditLog audit, ModelProvider provider) {
        return LlmGate.builder()
                .provider("p", provider)
                .alias("fast", "p:m")
                .clock(clock)
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .build();
    }

    private List<Map<String, Object>> records() {
        return sink.lines().stream()
                .map(AuditFixtures::parse)
                .filter(m -> m.get("type").equals("call"))
                .collect(Collectors.toList());
    }

    /** Waits until {@code t} is waiting (for the calls in flight) or has ended. */
    private static void awaitParkedOrDone(Thread t) {
        while (t.isAlive() && t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    @Test
    void gateCloseThenAuditCloseWith300CallsInFlightAnswersAndRecordsEveryOne() throws Exception {
        AuditLog audit = AuditFixtures.log(sink, KEY, clock).build();
        CountDownLatch entered = new CountDownLatch(300);
        LlmGate gate = gate(audit, blocking(entered));
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int n = i;
            callers.add(start(() -> {
                try {
                    gate.chat("fast", "q" + n);
                    answered.incrementAndGet();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        entered.await();
        Thread closer = start(() -> {
            gate.close(); // the documented order
            audit.close();
        });
        awaitParkedOrDone(closer);
        assertThatThrownBy(() -> gate.chat("fast", "late"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        release.countDown();
        closer.join();
        for (Thread t : callers) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(answered.get()).isEqualTo(300);
        assertThat(providerCalls.get()).isEqualTo(300);
        assertThat(records()).hasSize(300).allSatisfy(r -> assertThat(r).containsEntry("outcome", "success"));
        VerificationReport report = verifier(KEY).verifyLines(sink.lines(), "memory");
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.finalCheckpoint()).isTrue();
    }

    @Test
    void auditCloseFirstWaitsForTheCallsInFlightAndRefusesNewOnesBeforeTheProvider() throws Exception {
        AuditLog audit = AuditFixtures.log(sink, KEY, clock).build();
        CountDownLatch entered = new CountDownLatch(5);
        LlmGate gate = gate(audit, blocking(entered));
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            callers.add(start(() -> {
                try {
                    gate.chat("fast", "q" + n);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        entered.await();
        Thread closer = start(audit::close);
        awaitParkedOrDone(closer);
        assertThat(closer.isAlive())
                .as("audit.close() waits for the calls in flight")
                .isTrue();
        assertThatThrownBy(() -> gate.chat("fast", "late"))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("closing")
                .hasMessageContaining("refused before reaching the provider");
        assertThat(providerCalls.get()).isEqualTo(5);
        release.countDown();
        closer.join();
        for (Thread t : callers) {
            t.join();
        }
        gate.close();
        assertThat(failures).isEmpty();
        assertThat(records()).hasSize(5);
        assertThat(verifier(KEY).verifyLines(sink.lines(), "memory").valid()).isTrue();
    }

    @Test
    void aStreamInFlightIsWaitedForAndRecordedWhenItsConsumerFinishesIt() throws Exception {
        AuditLog audit = AuditFixtures.log(sink, KEY, clock).build();
        LlmGate gate = gate(audit, AuditFixtures.echo());
        ChatStream stream = gate.stream(ChatRequest.of("fast", "hello"));
        assertThat(stream.next()).isInstanceOf(StreamEvent.TextDelta.class);
        Thread closer = start(() -> {
            gate.close();
            audit.close();
        });
        awaitParkedOrDone(closer);
        assertThat(closer.isAlive())
                .as("gate.close() waits for the open stream")
                .isTrue();
        while (stream.hasNext()) {
            stream.next();
        }
        stream.close();
        closer.join();
        assertThat(records())
                .singleElement()
                .satisfies(
                        r -> assertThat(r).containsEntry("outcome", "success").containsEntry("mode", "stream"));
        assertThat(verifier(KEY).verifyLines(sink.lines(), "memory").finalCheckpoint())
                .isTrue();
    }

    @Test
    void theWaitIsBoundedAndACallStillRunningAfterItFailsWithoutARecord() throws Exception {
        AuditLog audit = AuditFixtures.log(sink, KEY, clock)
                .closeTimeout(Duration.ofMillis(50))
                .build();
        LlmGate gate = LlmGate.builder()
                .provider("p", AuditFixtures.echo())
                .alias("fast", "p:m")
                .clock(clock)
                .closeTimeout(Duration.ofMillis(50))
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .build();
        ChatStream abandoned = gate.stream(ChatRequest.of("fast", "never read to the end"));
        abandoned.next();
        gate.close(); // returns after its timeout although the stream is still open
        audit.close();
        assertThat(parse(sink.lines().get(sink.lines().size() - 1))).containsEntry("final", true);
        assertThatThrownBy(() -> {
                    while (abandoned.hasNext()) {
                        abandoned.next();
                    }
                })
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("closed");
        assertThat(records()).isEmpty();
        assertThat(verifier(KEY).verifyLines(sink.lines(), "memory").valid()).isTrue();
    }
}
