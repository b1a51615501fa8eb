package dev.llmgate.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a call took, measured by the gate's clock.
 *
 * @param total            from the start of the attempt that answered to its last byte
 * @param timeToFirstToken for streamed answers, until the first text or tool-call delta
 */
public record Timings(Duration total, Optional<Duration> timeToFirstToken) {

    /** Not measured. */
    public static final Timings NONE = new Timings(Duration.ZERO, Optional.empty());

    public Timings {
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken: use Optional.empty()");
    }

    /** A blocking call's timings. */
    public static Timings of(Duration total) {
        return new Timings(total, Optional.empty());
    }
}
