package dev.llmgate.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.spi.CallContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TestCallContextTest {
    static final CallContext.Key<String> NAME = CallContext.Key.of("name", String.class);
    static final CallContext.ListKey<Integer> NUMBERS = CallContext.ListKey.of("numbers", Integer.class);

    @Test
    void defaultsAreABlockingCallOnAFreshClock() {
        TestCallContext call = TestCallContext.blockingCall();
        assertThat(call.callId()).isEqualTo("test-call");
        assertThat(call.streaming()).isFalse();
        assertThat(call.clock()).isInstanceOf(MutableClock.class);
        assertThat(call.startedAt()).isEqualTo(MutableClock.DEFAULT_START);
        assertThat(call.isCancelled()).isFalse();
        assertThat(TestCallContext.streamingCall().streaming()).isTrue();
        assertThat(TestCallContext.blockingCall().clock())
                .as("each context its own clock")
                .isNotSameAs(call.clock());
    }

    @Test
    void startedAtIsTheClocksInstantWhenBuilt() {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
        TestCallContext.Builder builder =
                TestCallContext.builder().callId("c-1").streaming(true).clock(clock);
        TestCallContext first = builder.build();
        clock.advance(Duration.ofSeconds(3));
        TestCallContext second = builder.build();
        assertThat(first.callId()).isEqualTo("c-1");
        assertThat(first.startedAt()).isEqualTo(Instant.parse("2026-05-01T08:00:00Z"));
        assertThat(second.startedAt()).isEqualTo(Instant.parse("2026-05-01T08:00:03Z"));
        assertThat(first.clock()).isSameAs(clock);
        assertThatThrownBy(() -> TestCallContext.builder().callId(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void attributesAreTypedByTheirKeyAndNeverNull() {
        TestCallContext call = TestCallContext.blockingCall();
        assertThat(call.get(NAME)).isEmpty();
        call.put(NAME, "a");
        call.put(NAME, "b");
        assertThat(call.get(NAME)).contains("b");
        assertThatThrownBy(() -> call.put(NAME, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> call.put((CallContext.Key) NAME, 42))
                .as("a value of the wrong type, as the gate refuses it")
                .isInstanceOf(ClassCastException.class);
        assertThat(call.get(CallContext.Key.of("name", String.class)))
                .as("keys compare by identity")
                .isEmpty();
    }

    @Test
    void listAttributesKeepTheirOrderAndAreSnapshots() throws Exception {
        TestCallContext call = TestCallContext.blockingCall();
        assertThat(call.list(NUMBERS)).isEmpty();
        call.append(NUMBERS, 1);
        List<Integer> snapshot = call.list(NUMBERS);
        call.append(NUMBERS, 2);
        assertThat(snapshot).containsExactly(1);
        assertThat(call.list(NUMBERS)).containsExactly(1, 2);
        assertThatThrownBy(() -> call.list(NUMBERS).add(3)).isInstanceOf(UnsupportedOperationException.class);

        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> IntStream.range(0, 500).forEach(i -> call.append(NUMBERS, i)));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(call.list(NUMBERS)).hasSize(2 + 2000);
    }

    @Test
    void cancelRunsEachActionOnceInOrderAndLaterOnesAtOnce() {
        TestCallContext call = TestCallContext.blockingCall();
        List<String> ran = new CopyOnWriteArrayList<>();
        call.onCancel(() -> ran.add("first"));
        call.onCancel(() -> ran.add("second"));
        assertThat(call.pendingCancelActions()).isEqualTo(2);
        assertThat(ran).isEmpty();
        call.cancel();
        call.cancel();
        assertThat(call.isCancelled()).isTrue();
        assertThat(ran).containsExactly("first", "second");
        call.onCancel(() -> ran.add("late"));
        assertThat(ran).containsExactly("first", "second", "late");
        assertThat(call.pendingCancelActions()).isZero();
        assertThat(call.toString()).contains("cancelled");
    }

    @Test
    void aFailingCancelActionDoesNotStopTheOthersAndIsReported() {
        TestCallContext call = TestCallContext.blockingCall();
        List<String> ran = new ArrayList<>();
        call.onCancel(() -> {
            throw new IllegalStateException("broken canceller");
        });
        call.onCancel(() -> ran.add("ran"));
        assertThatThrownBy(call::cancel)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("broken canceller");
        assertThat(ran).containsExactly("ran");
        assertThat(call.isCancelled()).isTrue();
    }
}
