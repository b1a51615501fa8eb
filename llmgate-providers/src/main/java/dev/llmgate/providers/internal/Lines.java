package dev.llmgate.providers.internal;

import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.ProviderException;
import okio.BufferedSource;

import java.io.IOException;

/** Bounded line reading for streamed bodies, so that a runaway line cannot exhaust memory. */
final class Lines {
    /** The longest line a stream may send. */
    static final long MAX_LINE = 8L * 1024 * 1024;

    private Lines() {
    }

    /**
     * The next line without its terminator ({@code \n} or {@code \r\n}); the unterminated rest of the
     * body at its end, if any (callers decide whether that counts); {@code null} at the end.
     */
    static String next(BufferedSource source) throws IOException {
        long newline = source.indexOf((byte) '\n', 0, MAX_LINE);
        if (newline >= 0) {
            String line = source.readUtf8(newline);
            source.skip(1);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }
        if (source.request(MAX_LINE)) {
            throw new ProviderException("the provider sent a stream line longer than " + MAX_LINE + " bytes", ErrorDetails.NONE, false);
        }
        return source.exhausted() ? null : source.readUtf8();
    }
}
