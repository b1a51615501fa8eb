package dev.llmgate.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StateStoreTest {
    private final MutableClock clock = new MutableClock(Fakes.START);
    private final StateStore store = StateStore.inMemory(clock);

    @Test
    void addIfAtMostChecksAndAddsInOneStep() {
        Instant later = clock.instant().plusSeconds(60);
        assertThat(store.addIfAtMost("k", 7, 10, later)).isEqualTo(OptionalLong.of(7));
        assertThat(store.addIfAtMost("k", 4, 10, later)).isEmpty();
        assertThat(store.counter("k")).isEqualTo(7);
        assertThat(store.addIfAtMost("k", 3, 10, later)).isEqualTo(OptionalLong.of(10));
        assertThat(store.add("k", -5, later)).isEqualTo(5);
    }

    @Test
    void keysExpire() {
        store.add("k", 5, clock.instant().plusSeconds(10));
        assertThat(store.compareAndSet(
                        "v", Optional.empty(), "x", clock.instant().plusSeconds(10)))
                .isTrue();
        clock.advance(Duration.ofSeconds(10));
        assertThat(store.counter("k")).isZero();
        assertThat(store.value("v")).isEmpty();
    }

    @Test
    void compareAndSetComparesWithTheCurrentValue() {
        Instant later = clock.instant().plusSeconds(60);
        assertThat(store.compareAndSet("v", Optional.of("a"), "b", later)).isFalse();
        assertThat(store.compareAndSet("v", Optional.empty(), "a", later)).isTrue();
        assertThat(store.compareAndSet("v", Optional.empty(), "b", later)).isFalse();
        assertThat(store.compareAndSet("v", Optional.of("a"), "b", later)).isTrue();
        assertThat(store.value("v")).contains("b");
    }
}
