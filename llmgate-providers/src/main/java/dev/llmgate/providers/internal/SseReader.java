package dev.llmgate.providers.internal;

import dev.llmgate.providers.ResponseLimits;
import java.io.IOException;
import java.util.function.Predicate;
import okio.BufferedSource;

/**
 * Reads Server-Sent Events from a response body, per the WHATWG rules that matter here: {@code event:}
 * and {@code data:} fields (several data lines join with a newline), comments ({@code :}) and unknown
 * fields ignored, a blank line dispatches. Bounded by {@link ResponseLimits}: no line longer than
 * {@code maxEventBytes}, the {@code data:} lines of one event together (counted whole, line ends not)
 * no longer than {@code maxEventBytes}, and the body no longer than {@code maxStreamBytes}; beyond a
 * limit a {@link dev.llmgate.api.exception.ProviderException} naming it. Not thread-safe; reuses its buffers.
 */
public final class SseReader implements FrameReader {
    private final Lines lines;
    private final String provider;
    private final long maxEvent;
    private final StringBuilder data = new StringBuilder(256);
    private String event = "";
    private String lastEvent = "";
    private final Predicate<String> completeAtEnd;

    public SseReader(BufferedSource source, String provider, ResponseLimits limits) {
        this(source, provider, limits, data -> false);
    }

    /**
     * A reader that, when the body ends in the middle of an event (its data lines read but not the
     * blank line that dispatches it), still dispatches that event if {@code completeAtEnd} accepts its
     * data. For vendors whose own SDKs read each {@code data:} line as a whole event (Gemini), so that
     * a last event without its blank line is not lost; a truncated one must fail the predicate.
     */
    public SseReader(BufferedSource source, String provider, ResponseLimits limits, Predicate<String> completeAtEnd) {
        this.lines = new Lines(source, provider, limits);
        this.provider = provider;
        this.maxEvent = limits.maxEventBytes();
        this.completeAtEnd = completeAtEnd;
    }

    /**
     * Advances to the next event; false at the end of the body. An event still being assembled when
     * the body ends is dropped (it was never dispatched), unless the {@code completeAtEnd} predicate
     * accepts its data.
     */
    @Override
    public boolean next() throws IOException {
        data.setLength(0);
        event = "";
        boolean hasData = false;
        long eventBytes = 0;
        String line;
        while ((line = lines.next()) != null) {
            if (line.isEmpty()) {
                if (hasData) {
                    lastEvent = event;
                    return true;
                }
                event = "";
                continue;
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            int start = colon < 0 ? line.length() : colon + 1;
            if (start < line.length() && line.charAt(start) == ' ') {
                start++;
            }
            if (field.equals("data")) {
                eventBytes += lines.lastBytes();
                if (eventBytes > maxEvent) {
                    data.setLength(0);
                    throw Lines.eventTooLarge(provider, maxEvent);
                }
                if (hasData) {
                    data.append('\n');
                }
                data.append(line, start, line.length());
                hasData = true;
            } else if (field.equals("event")) {
                event = line.substring(start);
            }
        }
        if (hasData && completeAtEnd.test(data.toString())) {
            lastEvent = event;
            return true;
        }
        return false;
    }

    /** The current event's name, {@code ""} when none was given. */
    @Override
    public String event() {
        return lastEvent;
    }

    /** The current event's data. */
    @Override
    public String data() {
        return data.toString();
    }
}
