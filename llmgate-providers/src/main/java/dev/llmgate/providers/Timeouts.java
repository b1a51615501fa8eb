package dev.llmgate.providers;

import java.time.Duration;
import java.util.Objects;

/**
 * A provider's time limits. Every limit turns into a
 * {@link dev.llmgate.api.exception.RequestTimeoutException} when it is exceeded.
 *
 * @param connect          to open the TCP/TLS connection
 * @param call             the whole of a call, blocking or streamed, from sending to the last byte of the answer
 * @param read             the longest silence between two reads (a stalled stream)
 * @param timeToFirstToken for streams: until the first event arrives
 */
public record Timeouts(Duration connect, Duration call, Duration read, Duration timeToFirstToken) {

    /** 10 s connect, 10 min per call (streams included), 2 min of silence, 2 min to the first token. */
    public static final Timeouts DEFAULTS =
            new Timeouts(Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(2));

    public Timeouts {
        check(connect, "connect");
        check(call, "call");
        check(read, "read");
        check(timeToFirstToken, "timeToFirstToken");
    }

    private static void check(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("timeout '" + name + "' must be positive, was " + d);
        }
    }

    /** A builder that starts from {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link Timeouts}; unset limits keep their defaults. */
    public static final class Builder {
        private Duration connect = DEFAULTS.connect;
        private Duration call = DEFAULTS.call;
        private Duration read = DEFAULTS.read;
        private Duration timeToFirstToken = DEFAULTS.timeToFirstToken;

        private Builder() {}

        public Builder connect(Duration value) {
            this.connect = value;
            return this;
        }

        public Builder call(Duration value) {
            this.call = value;
            return this;
        }

        public Builder read(Duration value) {
            this.read = value;
            return this;
        }

        public Builder timeToFirstToken(Duration value) {
            this.timeToFirstToken = value;
            return this;
        }

        /** @throws IllegalArgumentException if a limit is not positive */
        public Timeouts build() {
            return new Timeouts(connect, call, read, timeToFirstToken);
        }
    }

    public Timeouts withConnect(Duration value) {
        return new Timeouts(value, call, read, timeToFirstToken);
    }

    public Timeouts withCall(Duration value) {
        return new Timeouts(connect, value, read, timeToFirstToken);
    }

    public Timeouts withRead(Duration value) {
        return new Timeouts(connect, call, value, timeToFirstToken);
    }

    public Timeouts withTimeToFirstToken(Duration value) {
        return new Timeouts(connect, call, read, value);
    }
}
