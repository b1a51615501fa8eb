package dev.llmgate.providers.internal;

import dev.llmgate.providers.ResponseLimits;
import java.io.IOException;
import okio.BufferedSource;

/**
 * Bounded line reading for streamed bodies: no line may be longer than
 * {@link ResponseLimits#maxEventBytes()} and the whole body not longer than
 * {@link ResponseLimits#maxStreamBytes()}, so that a runaway stream cannot exhaust memory: a line is
 * looked for no further than the limit (plus I/O buffering). Not thread-safe.
 */
final class Lines {
    private final BufferedSource source;
    private final String provider;
    private final long maxLine;
    private final long maxStream;
    private long streamBytes;
    private long lastBytes;
    private boolean lastTerminated;

    Lines(BufferedSource source, String provider, ResponseLimits limits) {
        this.source = source;
        this.provider = provider;
        this.maxLine = limits.maxEventBytes();
        this.maxStream = limits.maxStreamBytes();
    }

    /**
     * The next line without its terminator ({@code \n} or {@code \r\n}); the unterminated rest of the
     * body at its end, if any (callers decide whether that counts, see {@link #lastTerminated()});
     * {@code null} at the end.
     *
     * @throws dev.llmgate.api.exception.ProviderException if the line or the stream exceeds its limit
     */
    String next() throws IOException {
        // a line of maxLine bytes may be followed by "\r\n": look that far for its end, no further
        long newline = source.indexOf((byte) '\n', 0, maxLine + 2);
        long bytes;
        String line;
        if (newline >= 0) {
            count(newline + 1);
            line = source.readUtf8(newline);
            source.skip(1);
            lastTerminated = true;
            bytes = newline;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
                bytes--;
            }
        } else if (source.request(maxLine + 2)) {
            throw eventTooLarge(provider, maxLine);
        } else if (source.exhausted()) {
            return null;
        } else {
            bytes = source.getBuffer().size();
            count(bytes);
            line = source.readUtf8();
            lastTerminated = false;
        }
        if (bytes > maxLine) {
            throw eventTooLarge(provider, maxLine);
        }
        lastBytes = bytes;
        return line;
    }

    /** The size in bytes of the line {@link #next()} returned last, without its terminator. */
    long lastBytes() {
        return lastBytes;
    }

    /** Whether the line {@link #next()} returned last ended with a line terminator (false: the body ended). */
    boolean lastTerminated() {
        return lastTerminated;
    }

    private void count(long bytes) {
        streamBytes += bytes;
        if (streamBytes > maxStream) {
            throw Bodies.tooLarge(provider, "a streamed answer", maxStream, "maxStreamBytes", "withMaxStreamBytes");
        }
    }

    static dev.llmgate.api.exception.ProviderException eventTooLarge(String provider, long max) {
        return Bodies.tooLarge(provider, "a stream event", max, "maxEventBytes", "withMaxEventBytes");
    }
}
