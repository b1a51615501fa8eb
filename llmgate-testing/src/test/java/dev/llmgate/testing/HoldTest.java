package dev.llmgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HoldTest {

    @Test
    void nothingPassesBeforeReleaseAndEverythingAfter() throws Exception {
        Hold hold = new Hold();
        CountDownLatch passed = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            hold.pass();
            passed.countDown();
        });
        caller.start();
        hold.awaitArrivals(1);
        assertThat(passed.getCount()).isEqualTo(1);
        assertThat(hold.isReleased()).isFalse();
        hold.release();
        assertThat(passed.await(30, TimeUnit.SECONDS)).isTrue();
        hold.pass();
        assertThat(hold.arrivals())
                .as("a caller after the release passes at once and is counted")
                .isEqualTo(2);
        assertThat(hold.toString()).contains("released", "2 arrived");
    }

    @Test
    void anInterruptedCallerFailsAndKeepsItsInterruptFlag() throws Exception {
        Hold hold = new Hold();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean flagKept = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            try {
                hold.pass();
            } catch (IllegalStateException e) {
                failure.set(e);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        hold.awaitArrivals(1);
        caller.interrupt();
        caller.join(30_000);
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted");
        assertThat(flagKept).isTrue();
    }

    @Test
    void awaitArrivalsReturnsOnceEnoughArrived() throws Exception {
        Hold hold = new Hold();
        hold.release();
        CompletableFuture<Void> waiting =
                CompletableFuture.runAsync(() -> hold.awaitArrivals(2), r -> new Thread(r).start());
        hold.pass();
        assertThat(waiting).isNotDone();
        hold.pass();
        waiting.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> hold.awaitArrivals(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
