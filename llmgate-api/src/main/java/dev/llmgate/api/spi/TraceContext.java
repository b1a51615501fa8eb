package dev.llmgate.api.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The W3C trace context ({@code traceparent}, optionally {@code tracestate}) that the attempt running on this thread
 * asks its provider's HTTP request to carry. A tracing observer (llmgate-opentelemetry with
 * {@code propagateTraceContext(true)}) makes one current around each attempt; llmgate's HTTP providers add its
 * headers to the request they send on that thread. Nothing else is ever propagated (no baggage), and nothing when
 * no trace context is current.
 *
 * <p>Guarantees: immutable; {@link #of} accepts only a well-formed {@code traceparent} (version {@code 00}, 32 and 16
 * lower-case hex digits, 2 of flags; not all zeros) and a {@code tracestate} of at most 512 printable ASCII
 * characters, so a header can never carry anything else; {@link #makeCurrent()} restores the previous context when
 * its scope closes.
 */
public final class TraceContext {
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final ThreadLocal<@Nullable TraceContext> CURRENT = new ThreadLocal<>();

    private final String traceparent;
    private final Optional<String> tracestate;

    private TraceContext(String traceparent, Optional<String> tracestate) {
        this.traceparent = traceparent;
        this.tracestate = tracestate;
    }

    /**
     * A trace context from its header values.
     *
     * @throws IllegalArgumentException if either is malformed
     */
    public static TraceContext of(String traceparent, Optional<String> tracestate) {
        Objects.requireNonNull(traceparent, "traceparent");
        Objects.requireNonNull(tracestate, "tracestate: use Optional.empty()");
        if (!TRACEPARENT.matcher(traceparent).matches()
                || traceparent.startsWith("00-00000000000000000000000000000000")
                || traceparent.substring(36, 52).equals("0000000000000000")) {
            throw new IllegalArgumentException("not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>, not all zeros)");
        }
        if (tracestate.isPresent()) {
            String s = tracestate.get();
            if (s.length() > 512 || !s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("a tracestate is at most 512 printable ASCII characters");
            }
        }
        return new TraceContext(traceparent, tracestate.filter(s -> !s.isEmpty()));
    }

    /** The trace context current on this thread, if any. */
    public static Optional<TraceContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Makes this the current trace context of this thread until the returned scope is closed. */
    public Scope makeCurrent() {
        TraceContext previous = CURRENT.get();
        CURRENT.set(this);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** The {@code traceparent} header's value. */
    public String traceparent() {
        return traceparent;
    }

    /** The {@code tracestate} header's value, if any. */
    public Optional<String> tracestate() {
        return tracestate;
    }

    @Override
    public String toString() {
        return "TraceContext[" + traceparent + "]";
    }

    /** Closes a {@link #makeCurrent()}; closing never throws. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
