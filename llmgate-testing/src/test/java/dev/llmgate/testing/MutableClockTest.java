package dev.llmgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MutableClockTest {

    @Test
    void standsStillUntilMoved() {
        MutableClock clock = new MutableClock();
        assertThat(clock.instant())
                .isEqualTo(MutableClock.DEFAULT_START)
                .isEqualTo(Instant.parse("2025-03-01T10:00:00Z"));
        assertThat(clock.instant()).isEqualTo(clock.instant());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void advancesByExactlyWhatTheTestSaysWithNanosecondPrecision() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        clock.advance(Duration.ofMillis(1500));
        clock.advance(Duration.ofNanos(7));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:01.500000007Z"));
        assertThat(clock.millis())
                .isEqualTo(Instant.parse("2026-01-01T00:00:01.500Z").toEpochMilli());
    }

    @Test
    void advanceRefusesToGoBackAndSetGoesAnywhere() {
        MutableClock clock = new MutableClock();
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set(instant)");
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);
        clock.set(Instant.parse("2001-01-01T00:00:00Z"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2001-01-01T00:00:00Z"));
    }

    @Test
    void aViewInAnotherZoneSharesTheTime() {
        MutableClock clock = new MutableClock();
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
        clock.advance(Duration.ofHours(1));
        assertThat(paris.instant()).isEqualTo(clock.instant());
        ((MutableClock) paris).advance(Duration.ofMinutes(1));
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START.plus(Duration.ofMinutes(61)));
    }

    @Test
    void concurrentAdvancesAllCount() throws Exception {
        MutableClock clock = new MutableClock();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    clock.advance(Duration.ofMillis(1));
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START.plusSeconds(8));
    }
}
