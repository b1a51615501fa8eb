package dev.llmgate.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlineTimerTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final DeadlineTimer timer = new DeadlineTimer(now::get);

    @Test
    void aLimitFiresOnTheFirstTickAtOrAfterItAndOnlyOnce() {
        AtomicInteger fired = new AtomicInteger();
        DeadlineTimer.Deadline d = timer.arm(Duration.ofNanos(500), fired::incrementAndGet);
        now.set(1_499);
        timer.tick();
        assertThat(fired).hasValue(0);
        assertThat(d.fired()).isFalse();
        now.set(1_500);
        timer.tick();
        timer.tick();
        assertThat(fired).hasValue(1);
        assertThat(d.fired()).isTrue();
        assertThat(timer.armedCount()).isZero();
    }

    @Test
    void aDisarmedLimitNeverFires() {
        AtomicInteger fired = new AtomicInteger();
        DeadlineTimer.Deadline d = timer.arm(Duration.ofNanos(10), fired::incrementAndGet);
        d.disarm();
        now.addAndGet(1_000_000);
        timer.tick();
        assertThat(fired).hasValue(0);
        assertThat(d.fired()).isFalse();
    }

    @Test
    void limitsFireIndependentlyAndAFailingActionDoesNotStopTheOthers() {
        AtomicInteger fired = new AtomicInteger();
        timer.arm(Duration.ofNanos(100), () -> {
            throw new IllegalStateException("boom");
        });
        timer.arm(Duration.ofNanos(100), fired::incrementAndGet);
        DeadlineTimer.Deadline later = timer.arm(Duration.ofNanos(200), fired::incrementAndGet);
        now.addAndGet(150);
        timer.tick();
        assertThat(fired).hasValue(1);
        assertThat(later.fired()).isFalse();
        now.addAndGet(50);
        timer.tick();
        assertThat(fired).hasValue(2);
    }

    @Test
    void hugeAndNegativeLimitsAreClampedRatherThanOverflowing() {
        AtomicInteger fired = new AtomicInteger();
        timer.arm(Duration.ofSeconds(Long.MAX_VALUE), fired::incrementAndGet);
        timer.arm(Duration.ofNanos(-5), fired::incrementAndGet);
        timer.tick();
        assertThat(fired).hasValue(1);
        now.addAndGet(Long.MAX_VALUE / 4);
        timer.tick();
        assertThat(fired).hasValue(1);
    }

    @Test
    void theSharedTimerFiresWithItsOwnThread() throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        DeadlineTimer.Deadline d = DeadlineTimer.shared().arm(Duration.ofMillis(1), latch::countDown);
        assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(d.fired()).isTrue();
    }
}
