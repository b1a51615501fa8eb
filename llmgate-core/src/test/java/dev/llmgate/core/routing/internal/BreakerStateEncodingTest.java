package dev.llmgate.core.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.core.routing.BreakerState;
import org.junit.jupiter.api.Test;

/** The one-string form a breaker's state has in a {@code StateStore}: what is written reads back; anything else reads as closed. */
class BreakerStateEncodingTest {

    @Test
    void everyStateReadsBackAsWritten() {
        for (BreakerState st : BreakerState.values()) {
            Breakers.State s =
                    new Breakers.State(st, 3, 17, 0b1011L, 1_764_000_000_123L, 1_764_000_000_456L, Long.MAX_VALUE);
            assertThat(Breakers.State.decode(s.encode())).isEqualTo(s);
        }
        Breakers.State negative = new Breakers.State(BreakerState.CLOSED, 0, 0, -1L, 0L, 0L, Long.MIN_VALUE);
        assertThat(Breakers.State.decode(negative.encode())).isEqualTo(negative);
        assertThat(Breakers.State.decode(Breakers.State.INITIAL.encode())).isEqualTo(Breakers.State.INITIAL);
    }

    @Test
    void anythingElseReadsAsTheInitialState() {
        for (String bad : new String[] {
            "",
            "C",
            "C,",
            "C,0,0,0,0,0",
            "C,0,0,0,0,0,0,0",
            "C,0,0,0,0,0,",
            "CL,0,0,0,0,0,0",
            ",0,0,0,0,0,0",
            "C,x,0,0,0,0,0",
            "C,0,0,0,,0,0",
            "C,99999999999,0,0,0,0,0",
            "C,0,0,0,0,0,99999999999999999999",
            "O,1,2,3,4,5,6 ",
            "O 1,2,3,4,5,6,7"
        }) {
            assertThat(Breakers.State.decode(bad)).as(bad).isEqualTo(Breakers.State.INITIAL);
        }
        assertThat(Breakers.State.decode("O,1,2,3,4,5,6").state()).isEqualTo(BreakerState.OPEN);
        assertThat(Breakers.State.decode("H,1,2,3,4,5,6").state()).isEqualTo(BreakerState.HALF_OPEN);
    }
}
